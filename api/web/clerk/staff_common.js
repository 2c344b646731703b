// staff_common.js: what the staff pages share: the SLA countdown in working
// days and hours, and the names of states and actions.
//
// The countdown is the server's (`working_time_left` on dossiers and queue
// items): the engine counts it on the agency's working-day calendar, so
// public holidays and compensating Saturdays are right; the page only words
// it. The due date is always shown beside it.
//
// Names of states and actions come from the procedure's workflow (GET
// /v1/procedures/{code}: `states[].names`, `actions[].names`) where a record
// carries only ids (the audit trail); people and how they signed in are
// worded here too.

import { html } from '/web/lib/html.js';
import { formatDateTime, loc, t, tOr } from '/web/lib/i18n.js';

// Less than this many working hours left: the countdown turns amber.
const kSoonHours = 8;

// The countdown as a badge: "còn 2 ngày 3 giờ làm việc" / "quá hạn ...".
// `left` is the server's working_time_left (null: no due date running).
export function SlaBadge({ due, left }) {
  if (!left) return html`<span class="sla sla-none">${t('clerk.sla_none')}</span>`;
  const soon = !left.overdue && left.total_minutes < kSoonHours * 60;
  const kind = left.overdue ? 'sla-overdue' : soon ? 'sla-soon' : 'sla-ok';
  const words = t(left.overdue ? 'clerk.sla_overdue' : 'clerk.sla_left', { days: left.days, hours: left.hours });
  return html`<span class=${`sla ${kind}`} title=${due ? formatDateTime(due) : ''}>${left.overdue ? '⚠ ' : ''}${words}</span>`;
}

export function actionTitle(action) {
  if (action && typeof action === 'object') return loc(action.title, action.name);
  return tOr(`action.${action}`, String(action).replace(/_/g, ' '));
}

export function actionName(action) {
  return typeof action === 'string' ? action : action.name;
}

export function stateTitle(item) {
  return loc(item.state_title, item.state_name ?? item.state);
}

// A {vi, en} title, treating an empty language as absent ("" when both are).
function named(names, fallback) {
  return names ? loc({ vi: names.vi || undefined, en: names.en || undefined }, fallback) : fallback;
}

// The title of state `id` in `procedure` (GET /v1/procedures/{code}): its
// localized name, else its one-language name, else the id itself.
export function workflowStateTitle(procedure, id) {
  const state = procedure?.states?.find((candidate) => candidate.id === id);
  return named(state?.names, state?.name || id);
}

// The title of action `name` in `procedure`: its localized name, else its
// one-language title, else the generic word (actionTitle), which ends in the
// name itself. Engine events (submit, claim, rate, ...) are not workflow
// actions and take the generic word.
export function workflowActionTitle(procedure, name) {
  const action = procedure?.actions?.find((candidate) => candidate.name === name);
  return named(action?.names, action?.title || actionTitle(name));
}

// A role by its localized name, else its id (workflow-specific roles).
export function roleTitle(role) {
  return tOr(`clerk.role.${role}`, role);
}

// How an audited actor signed in (the audit trail's `authenticated_by`:
// system, cli, bearer_token, oidc_session, demo_session; null for events
// stored before it was recorded), with the OpenID Provider when there is one.
export function signInTitle(actor) {
  const method = actor?.authenticated_by;
  if (!method) return t('auth.unrecorded');
  const words = tOr(`auth.${method}`, method);
  return actor.identity_provider ? t('auth.via_provider', { method: words, provider: actor.identity_provider }) : words;
}

// The roles of `session` that have a queue in the console.
export function queueRoles(session, candidates) {
  return (session?.roles ?? []).filter((role) => candidates.includes(role));
}
