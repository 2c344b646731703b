// catalogue.js: the public catalogue of procedures (GET /v1/procedures),
// searchable by name or code and filtered by sector and agency.

import { html, useMemo, useState } from '/web/lib/html.js';
import { getJson } from '/web/lib/api.js';
import { t } from '/web/lib/i18n.js';
import { href, segment } from '/web/lib/router.js';
import { LoadFailure, Loading, PageTitle, useAsync } from '/web/lib/ui.js';
import {
  agencyName,
  deadlineText,
  FeeList,
  OnlineBadge,
  procedureTitle,
  sectorName,
} from '/web/citizen/procedure_facts.js';

// Lower case without Vietnamese diacritics, so "dang ky" finds "Đăng ký".
function fold(text) {
  return String(text ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}

export function CataloguePage() {
  const catalogue = useAsync(() => getJson('/v1/procedures'), []);
  const [search, setSearch] = useState('');
  const [sector, setSector] = useState('');
  const [agency, setAgency] = useState('');
  const items = catalogue.data?.items ?? [];
  const sectors = useMemo(() => [...new Set(items.map((p) => p.sector).filter(Boolean))].sort(), [items]);
  const agencies = useMemo(
    () => [...new Set(items.map((p) => agencyName(p.agency)).filter(Boolean))].sort(),
    [items],
  );
  const shown = items.filter((procedure) => {
    if (sector && procedure.sector !== sector) return false;
    if (agency && agencyName(procedure.agency) !== agency) return false;
    if (!search) return true;
    const haystack = fold(`${procedure.code} ${procedure.name ?? ''} ${procedureTitle(procedure)}`);
    return fold(search).split(/\s+/).every((word) => haystack.includes(word));
  });

  if (catalogue.loading) return html`<${PageTitle}>${t('catalogue.title')}<//><${Loading} />`;
  if (catalogue.error) return html`<${LoadFailure} error=${catalogue.error} />`;
  return html`<section>
    <${PageTitle}>${t('catalogue.title')}<//>
    <p class="lead">${t('catalogue.lead')}</p>
    <form class="filters" role="search" onSubmit=${(event) => event.preventDefault()}>
      <div class="field">
        <label for="catalogue-search">${t('catalogue.search')}</label>
        <input id="catalogue-search" type="search" value=${search}
          placeholder=${t('catalogue.search_placeholder')}
          onInput=${(event) => setSearch(event.target.value)} />
      </div>
      <div class="field">
        <label for="catalogue-sector">${t('catalogue.sector')}</label>
        <select id="catalogue-sector" value=${sector} onChange=${(event) => setSector(event.target.value)}>
          <option value="">${t('catalogue.all')}</option>
          ${sectors.map((key) => html`<option value=${key}>${sectorName(key)}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="catalogue-agency">${t('catalogue.agency')}</label>
        <select id="catalogue-agency" value=${agency} onChange=${(event) => setAgency(event.target.value)}>
          <option value="">${t('catalogue.all')}</option>
          ${agencies.map((name) => html`<option value=${name}>${name}</option>`)}
        </select>
      </div>
    </form>
    <p role="status" class="muted">${t('catalogue.count', { count: shown.length })}</p>
    <ul class="cards">
      ${shown.map(
        (procedure) => html`<li class="card">
          <h2 class="card-title"><a href=${href(`/procedures/${segment(procedure.code)}`)}>${procedureTitle(procedure)}</a></h2>
          <p class="muted">${t('procedure.code')}: ${procedure.code} · ${sectorName(procedure.sector)} · ${agencyName(procedure.agency)}</p>
          <dl class="facts">
            <div><dt>${t('procedure.deadline')}</dt><dd>${deadlineText(procedure.deadline)}</dd></div>
            <div><dt>${t('procedure.online')}</dt><dd><${OnlineBadge} level=${procedure.online_level} /></dd></div>
          </dl>
          <${FeeList} fees=${procedure.fees} />
        </li>`,
      )}
    </ul>
  </section>`;
}
