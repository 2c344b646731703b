// admin/feed.js: the national-portal sync feed of the agency (GET /v1/feed):
// the newest entry id (the cursor a reader continues from), how far behind
// now the newest entry is (lag), the latest entries, and the entries the
// webhook push gave up on (GET /v1/feed/dead-letters).
//
// The server keeps no record of how far the portal has read, so "cursor"
// here is where the feed ends; a reader's own cursor is not visible.

import { html } from '/web/lib/html.js';
import { getJson } from '/web/lib/api.js';
import { formatDateTime, t } from '/web/lib/i18n.js';
import { segment } from '/web/lib/router.js';
import { LoadFailure, Loading, PageTitle, ProblemAlert, useAsync } from '/web/lib/ui.js';

const kPage = 1000;
const kMaxPages = 20;

// Reads the feed to its end from the oldest entry the server still holds
// (entries past the retention period are deleted), keeping the last `keep`.
async function loadFeed(keep = 20) {
  let after = null;
  let recent = [];
  for (let page = 0; page < kMaxPages; page += 1) {
    const data = await getJson(after === null ? `/v1/feed?limit=${kPage}` : `/v1/feed?after=${after}&limit=${kPage}`);
    recent = [...recent, ...data.items].slice(-keep);
    if (data.next === after || data.items.length < kPage) {
      after = data.next;
      break;
    }
    after = data.next;
  }
  let deadLetters;
  try {
    deadLetters = await getJson('/v1/feed/dead-letters');
  } catch (error) {
    deadLetters = { failed: error };
  }
  return { cursor: after, recent: recent.reverse(), deadLetters };
}

function lagText(entry) {
  if (!entry) return t('admin.feed_empty');
  const minutes = Math.max(0, Math.round((Date.now() - new Date(entry.created_at).getTime()) / 60000));
  return t('admin.feed_lag_value', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

export function FeedPage() {
  const loaded = useAsync(() => loadFeed(), []);
  let body;
  if (loaded.loading && !loaded.data) body = html`<${Loading} />`;
  else if (loaded.error) body = html`<${LoadFailure} error=${loaded.error} />`;
  else {
    const { cursor, recent, deadLetters } = loaded.data;
    body = html`<dl class="facts panel">
        <div><dt>${t('admin.feed_cursor')}</dt><dd><strong>${cursor}</strong></dd></div>
        <div><dt>${t('admin.feed_lag')}</dt><dd>${lagText(recent[0])}</dd></div>
        <div><dt>${t('admin.feed_dead')}</dt><dd>${deadLetters.failed ? '—' : deadLetters.items.length}</dd></div>
      </dl>
      <section class="panel" aria-labelledby="dead-heading">
        <h2 id="dead-heading">${t('admin.feed_dead')}</h2>
        ${deadLetters.failed ? html`<${ProblemAlert} error=${deadLetters.failed} />` : deadLetters.items.length === 0 ? html`<p>${t('admin.feed_no_dead')}</p>` :
          html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="dead-heading"><table class="data-table">
            <thead><tr><th scope="col">${t('admin.feed_entry')}</th><th scope="col">${t('admin.feed_topic')}</th><th scope="col">${t('admin.feed_attempts')}</th><th scope="col">${t('admin.feed_error')}</th><th scope="col">${t('admin.feed_failed_at')}</th></tr></thead>
            <tbody>${deadLetters.items.map((d) => html`<tr><td>${d.entry_id}</td><td>${d.topic}</td><td>${d.attempts}</td><td>${d.last_error}</td><td>${formatDateTime(d.failed_at)}</td></tr>`)}</tbody>
          </table></div>`}
      </section>
      <section class="panel" aria-labelledby="recent-heading">
        <h2 id="recent-heading">${t('admin.feed_recent')}</h2>
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="recent-heading"><table class="data-table">
          <thead><tr><th scope="col">${t('admin.feed_entry')}</th><th scope="col">${t('admin.feed_topic')}</th><th scope="col">${t('clerk.dossier_nav')}</th><th scope="col">${t('admin.feed_status')}</th><th scope="col">${t('admin.feed_created')}</th></tr></thead>
          <tbody>${recent.map((e) => html`<tr><td>${e.id}</td><td>${e.topic}</td><td>${e.payload?.dossier?.MaHoSo ? html`<a href=${`#/staff/dossiers/${segment(e.payload.dossier.MaHoSo)}`}>${e.payload.dossier.MaHoSo}</a>` : '—'}</td>
            <td>${e.payload?.dossier?.TrangThaiHoSo ?? '—'}</td><td>${formatDateTime(e.created_at)}</td></tr>`)}</tbody>
        </table></div>
      </section>`;
  }
  return html`<section>
    <${PageTitle}>${t('admin.feed_title')}<//>
    <p class="lead">${t('admin.feed_intro')}</p>
    <p><button type="button" class="button button-secondary" onClick=${loaded.reload}>${t('admin.refresh')}</button></p>
    ${body}
  </section>`;
}
