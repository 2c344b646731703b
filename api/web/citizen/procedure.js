// procedure.js: one procedure of the catalogue (GET /v1/procedures/{code}):
// deadline, fees, required documents, online level, and the way to submit.

import { html } from '/web/lib/html.js';
import { getJson } from '/web/lib/api.js';
import { t, titleOf } from '/web/lib/i18n.js';
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

export function DocumentList({ documents }) {
  if (!documents || documents.length === 0) return html`<p>${t('procedure.no_documents')}</p>`;
  return html`<ul class="document-list">
    ${documents.map(
      (document) => html`<li>
        ${titleOf(document)}
        ${document.required ? html` <span class="badge badge-required">${t('procedure.required')}</span>` : html` <span class="muted">(${t('procedure.optional')})</span>`}
      </li>`,
    )}
  </ul>`;
}

export function ProcedurePage({ params }) {
  const procedure = useAsync(() => getJson(`/v1/procedures/${segment(params.code)}`), [params.code]);
  if (procedure.loading) return html`<${Loading} />`;
  if (procedure.error) return html`<${LoadFailure} error=${procedure.error} />`;
  const p = procedure.data;
  return html`<article>
    <p class="breadcrumb"><a href="#/">${t('catalogue.title')}</a></p>
    <${PageTitle}>${procedureTitle(p)}<//>
    <dl class="facts">
      <div><dt>${t('procedure.code')}</dt><dd>${p.code}</dd></div>
      <div><dt>${t('catalogue.sector')}</dt><dd>${sectorName(p.sector)}</dd></div>
      <div><dt>${t('catalogue.agency')}</dt><dd>${agencyName(p.agency)}</dd></div>
      <div><dt>${t('procedure.deadline')}</dt><dd>${deadlineText(p.deadline)}</dd></div>
      <div><dt>${t('procedure.online')}</dt><dd><${OnlineBadge} level=${p.online_level} /></dd></div>
    </dl>
    <section class="panel" aria-labelledby="fees-heading">
      <h2 id="fees-heading">${t('procedure.fees')}</h2>
      <${FeeList} fees=${p.fees} />
    </section>
    <section class="panel" aria-labelledby="documents-heading">
      <h2 id="documents-heading">${t('procedure.documents')}</h2>
      <${DocumentList} documents=${p.documents} />
    </section>
    <p><a class="button" href=${href(`/procedures/${segment(p.code)}/submit`)}>${t('procedure.submit')}</a></p>
  </article>`;
}
