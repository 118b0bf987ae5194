// @ts-check
// Widgets drawn from a series' JSON rows ({bucket, <group columns>, <measure columns>}): a chart with uPlot (loaded
// by index.html from the jar, window.uPlot), a table, or a KPI number. Every widget says when it has painted
// (data-ready="true" on its element) and a chart states what it drew in data attributes (data-series, data-ticks,
// data-points, data-bars), so a renderer can wait for the page instead of sleeping and tests can count bars.
import { h, clear, cellText } from './dom.js';

export const NO_DATA = 'no data in this range';
const COLOURS = ['#2563eb', '#16a34a', '#f59e0b', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#475569'];

/**
 * The chart's lines: one per group and measure, over the buckets in time order.
 * @param {Record<string, unknown>[]} rows
 * @param {string[]} groupBy
 * `walls`: each bucket's start as the series' time zone reads it (the local part of its ISO time), for labels that
 * name the buckets where they were cut, whatever zone the browser is in.
 * @returns {{ xs: number[], walls: Map<number, string>, lines: { label: string, values: (number|null)[] }[] }}
 */
export function pivot(rows, groupBy) {
  const measures = rows.length ? Object.keys(rows[0]).filter(k => k !== 'bucket' && !groupBy.includes(k)) : [];
  /** @type {Map<number, string>} */
  const walls = new Map(rows.map(r => [Date.parse(String(r.bucket)) / 1000, String(r.bucket).slice(0, 16)]));
  const xs = Array.from(walls.keys()).sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  /** @type {Map<string, (number|null)[]>} */
  const lines = new Map();
  for (const r of rows) {
    const group = groupBy.map(g => r[g] === null ? 'NULL' : String(r[g])).join(' · ');
    for (const m of measures) {
      const label = [group, measures.length > 1 || !group ? m : ''].filter(Boolean).join(' · ');
      if (!lines.has(label)) lines.set(label, xs.map(() => null));
      const v = r[m];
      lines.get(label)[at.get(Date.parse(String(r.bucket)) / 1000)] = v === null || v === undefined ? null : Number(v);
    }
  }
  return { xs, walls, lines: Array.from(lines, ([label, values]) => ({ label, values })) };
}

/**
 * Draws a widget into `box` and resolves once it has painted (box gets data-ready="true").
 * @param {HTMLElement} box
 * @param {{ type: string, chart?: string, group_by?: string[], theme?: string, still?: boolean }} widget
 *   still: a picture (the render page), whose legend names the lines without the values a pointer would show
 * @param {Record<string, unknown>[]} rows
 * @returns {Promise<void>}
 */
export function drawWidget(box, widget, rows) {
  clear(box);
  box.dataset.ready = 'false';
  box.dataset.rows = String(rows.length);
  if (!rows.length) {
    box.append(h('p.no-data', NO_DATA));
    return painted(box);
  }
  if (widget.type === 'kpi') {
    const last = rows[rows.length - 1];
    const measure = Object.keys(last).find(k => k !== 'bucket');
    box.append(h('div.kpi', h('span.kpi-value', { dataset: { value: String(last[measure]) } }, fmtNumber(last[measure])),
      h('span.kpi-label.muted.small', `${measure} · ${String(last.bucket).slice(0, 10)}`)));
    return painted(box);
  }
  if (widget.type === 'table') {
    const cols = Object.keys(rows[0]);
    box.append(h('div.table-wrap', h('table.preview.widget-table', { dataset: { rows: String(rows.length) } },
      h('thead', h('tr', cols.map(c => h('th', c)))),
      h('tbody', rows.map(r => h('tr', cols.map(c => h('td', { class: r[c] === null ? 'null' : (typeof r[c] === 'number' ? 'num' : null) },
        r[c] === null ? 'NULL' : cellText(r[c])))))))));
    return painted(box);
  }
  return drawChart(box, widget.chart || 'line', pivot(rows, widget.group_by || []), widget.theme, !!widget.still);
}

/**
 * @param {HTMLElement} box
 * @param {string} kind line, area, bar or stacked_bar
 * @param {ReturnType<typeof pivot>} p
 * @param {string} [theme] dark: light axes and grid on a dark page
 * @param {boolean} [still] no pointer will hover it
 * @returns {Promise<void>}
 */
function drawChart(box, kind, p, theme, still) {
  const uPlot = /** @type {any} */ (window).uPlot;
  const el = h('div.chart', { dataset: { chart: kind, series: String(p.lines.length) } });
  box.append(el);
  if (!uPlot) {
    el.append(h('p.field-error', 'The chart library did not load.'));
    return painted(box);
  }
  const bars = kind === 'bar' || kind === 'stacked_bar';
  let lines = p.lines;
  if (kind === 'stacked_bar') {
    // Each series drawn as its running total, tallest first, so each shows as its own band of the stack.
    const totals = p.xs.map(() => 0);
    lines = p.lines.map(l => ({ label: l.label, values: l.values.map((v, i) => (totals[i] += v || 0)) })).reverse();
  }
  let xs = p.xs;
  if (kind === 'bar' && lines.length > 1) ({ xs, lines } = sideBySide(p.xs, lines));
  const values = lines.map(l => l.values);
  const counted = values.reduce((n, vs) => n + vs.filter(v => v !== null && (!bars || v !== 0)).length, 0);
  el.dataset[bars ? 'bars' : 'points'] = String(counted);
  el.dataset.buckets = String(p.xs.length);
  const barPaths = bars && uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [kind === 'bar' && lines.length > 1 ? 0.9 : 0.7, 60] }) : null;
  return new Promise(resolve => {
    const width = Math.max(200, box.clientWidth || 600);
    // Room for the legend below the plot, one line per few groups.
    const legend = lines.length > 1 ? 28 * Math.ceil(lines.length / 5) : 0;
    const height = Math.max(120, (box.clientHeight || 300) - 16 - legend);
    const xAxis = timeAxis(p, width);
    // What the time axis says, for readers of the page (the canvas holds it only as pixels).
    el.dataset.ticks = xAxis.labels.join(' | ').replace(/\n/g, ' ');
    const opts = {
      width, height,
      legend: { show: lines.length > 1, live: !still },
      scales: bars
        // Bars measure from zero (a bar cut at the lowest value exaggerates every difference), and the first and
        // last bars stand whole inside the plot: half a bucket of room at each end.
        ? {
          x: { time: true, range: (/** @type {any} */ u, /** @type {number} */ min, /** @type {number} */ max) => [min - step(p.xs) / 2, max + step(p.xs) / 2] },
          y: { range: (/** @type {any} */ u, /** @type {number} */ min, /** @type {number} */ max) => uPlot.rangeNum(Math.min(0, min), Math.max(0, max), 0.1, true) },
        }
        : { x: { time: true } },
      axes: theme === 'dark'
        ? [{ ...xAxis, stroke: '#cbd5e1', grid: { stroke: '#334155' }, ticks: { stroke: '#334155' } },
          { size: valueAxisSize, stroke: '#cbd5e1', grid: { stroke: '#334155' }, ticks: { stroke: '#334155' } }]
        : [xAxis, { size: valueAxisSize }],
      series: [{ value: (/** @type {any} */ u, /** @type {number|null} */ x) => (x === null ? '' : bucketLabel(p, x, null).replace('\n', ' ')) },
        ...lines.map((l, i) => {
        const colour = COLOURS[(kind === 'stacked_bar' ? lines.length - 1 - i : i) % COLOURS.length];
        return {
          label: l.label || 'value', stroke: colour, width: bars ? 0 : 2,
          fill: bars ? colour : (kind === 'area' ? colour + '33' : undefined),
          paths: barPaths || undefined, points: { show: !bars && p.xs.length < 60 },
        };
      })],
      hooks: { draw: [() => { painted(box).then(resolve); }] },
    };
    new uPlot(opts, [xs, ...values], el);
  });
}

