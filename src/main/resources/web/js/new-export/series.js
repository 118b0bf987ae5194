// @ts-check
// The new-export dialog's Series mode: granularity, timeframe or from/to, time zone, measures, group_by and fill,
// sent as the request's `series`; and a live chart of it, fetched as JSON through the same export API (so each
// preview is an export of the user's, counted by their rate limit and audited like one).
import { h, $, $$, clear } from '../dom.js';
import { post } from '../api.js';
import { drawWidget } from '../charts.js';

/** @typedef {import('./form-state.js').FormState} FormState */

const GRANULARITIES = ['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];
const TIMEFRAMES = ['last_24h', 'last_7d', 'last_30d', 'today', 'yesterday', 'this_week', 'last_week', 'this_month',
  'last_month', 'this_year'];
const AGGS = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max'];
const FILLS = ['zero', 'null', 'none'];
const CHARTS = ['line', 'area', 'bar', 'stacked_bar'];
const PREVIEW_DELAY_MS = 700;

/** @param {string[]} values @param {string} chosen @param {Record<string, unknown>} attrs */
function select(values, chosen, attrs) {
  return h('select', attrs, values.map(v => h('option', { value: v, selected: v === chosen }, v)));
}

/**
 * @param {FormState} st
 * @param {() => Record<string, unknown>} build the dialog's whole request
 */
export function seriesSection(st, build) {
  const mode = h('div.radio-row', ['rows', 'series'].map(v => h('label.check',
    h('input', { type: 'radio', name: 'nx-mode', value: v, checked: v === 'rows', id: `nx-mode-${v}` }), ` ${v === 'rows' ? 'Rows' : 'Series'}`)));
  const granularity = select(GRANULARITIES, 'day', { id: 'nx-granularity', 'data-field': 'series.granularity' });
  const timeframe = select([...TIMEFRAMES, 'from/to'], 'last_30d', { id: 'nx-timeframe', 'data-field': 'series.timeframe' });
  const from = h('input#nx-series-from', { type: 'datetime-local', 'data-field': 'series.from', 'aria-label': 'From' });
  const to = h('input#nx-series-to', { type: 'datetime-local', 'data-field': 'series.to', 'aria-label': 'To' });
  const range = h('div.inline-field', { hidden: true }, from, h('span.muted', ' to '), to);
  const zone = h('input#nx-time-zone', { type: 'text', value: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    'data-field': 'series.time_zone', 'aria-label': 'Time zone' });
  const fill = select(FILLS, 'zero', { id: 'nx-fill', 'data-field': 'series.fill' });
  const chart = select(CHARTS, 'line', { id: 'nx-preview-chart', 'aria-label': 'Preview chart' });
  const measures = h('div#nx-measures');
  const groupBy = h('div#nx-group-by.check-list', { 'data-field': 'series.group_by' });
  const preview = h('div#nx-series-preview.series-preview', { dataset: { ready: 'false' } });
  const previewNote = h('p.muted.small#nx-series-note');
  const fields = h('div#nx-series-fields', { hidden: true },
    h('div.field.inline-field', h('label', { for: 'nx-granularity' }, 'Granularity'), granularity),
    h('div.field.inline-field', h('label', { for: 'nx-timeframe' }, 'Timeframe'), timeframe),
    range,
    h('div.field.inline-field', h('label', { for: 'nx-time-zone' }, 'Time zone'), zone),
    h('fieldset.field', h('legend', 'Measures'), measures,
      h('button.btn.small', { type: 'button', onclick: () => { addMeasure('sum'); schedule(); } }, '+ Measure'), h('p.field-error')),
    h('fieldset.field', h('legend', 'Group by'), groupBy, h('p.field-error')),
    h('div.field.inline-field', h('label', { for: 'nx-fill' }, 'Empty buckets'), fill),
    h('fieldset.field', h('legend', 'Preview ', chart), preview, previewNote));
  const element = h('fieldset.field#nx-mode', h('legend', 'Mode'), mode, fields);

  /** @param {string} agg */
  function addMeasure(agg) {
    const cols = st.ds ? st.ds.columns.map(c => c.name) : [];
    const i = measures.children.length;
    const aggSel = select(AGGS, agg, { 'aria-label': 'Aggregate', 'data-field': `series.measures[${i}].agg` });
    const colSel = h('select', { 'aria-label': 'Column', 'data-field': `series.measures[${i}].column` },
      h('option', { value: '' }, '(rows)'), cols.map(c => h('option', { value: c }, c)));
    if (agg !== 'count' && cols.length) colSel.value = cols[0];
    const row = h('div.measure-row', aggSel, colSel,
      h('button.icon-btn', { type: 'button', 'aria-label': 'Remove measure', onclick: () => { row.remove(); schedule(); } }, '×'));
    measures.append(row);
  }

  function enabled() {
    const checked = /** @type {HTMLInputElement|null} */ ($('input[name="nx-mode"]:checked', element));
    return !!checked && checked.value === 'series';
  }

  /** A new dataset: one row count, its columns to group by. */
  function render() {
    clear(measures);
    addMeasure('count');
    clear(groupBy).append(...(st.ds ? st.ds.columns : []).map(c => h('label.check',
      h('input', { type: 'checkbox', value: c.name, name: 'nx-group-by', dataset: { column: c.name } }), ` ${c.name}`)));
    schedule();
  }

  /** @param {string} v a datetime-local value */
  const local = (v) => v ? (v.length === 16 ? `${v}:00` : v) : undefined;

  function requestSeries() {
    /** @type {Record<string, unknown>} */
    const s = { granularity: granularity.value, time_zone: zone.value.trim() || undefined, fill: fill.value };
    if (timeframe.value === 'from/to') { s.from = local(from.value); s.to = local(to.value); }
    else s.timeframe = timeframe.value;
    s.measures = Array.from(measures.children).map(row => {
      const [agg, col] = /** @type {HTMLSelectElement[]} */ (Array.from(row.querySelectorAll('select')));
      return col.value ? { column: col.value, agg: agg.value } : { agg: agg.value };
    });
    const groups = $$('input[name="nx-group-by"]:checked', groupBy).map(i => /** @type {HTMLInputElement} */ (i).value);
    if (groups.length) s.group_by = groups;
    return s;
  }

  let timer = 0;
  let seq = 0;
  function schedule() {
    clearTimeout(timer);
    if (!enabled()) return;
    timer = window.setTimeout(drawPreview, PREVIEW_DELAY_MS);
  }

  async function drawPreview() {
    if (!enabled() || !st.ds) return;
    const mine = ++seq;
    /** @type {Record<string, unknown>} */
    const body = { ...build(), format: 'json', delivery: 'sync' };
    delete body.compress;
    delete body.options;
    preview.dataset.ready = 'false';
    previewNote.textContent = 'Loading…';
    try {
      const rows = await post('export/jobs', body);
      if (mine !== seq) return;
      const s = /** @type {Record<string, any>} */ (body.series);
      await drawWidget(preview, { type: 'chart', chart: chart.value, group_by: s.group_by || [] }, Array.isArray(rows) ? rows : []);
      previewNote.textContent = `${Array.isArray(rows) ? rows.length : 0} rows · each preview is an export of yours`;
    } catch (e) {
      if (mine !== seq) return;
      clear(preview).append(h('p.field-error', e.message));
      preview.dataset.ready = 'error';
      previewNote.textContent = '';
    }
  }

  mode.addEventListener('change', () => {
    fields.hidden = !enabled();
    element.dispatchEvent(new CustomEvent('nx-mode', { bubbles: true, detail: { series: enabled() } }));
    schedule();
  });
  timeframe.addEventListener('change', () => { range.hidden = timeframe.value !== 'from/to'; });
  fields.addEventListener('change', schedule);
  fields.addEventListener('input', schedule);
  return { element, enabled, render, requestSeries, schedule };
}
