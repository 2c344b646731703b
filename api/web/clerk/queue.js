// clerk/queue.js: the work queue (GET /v1/queue) of one of the signed-in
// staff member's roles: counts per procedure and state (each a filter),
// then the dossiers by due date with their SLA countdown (the server's, in
// working days and hours), procedures and states by their localized names;
// overdue and escalated ones stand out. Claim takes a dossier (of concurrent claimers one wins, the others
// get 409); release puts one's own back.

import { html, useState } from '/web/lib/html.js';
import { api, getJson, newIdempotencyKey } from '/web/lib/api.js';
import { formatDateTime, loc, t } from '/web/lib/i18n.js';
import { currentSession } from '/web/lib/session.js';
import { href, navigate, segment } from '/web/lib/router.js';
import { Alert, LoadFailure, Loading, PageTitle, ProblemAlert, StatusBadge, useAsync } from '/web/lib/ui.js';
import { SlaBadge, queueRoles } from '/web/clerk/staff_common.js';
import { kQueueRoles } from '/web/clerk/routes.js';

const kPageLimit = 200;
const kMaxPages = 5;

// Every page of the queue (at most kMaxPages x kPageLimit dossiers).
async function loadQueue(role, filters) {
  const items = [];
  let after = null;
  for (let page = 0; page < kMaxPages; page += 1) {
    const query = new URLSearchParams({ role, limit: String(kPageLimit) });
    if (filters.procedure) query.set('procedure', filters.procedure);
    if (filters.state) query.set('state', filters.state);
    if (after) query.set('after', after);
    const data = await getJson(`/v1/queue?${query}`);
    items.push(...data.items);
    after = data.next_cursor;
    if (!after) break;
  }
  return { items, truncated: Boolean(after), names: await namesOf(items) };
}

// The localized names of the queue's procedures and their states, from the
// public catalogue (GET /v1/procedures/{code}); a procedure that cannot be
// read shows its code and state ids.
async function namesOf(items) {
  const codes = [...new Set(items.map((item) => item.procedure))];
  const details = await Promise.all(codes.map((code) => getJson(`/v1/procedures/${segment(code)}`).catch(() => null)));
  const names = new Map();
  codes.forEach((code, i) => {
    const detail = details[i];
    if (!detail) return;
    names.set(code, {
      title: loc(detail.names, detail.name ?? code),
      states: new Map((detail.states ?? []).map((state) => [state.id, loc(state.names, state.name ?? state.id)])),
    });
  });
  return {
    procedure: (code) => names.get(code)?.title ?? code,
    state: (code, id) => names.get(code)?.states.get(id) ?? id,
  };
}

function countsOf(items) {
  const counts = new Map();
  for (const item of items) {
    const key = `${item.procedure}\u0000${item.state}`;
    const entry = counts.get(key) ?? { procedure: item.procedure, state: item.state, count: 0, overdue: 0 };
    entry.count += 1;
    if (item.working_time_left?.overdue) entry.overdue += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => a.procedure.localeCompare(b.procedure) || a.state.localeCompare(b.state));
}

function Counts({ items, names, basePath, role }) {
  const counts = countsOf(items);
  if (counts.length === 0) return null;
  return html`<section class="panel" aria-labelledby="counts-heading">
    <h2 id="counts-heading">${t('clerk.counts')}</h2>
    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="counts-heading"><table class="data-table">
      <thead><tr><th scope="col">${t('clerk.procedure')}</th><th scope="col">${t('clerk.state')}</th>
        <th scope="col" class="number">${t('clerk.count')}</th><th scope="col" class="number">${t('clerk.overdue')}</th></tr></thead>
      <tbody>${counts.map(
        (entry) => html`<tr>
          <td><a href=${href(basePath, { role, procedure: entry.procedure })}>${names.procedure(entry.procedure)}</a>
            <span class="muted"> (${entry.procedure})</span></td>
          <td><a href=${href(basePath, { role, procedure: entry.procedure, state: entry.state })}>${names.state(entry.procedure, entry.state)}</a></td>
          <td class="number">${entry.count}</td>
          <td class=${`number${entry.overdue > 0 ? ' cell-overdue' : ''}`}>${entry.overdue}</td>
        </tr>`,
      )}</tbody>
    </table></div>
  </section>`;
}

