// admin/reports.js: the reports dashboard of the caller's agency: the
// national service index scorecard (GET /v1/reports/scorecard) with each
// component's formula and inputs, the on-time, online and online-payment
// rates by month (GET /v1/reports/summary?group_by=month) as bar charts,
// the agency's inter-agency branch work on its own time, and both reports as
// CSV (the same routes with Accept: text/csv).

import { html, useState } from '/web/lib/html.js';
import { api, getJson } from '/web/lib/api.js';
import { formatDateTime, t, tOr } from '/web/lib/i18n.js';
import { saveBlob } from '/web/lib/api.js';
import { Field, LoadFailure, Loading, PageTitle, ProblemAlert, useAsync } from '/web/lib/ui.js';
import { BarChart, percent } from '/web/admin/charts.js';

function defaultFrom() {
  const now = new Date();
  return `${now.getFullYear()}-01-01`;
}

function periodQuery(from, to, extra = {}) {
  const query = new URLSearchParams(extra);
  if (from) query.set('from', from);
  if (to) query.set('to', to);
  return query;
}

async function loadReports(from, to) {
  const [scorecard, summary] = await Promise.all([
    getJson(`/v1/reports/scorecard?${periodQuery(from, to)}`),
    getJson(`/v1/reports/summary?${periodQuery(from, to, { group_by: 'month' })}`),
  ]);
  return { scorecard, summary };
}

function points(value) {
  return value == null ? '—' : (Math.round(value * 100) / 100).toLocaleString();
}

function Scorecard({ scorecard }) {
  return html`<section class="panel" aria-labelledby="scorecard-heading">
    <h2 id="scorecard-heading">${t('admin.scorecard')}</h2>
    <p class="score-total">${t('admin.score_total', { points: points(scorecard.points), max: points(scorecard.max_points) })}</p>
    <p class="muted">${t('admin.generated_at', { at: formatDateTime(scorecard.generated_at) })}</p>
    <ul class="cards">${scorecard.components.map((c) => html`<li class="card">
      <h3 class="card-title">${tOr(`admin.component.${c.component}`, c.component)}</h3>
      <p><strong>${points(c.points)} / ${points(c.max_points)}</strong> ${t('admin.points')}
        ${c.status === 'no_data' && html` <span class="badge badge-partial">${t('admin.no_data')}</span>`}</p>
      <p>${t('admin.ratio', { ratio: percent(c.ratio), threshold: percent(c.threshold) })}</p>
      <p class="muted"><code>${c.formula}</code></p>
      <dl class="inputs">${Object.entries(c.inputs ?? {}).map(([name, value]) => html`<div><dt>${name}</dt><dd>${value}</dd></div>`)}</dl>
    </li>`)}</ul>
  </section>`;
}

function MonthlyCharts({ summary }) {
  const groups = [...(summary.groups ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  const series = (rate) => groups.map((g) => ({ label: g.key, value: g.rates?.[rate] ?? null }));
  return html`<section class="panel" aria-labelledby="monthly-heading">
    <h2 id="monthly-heading">${t('admin.monthly')}</h2>
    ${groups.length === 0 ? html`<p>${t('admin.no_data')}</p>` : html`<div class="charts">
      <${BarChart} id="chart-on-time" title=${t('admin.rate_on_time')} data=${series('on_time')} />
      <${BarChart} id="chart-online" title=${t('admin.rate_online')} data=${series('online')} />
      <${BarChart} id="chart-payment" title=${t('admin.rate_online_payment')} data=${series('online_payment')} />
    </div>`}
  </section>`;
}

// The inter-agency branches this agency handled on any agency's dossiers,
// judged on its own time only (the summary's branch_work). Renders nothing
// for an agency that handled none.
function BranchWork({ summary }) {
  const work = summary.branch_work;
  if (!work || work.counts.branches === 0) return null;
  const c = work.counts;
  return html`<section class="panel" aria-labelledby="branch-work-heading">
    <h2 id="branch-work-heading">${t('admin.branch_work')}</h2>
    <p class="muted">${t('admin.branch_work_explain')}</p>
    <p><strong>${t('admin.rate_on_time')}: ${percent(work.rates.on_time)}</strong></p>
    <dl class="inputs" data-branch-work>
      ${[['branches', c.branches], ['finished_on_time', c.finished_on_time], ['finished_late', c.finished_late],
        ['in_progress_on_time', c.in_progress_on_time], ['in_progress_overdue', c.in_progress_overdue]]
        .map(([name, value]) => html`<div data-count=${name}><dt>${t(`admin.branch_${name}`)}</dt><dd>${value}</dd></div>`)}
    </dl>
  </section>`;
}

export function ReportsPage() {
  const [from, setFrom] = useState(defaultFrom());
  const [to, setTo] = useState('');
  const [period, setPeriod] = useState({ from: defaultFrom(), to: '' });
  const loaded = useAsync(() => loadReports(period.from, period.to), [period.from, period.to]);
  const [failure, setFailure] = useState(null);
  const download = async (path, extra, filename) => {
    setFailure(null);
    try {
      const { data } = await api('GET', `${path}?${periodQuery(period.from, period.to, extra)}`, { headers: { Accept: 'text/csv' } });
      saveBlob(data instanceof Blob ? data : new Blob([String(data)], { type: 'text/csv' }), filename);
    } catch (error) {
      setFailure(error);
    }
  };
  return html`<section>
    <${PageTitle}>${t('admin.reports_title')}<//>
    <form class="inline-form panel" onSubmit=${(e) => { e.preventDefault(); setPeriod({ from, to }); }}>
      <${Field} id="report-from" label=${t('admin.from')}>
        <input id="report-from" type="date" value=${from} onInput=${(e) => setFrom(e.target.value)} />
      <//>
      <${Field} id="report-to" label=${t('admin.to')} hint=${t('admin.to_hint')}>
        <input id="report-to" type="date" value=${to} onInput=${(e) => setTo(e.target.value)} aria-describedby="report-to-hint" />
      <//>
      <button type="submit" class="button">${t('admin.show')}</button>
    </form>
    <div class="button-row">
      <button type="button" class="button button-secondary" onClick=${() => download('/v1/reports/summary', { group_by: 'month' }, 'summary-by-month.csv')}>${t('admin.csv_summary')}</button>
      <button type="button" class="button button-secondary" onClick=${() => download('/v1/reports/scorecard', {}, 'scorecard.csv')}>${t('admin.csv_scorecard')}</button>
    </div>
    <${ProblemAlert} error=${failure} />
    ${loaded.loading && !loaded.data ? html`<${Loading} />` : loaded.error ? html`<${LoadFailure} error=${loaded.error} />` :
      html`<${Scorecard} scorecard=${loaded.data.scorecard} /><${MonthlyCharts} summary=${loaded.data.summary} />
        <${BranchWork} summary=${loaded.data.summary} />`}
  </section>`;
}
