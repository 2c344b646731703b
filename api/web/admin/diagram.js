// admin/diagram.js: the states and actions of a workflow definition as an
// SVG diagram, with a small layered layout of its own: each state's layer is
// its distance from the initial state along actions (unreachable states go
// last), states keep their written order within a layer, and an action is an
// arrow from each of its `from` states to its `to` state, labelled with the
// action names. Arrows that go back up or sideways bend out to the right.

import { html } from '/web/lib/html.js';
import { loc, t } from '/web/lib/i18n.js';

const kNodeWidth = 168;
const kNodeHeight = 44;
const kColumnGap = 36;
const kRowGap = 84;
const kMargin = 24;

export function layout(definition) {
  const states = Array.isArray(definition?.states) ? definition.states.filter((s) => s && typeof s.id === 'string') : [];
  const actions = Array.isArray(definition?.actions) ? definition.actions : [];
  const ids = new Set(states.map((s) => s.id));
  const edges = new Map();
  for (const action of actions) {
    for (const from of Array.isArray(action?.from) ? action.from : []) {
      if (!ids.has(from) || !ids.has(action.to)) continue;
      const key = `${from}\u0000${action.to}`;
      const edge = edges.get(key) ?? { from, to: action.to, names: [] };
      edge.names.push(action.name);
      edges.set(key, edge);
    }
  }
  const layer = new Map();
  const start = ids.has(definition?.initial_state) ? definition.initial_state : states[0]?.id;
  if (start) {
    layer.set(start, 0);
    const queue = [start];
    while (queue.length > 0) {
      const current = queue.shift();
      for (const edge of edges.values()) {
        if (edge.from === current && !layer.has(edge.to)) {
          layer.set(edge.to, layer.get(current) + 1);
          queue.push(edge.to);
        }
      }
    }
  }
  const deepest = Math.max(-1, ...layer.values());
  for (const s of states) if (!layer.has(s.id)) layer.set(s.id, deepest + 1);
  const rows = [];
  for (const s of states) {
    const row = layer.get(s.id);
    (rows[row] ??= []).push(s);
  }
  const widest = Math.max(1, ...rows.map((row) => row?.length ?? 0));
  const width = kMargin * 2 + widest * kNodeWidth + (widest - 1) * kColumnGap + 140;
  const nodes = new Map();
  rows.forEach((row, r) => {
    (row ?? []).forEach((s, c) => {
      const x = kMargin + c * (kNodeWidth + kColumnGap);
      const y = kMargin + r * (kNodeHeight + kRowGap);
      nodes.set(s.id, { state: s, x, y });
    });
  });
  const height = kMargin * 2 + rows.length * kNodeHeight + Math.max(0, rows.length - 1) * kRowGap;
  return { nodes, edges: [...edges.values()], width, height };
}

// A point of the cubic Bezier P0..P3 at t.
function bezier(points, t) {
  const u = 1 - t;
  const weights = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
  return [0, 1].map((axis) => points.reduce((sum, point, i) => sum + weights[i] * point[axis], 0));
}

// The arrow from node `a` to node `b`; its label sits at a point along the
// curve that differs for the `nth` arrow leaving `a`, so labels of arrows
// from one state do not print over each other.
function edgePath(a, b, nth) {
  let points;
  if (b.y > a.y) {
    const x1 = a.x + kNodeWidth / 2;
    const y1 = a.y + kNodeHeight;
    const x2 = b.x + kNodeWidth / 2;
    const y2 = b.y;
    const mid = (y1 + y2) / 2;
    points = [[x1, y1], [x1, mid], [x2, mid], [x2, y2]];
  } else {
    const x1 = a.x + kNodeWidth;
    const y1 = a.y + kNodeHeight / 2;
    const x2 = b.x + kNodeWidth;
    const y2 = b.y + kNodeHeight / 2;
    const bend = Math.max(x1, x2) + 60;
    points = [[x1, y1], [bend, y1], [bend, y2], [x2, y2]];
  }
  const [lx, ly] = bezier(points, 0.3 + 0.15 * (nth % 4));
  const d = `M${points[0].join(',')} C${points[1].join(',')} ${points[2].join(',')} ${points[3].join(',')}`;
  return { d, lx, ly };
}

function clip(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function WorkflowDiagram({ definition }) {
  const { nodes, edges, width, height } = layout(definition);
  if (nodes.size === 0) return html`<p class="muted">${t('admin.diagram_empty')}</p>`;
  const summary = edges.map((e) => `${e.from} → ${e.to} (${e.names.join(', ')})`).join('; ');
  return html`<div class="diagram-wrap" tabindex="0" role="region" aria-label=${t('admin.diagram')}>
    <svg class="diagram" viewBox=${`0 0 ${width} ${height}`} width=${width} height=${height} role="img" aria-labelledby="diagram-desc">
      <desc id="diagram-desc">${summary}</desc>
      <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
        <path class="diagram-arrow" d="M0,0 L10,5 L0,10 z" /></marker></defs>
      ${edges.map((edge, i) => {
        const nth = edges.slice(0, i).filter((other) => other.from === edge.from).length;
        const path = edgePath(nodes.get(edge.from), nodes.get(edge.to), nth);
        return html`<g class="diagram-edge">
          <path d=${path.d} marker-end="url(#arrow)" />
          <text x=${path.lx} y=${path.ly} text-anchor="middle">${clip(edge.names.join(', '), 28)}</text>
        </g>`;
      })}
      ${[...nodes.values()].map(({ state, x, y }) => html`<g class=${`diagram-node${state.terminal ? ' diagram-terminal' : ''}${state.id === definition.initial_state ? ' diagram-initial' : ''}`}>
        <rect x=${x} y=${y} width=${kNodeWidth} height=${kNodeHeight} rx="6" />
        <text x=${x + kNodeWidth / 2} y=${y + 18} text-anchor="middle">${clip(state.id, 24)}</text>
        <text class="diagram-sub" x=${x + kNodeWidth / 2} y=${y + 35} text-anchor="middle">${state.status != null ? `${t('status.code', { code: state.status })} · ` : ''}${clip(loc(state.title, state.name ?? ''), 18)}</text>
      </g>`)}
    </svg>
  </div>`;
}