/**
 * The time axis: a tick at the start of every bucket (every n-th when they would crowd), labelled as the series'
 * time zone names it, at the granularity's precision: hours and minutes under a day, days, months, quarters, years.
 * @param {ReturnType<typeof pivot>} p @param {number} width the chart's width in CSS pixels
 */
function timeAxis(p, width) {
  const g = step(p.xs);
  const room = g < 20 * 3600 ? 64 : 52;
  const every = Math.max(1, Math.ceil((p.xs.length * room) / Math.max(100, width - 90)));
  const ticks = p.xs.filter((_, i) => i % every === 0);
  return {
    labels: ticks.map((x, i) => bucketLabel(p, x, i === 0 ? null : ticks[i - 1])),
    splits: () => ticks,
    values: (/** @type {any} */ u, /** @type {number[]} */ splits) =>
      splits.map((x, i) => bucketLabel(p, x, i === 0 ? null : splits[i - 1])),
  };
}

const MONTHS = Array.from({ length: 12 }, (_, m) => new Date(Date.UTC(2000, m, 1)).toLocaleString(undefined, { month: 'short', timeZone: 'UTC' }));

/**
 * A bucket's label; its date or year on a second line where it differs from the previous tick's (or on the first).
 * @param {ReturnType<typeof pivot>} p @param {number} x @param {number|null} previous
 */
