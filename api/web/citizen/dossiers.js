// dossiers.js: "my dossiers", the signed-in applicant's dossiers
// (GET /v1/dossiers), newest first, with their national status.

import { html, useState } from '/web/lib/html.js';
import { getJson } from '/web/lib/api.js';
import { formatDate, formatDateTime, t } from '/web/lib/i18n.js';
import { href, segment } from '/web/lib/router.js';
import { LoadFailure, Loading, PageTitle, StatusBadge, useAsync } from '/web/lib/ui.js';

export function DossiersPage() {
  const [cursor, setCursor] = useState(null);
  const page = useAsync(
    () => getJson(`/v1/dossiers?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    [cursor],
  );
  if (page.loading) return html`<${PageTitle}>${t('dossiers.title')}<//><${Loading} />`;
  if (page.error) return html`<${LoadFailure} error=${page.error} />`;
  const items = page.data.items ?? [];
  return html`<section>
    <${PageTitle}>${t('dossiers.title')}<//>
    ${items.length === 0
      ? html`<p>${t('dossiers.none')} <a href="#/">${t('dossiers.browse')}</a></p>`
      : html`<ul class="cards">
          ${items.map(
            (dossier) => html`<li class="card">
              <h2 class="card-title"><a href=${href(`/dossiers/${segment(dossier.code)}`)}>${dossier.code}</a></h2>
              <p><${StatusBadge} status=${dossier.status} /></p>
              <dl class="facts">
                <div><dt>${t('procedure.code')}</dt><dd>${dossier.procedure}</dd></div>
                <div><dt>${t('dossier.due')}</dt><dd>${dossier.due_at ? formatDate(dossier.due_at) : t('dossier.no_due')}</dd></div>
                <div><dt>${t('dossier.updated')}</dt><dd>${formatDateTime(dossier.updated_at)}</dd></div>
              </dl>
            </li>`,
          )}
        </ul>`}
    ${page.data.next_cursor &&
    html`<p><button type="button" class="button button-secondary" onClick=${() => setCursor(page.data.next_cursor)}>${t('common.more')}</button></p>`}
  </section>`;
}
