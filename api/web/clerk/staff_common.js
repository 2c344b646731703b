// staff_common.js: what the staff pages share: the SLA countdown in working
// days and hours, and the names of states and actions.
//
// The countdown is the server's (`working_time_left` on dossiers and queue
// items): the engine counts it on the agency's working-day calendar, so
// public holidays and compensating Saturdays are right; the page only words
// it. The due date is always shown beside it.

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

// The roles of `session` that have a queue in the console.
export function queueRoles(session, candidates) {
  return (session?.roles ?? []).filter((role) => candidates.includes(role));
}