function bucketLabel(p, x, previous) {
  const wall = p.walls.get(x) || new Date(x * 1000).toISOString().slice(0, 16);
  const before = previous === null ? null : (p.walls.get(previous) || '');
  const [y, mo, d] = [wall.slice(0, 4), Number(wall.slice(5, 7)), Number(wall.slice(8, 10))];
  const g = step(p.xs);
  const day = `${MONTHS[mo - 1]} ${d}`;
  if (g < 20 * 3600) return wall.slice(11, 16) + (before === null || before.slice(0, 10) !== wall.slice(0, 10) ? `\n${day}` : '');
  const newYear = before === null || before.slice(0, 4) !== y;
  if (g < 27 * 86400) return day + (newYear ? `\n${y}` : '');
  if (g < 85 * 86400) return MONTHS[mo - 1] + (newYear ? `\n${y}` : '');
  if (g < 360 * 86400) return `Q${Math.floor((mo - 1) / 3) + 1}` + (newYear ? `\n${y}` : '');
  return y;
}

/**
 * The value axis as wide as its longest label (7 px a character at uPlot's 12 px font), so 5,000,000 is not cut.
 * @param {unknown} u @param {string[]|null} values
 */
function valueAxisSize(u, values) {
  const longest = (values || []).reduce((n, v) => Math.max(n, String(v).length), 0);
  return Math.max(48, 24 + 7 * longest);
}

/** The smallest gap between neighbouring buckets (a day when there is one bucket). @param {number[]} xs */
function step(xs) {
  let gap = Infinity;
  for (let i = 1; i < xs.length; i++) gap = Math.min(gap, xs[i] - xs[i - 1]);
  return Number.isFinite(gap) ? gap : 86400;
}

/**
 * Grouped bars: uPlot draws every series at the same x, so each group gets its own slot beside the others within
 * its bucket, holding a value only there (null elsewhere).
 * @param {number[]} xs
 * @param {{ label: string, values: (number|null)[] }[]} lines
 */
function sideBySide(xs, lines) {
  const n = lines.length;
  const slot = (step(xs) * 0.8) / n;
  const slotted = [];
  xs.forEach(x => { for (let i = 0; i < n; i++) slotted.push(x + (i - (n - 1) / 2) * slot); });
  return {
    xs: slotted,
    lines: lines.map((l, i) => ({ label: l.label, values: slotted.map((_, j) => (j % n === i ? l.values[Math.floor(j / n)] : null)) })),
  };
}

/** Marks the widget painted after the browser has put the frame on screen. @param {HTMLElement} box */
function painted(box) {
  return new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => {
    box.dataset.ready = 'true';
    resolve(undefined);
  })));
}

/** @param {unknown} v */
function fmtNumber(v) {
  if (v === null || v === undefined) return '–';
  const n = Number(v);
  return Number.isFinite(n) ? n.toLocaleString() : String(v);
}
