// procedure_facts.js: how a procedure's deadline, fees and online level read,
// shared by the catalogue and the procedure page.

import { html } from '/web/lib/html.js';
import { formatMoney, t, titleOf, tOr, loc } from '/web/lib/i18n.js';

export function procedureTitle(procedure) {
  return titleOf(procedure, 'code');
}

export function sectorName(sector) {
  return tOr(`sector.${sector}`, sector ?? '');
}

export function agencyName(agency) {
  if (!agency) return '';
  return loc(agency.title, agency.name ?? agency.id ?? '');
}

export function deadlineText(deadline) {
  if (!deadline) return '';
  if (deadline.same_day) {
    const cutoff = deadline.cutoff_minutes;
    if (cutoff == null) return t('deadline.same_day');
    const hours = String(Math.floor(cutoff / 60)).padStart(2, '0');
    const minutes = String(cutoff % 60).padStart(2, '0');
    return t('deadline.same_day_cutoff', { time: `${hours}:${minutes}` });
  }
  return t('deadline.working_days', { days: deadline.working_days });
}

export function OnlineBadge({ level }) {
  const full = level === 'full';
  return html`<span class=${`badge ${full ? 'badge-online' : 'badge-partial'}`}>
    ${t(full ? 'online.full' : 'online.partial')}</span>`;
}

// The fees as a definition list: each fee's desk and online amounts.
export function FeeList({ fees }) {
  if (!fees || fees.length === 0) return html`<p>${t('fee.none')}</p>`;
  return html`<ul class="fee-list">
    ${fees.map(
      (fee) => html`<li>
        <span class="fee-name">${titleOf(fee)}${fee.per_copy ? ` (${t('fee.per_copy')})` : ''}</span>
        <span>${t('fee.desk')}: <strong>${formatMoney(fee.desk)}</strong></span>
        <span>${t('fee.online')}: <strong>${formatMoney(fee.online)}</strong></span>
      </li>`,
    )}
  </ul>`;
}