function Row({ item, names, me, onClaim, onRelease, busy }) {
  const overdue = Boolean(item.working_time_left?.overdue);
  const mine = item.assignee === me;
  const marks = `${overdue ? ' queue-overdue' : ''}${item.escalated ? ' queue-escalated' : ''}`;
  return html`<li class=${`queue-item${marks}`} data-code=${item.code}>
    <div class="queue-main">
      <a class="queue-code" href=${`#/staff/dossiers/${segment(item.code)}`}>${item.code}</a>
      <${StatusBadge} status=${item.status} />
      ${item.escalated && html`<span class="badge badge-escalated">${t('clerk.escalated_badge')}</span>`}
    </div>
    <p class="queue-meta">${t('clerk.procedure')}: ${names.procedure(item.procedure)} (${item.procedure}) · ${t('clerk.state')}: ${names.state(item.procedure, item.state)}
      · ${t('clerk.applicant')}: ${item.applicant_id}</p>
    <p class="queue-meta">${t('clerk.due')}: ${item.due_at ? formatDateTime(item.due_at) : '—'} · <${SlaBadge} due=${item.due_at} left=${item.working_time_left} /></p>
    <p class="queue-meta">${item.assignee ? t('clerk.assigned_to', { user: mine ? t('clerk.me') : item.assignee }) : t('clerk.unassigned')}</p>
    <div class="button-row">
      ${!item.assignee &&
      html`<button type="button" class="button button-small" disabled=${busy} onClick=${() => onClaim(item)}>
        ${t('clerk.claim')}<span class="visually-hidden"> ${item.code}</span></button>`}
      ${mine &&
      html`<button type="button" class="button button-small button-secondary" disabled=${busy} onClick=${() => onRelease(item)}>
        ${t('clerk.release')}<span class="visually-hidden"> ${item.code}</span></button>`}
      <a class="button button-small button-secondary" href=${`#/staff/dossiers/${segment(item.code)}`}>
        ${t('clerk.open')}<span class="visually-hidden"> ${item.code}</span></a>
    </div>
  </li>`;
}

// The queue of one role among `roles`, chosen by ?role=; used by the clerk
// console and the leader's signing desk.
export function QueueView({ roles, query, basePath, title, intro }) {
  const session = currentSession();
  const mine = queueRoles(session, roles);
  const role = mine.includes(query.get('role')) ? query.get('role') : mine[0];
  const filters = { procedure: query.get('procedure') ?? '', state: query.get('state') ?? '' };
  const loaded = useAsync(() => loadQueue(role, filters), [role, filters.procedure, filters.state]);
  const [failure, setFailure] = useState(null);
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(false);

  const act = async (item, verb) => {
    setBusy(true);
    setFailure(null);
    try {
      await api('POST', `/v1/dossiers/${segment(item.code)}/${verb}`, { idempotencyKey: newIdempotencyKey() });
      if (verb === 'claim') {
        navigate(`/staff/dossiers/${segment(item.code)}`);
        return;
      }
      setNotice(t('clerk.released', { code: item.code }));
      loaded.reload();
    } catch (error) {
      setFailure(error);
      loaded.reload();
    } finally {
      setBusy(false);
    }
  };

  let body;
  if (!role) body = html`<p>${t('clerk.no_queue_role')}</p>`;
  else if (loaded.loading && !loaded.data) body = html`<${Loading} />`;
  else if (loaded.error) body = html`<${LoadFailure} error=${loaded.error} />`;
  else {
    const { items, truncated, names } = loaded.data;
    body = html`
      <${Counts} items=${items} names=${names} basePath=${basePath} role=${role} />
      <section aria-labelledby="list-heading">
        <h2 id="list-heading">${t('clerk.list', { count: items.length })}</h2>
        ${truncated && html`<p class="muted">${t('clerk.truncated')}</p>`}
        ${items.length === 0
          ? html`<p>${t('clerk.empty')}</p>`
          : html`<ul class="queue-list">${items.map(
              (item) => html`<${Row} key=${item.code} item=${item} names=${names} me=${session?.user_id} busy=${busy}
                onClaim=${(it) => act(it, 'claim')} onRelease=${(it) => act(it, 'release')} />`,
            )}</ul>`}
      </section>`;
  }
  return html`<section>
    <${PageTitle}>${title}<//>
    ${intro}
    ${mine.length > 1 &&
    html`<nav class="tabs" aria-label=${t('clerk.roles')}>
      ${mine.map((r) => html`<a href=${href(basePath, { role: r })} aria-current=${r === role ? 'page' : undefined}>${t(`clerk.role.${r}`)}</a>`)}
    </nav>`}
    ${(filters.procedure || filters.state) &&
    html`<p>${t('clerk.filtered', { procedure: filters.procedure || '*', state: filters.state || '*' })}
      <a href=${href(basePath, { role })}>${t('clerk.clear_filter')}</a></p>`}
    ${notice && html`<${Alert} kind="success">${notice}<//>`}
    <${ProblemAlert} error=${failure} />
    ${body}
  </section>`;
}

export function QueuePage({ query }) {
  return html`<${QueueView} roles=${kQueueRoles} query=${query} basePath="/staff/queue"
    title=${t('clerk.queue_title')} intro=${html`<p class="lead">${t('clerk.queue_intro')}</p>`} />`;
}
