// admin/charts.js: a small SVG bar chart of rates (0..1) by label, drawn
// here rather than with a chart library. Bars scale to 100%; a missing rate
// (null: nothing to divide) is shown as "—" with no bar. The chart is an
// image with a text alternative, and its numbers are printed on the bars.

import { html } from '/web/lib/html.js';
import { t } from '/web/lib/i18n.js';

const kBarWidth = 44;
const kGap = 16;
const kHeight = 160;
const kTop = 20;
const kBottom = 28;

export function percent(rate) {
  return rate == null ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

export function BarChart({ id, title, data }) {
  const width = Math.max(240, data.length * (kBarWidth + kGap) + kGap);
  const plot = kHeight - kTop - kBottom;
  const description = data.map((d) => `${d.label}: ${percent(d.value)}`).join('; ');
  return html`<figure class="chart">
    <figcaption id=${`${id}-title`}>${title}</figcaption>
    <svg viewBox=${`0 0 ${width} ${kHeight}`} width="100%" height=${kHeight} role="img"
      aria-labelledby=${`${id}-title ${id}-desc`} preserveAspectRatio="xMinYMin meet">
      <desc id=${`${id}-desc`}>${description || t('admin.no_data')}</desc>
      <line class="chart-axis" x1="0" x2=${width} y1=${kTop + plot} y2=${kTop + plot} />
      <line class="chart-grid" x1="0" x2=${width} y1=${kTop} y2=${kTop} />
      ${data.map((d, i) => {
        const x = kGap + i * (kBarWidth + kGap);
        const h = d.value == null ? 0 : Math.max(1, Math.min(1, d.value) * plot);
        return html`<g>
          <rect class="chart-bar" x=${x} y=${kTop + plot - h} width=${kBarWidth} height=${h} />
          <text class="chart-value" x=${x + kBarWidth / 2} y=${kTop + plot - h - 4} text-anchor="middle">${percent(d.value)}</text>
          <text class="chart-label" x=${x + kBarWidth / 2} y=${kHeight - 8} text-anchor="middle">${d.label}</text>
        </g>`;
      })}
    </svg>
  </figure>`;
}
