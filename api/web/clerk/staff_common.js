// staff_common.js: what the staff pages share: the SLA countdown in working
// days and hours, and the names of states and actions.
//
// The countdown counts Monday-Friday office hours (07:30-11:30,
// 13:00-17:00) in Asia/Ho_Chi_Minh. The API does not publish the agency's
// working-day calendar, so public holidays and compensating Saturdays are
// not known here: the countdown is a guide, the due date (from the engine's
// calendar) is the rule and is always shown beside it.

import { html } from '/web/lib/html.js';
import { formatDateTime, loc, t, tOr } from '/web/lib/i18n.js';

const kZoneOffsetMs = 7 * 3600 * 1000;
const kOfficeWindows = [[7 * 60 + 30, 11 * 60 + 30], [13 * 60, 17 * 60]];
const kMinutesPerDay = kOfficeWindows.reduce((sum, [from, to]) => sum + to - from, 0);
const kDayMs = 24 * 3600 * 1000;

// Office minutes between instants `from` < `to` (Date or ms).
export function workingMinutesBetween(from, to) {
  const start = Number(from) + kZoneOffsetMs;
  const end = Number(to) + kZoneOffsetMs;
  if (!(end > start)) return 0;
  let minutes = 0;
  for (let day = Math.floor(start / kDayMs) * kDayMs; day < end; day += kDayMs) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (const [open, close] of kOfficeWindows) {
      const windowStart = Math.max(start, day + open * 60000);
      const windowEnd = Math.min(end, day + close * 60000);
      if (windowEnd > windowStart) minutes += (windowEnd - windowStart) / 60000;
    }
  }
  return Math.floor(minutes);
}

// {overdue, days, hours, minutes} left until `due` (or past it), now = `now`.
export function slaCountdown(due, now = Date.now()) {
  const dueMs = new Date(due).getTime();
  const overdue = dueMs < now;
  const minutes = overdue ? workingMinutesBetween(dueMs, now) : workingMinutesBetween(now, dueMs);
  return {
    overdue,
    minutes,
    days: Math.floor(minutes / kMinutesPerDay),
    hours: Math.floor((minutes % kMinutesPerDay) / 60),
  };
}

// The countdown as a badge: "còn 2 ngày 3 giờ làm việc" / "quá hạn ...".
export function SlaBadge({ due }) {
  if (!due) return html`<span class="sla sla-none">${t('clerk.sla_none')}</span>`;
  const left = slaCountdown(due);
  const soon = !left.overdue && left.minutes < kMinutesPerDay;
  const kind = left.overdue ? 'sla-overdue' : soon ? 'sla-soon' : 'sla-ok';
  const words = t(left.overdue ? 'clerk.sla_overdue' : 'clerk.sla_left', { days: left.days, hours: left.hours });
  return html`<span class=${`sla ${kind}`} title=${formatDateTime(due)}>${left.overdue ? '⚠ ' : ''}${words}</span>`;
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
