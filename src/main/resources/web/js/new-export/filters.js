// @ts-check
// Filters and the date range of the new-export form. The operators a column offers come from the server
// (column.operators, the planner's own list for the column's type and mask).
import { h, $, $$, clear } from '../dom.js';

/** @typedef {import('../types.js').Column} Column */
/** @typedef {import('./form-state.js').FormState} FormState */
/** @typedef {import('./form-state.js').FilterDraft} FilterDraft */
/** @typedef {import('./form-state.js').ColumnChoice} ColumnChoice */

/** @type {Record<string, string>} */
const OP_LABELS = {
  eq: '=', ne: '≠', lt: '<', lte: '≤', gt: '>', gte: '≥', between: 'between', in: 'in list', not_in: 'not in list',
  like: 'like (pattern)', contains: 'contains', starts_with: 'starts with', is_null: 'is null', not_null: 'is not null',
};
/** @type {Record<string, string>} */
const PLACEHOLDERS = {
  integer: '42', decimal: '12.50', float: '0.25', date: '2024-03-01', time: '13:45:00',
  timestamp: '2024-03-01T13:45:00', timestamptz: '2024-03-01T13:45:00Z', string: 'text', text: 'text',
};

/**
 * The filter operators valid for a column, as the server lists them.
 * @param {Column|undefined} column
 * @returns {string[]}
 */
export function operatorsFor(column) {
  return column && Array.isArray(column.operators) ? column.operators : [];
}

/**
 * Columns that can be filtered and sorted on. Masked ones cannot (the API answers masked_column), so they are
 * not offered; nor are binary ones, nor any the server gives no operator for.
 * @param {ColumnChoice[]} cols
 */
export function filterableColumns(cols) {
  return cols.filter(c => !c.masked && c.type !== 'binary' && operatorsFor(c).length > 0);
}

/** @param {string} op */
function takesValue(op) {
  return op !== 'is_null' && op !== 'not_null';
}

/** @param {string} op */
function takesList(op) {
  return op === 'in' || op === 'not_in';
}

/**
 * The index of the first filter still waiting for its value (or upper bound), -1 when none is.
 * @param {FilterDraft[]} filters
 */
export function firstFilterWithoutValue(filters) {
  return filters.findIndex(f => takesValue(f.op)
    && (f.value.trim() === '' || (f.op === 'between' && f.value2.trim() === '')));
}

/**
 * A filter's value as the API takes it: none, a list (in, not_in, between) or text; pattern text keeps its blanks.
 * @param {FilterDraft} f
 * @returns {string|string[]|undefined}
 */
function filterValue(f) {
  if (!takesValue(f.op)) return undefined;
  if (takesList(f.op)) return f.value.split(',').map(s => s.trim()).filter(s => s !== '');
  if (f.op === 'between') return [f.value.trim(), f.value2.trim()];
  return f.op === 'like' || f.op === 'contains' || f.op === 'starts_with' ? f.value : f.value.trim();
}

/**
 * The filter rows: column, operator, value(s), remove.
 * @param {FormState} st
 * @param {() => void} changed called when the request changes
 */
export function filtersSection(st, changed) {
  const box = h('div#nx-filters.rows');
  const element = h('fieldset.field.nx-filters', h('legend', 'Filters'), box,
    h('button#nx-add-filter.btn.small', { type: 'button', onclick: add }, '+ Add filter'));
  /** @param {string} name */
  const columnNamed = (name) => st.cols.find(c => c.name === name);

  function add() {
    const first = filterableColumns(st.cols)[0];
    if (!first) return;
    st.filters.push({ column: first.name, op: operatorsFor(first)[0], value: '', value2: '' });
    render();
    const rows = $$('.filter-row', box);
    const last = rows[rows.length - 1];
    if (last) $('select', last).focus();
  }

  function render() {
    clear(box);
    st.filters.forEach((f, i) => box.append(filterRow(f, i)));
    if (!st.filters.length) box.append(h('p.muted.small', 'No filters: every row.'));
    changed();
  }

  /** @param {FilterDraft} f @param {number} i */
  function filterRow(f, i) {
    const column = columnNamed(f.column);
    const ops = operatorsFor(column);
    if (!ops.includes(f.op)) f.op = ops[0];
    const colSel = h('select.f-column', { 'data-field': `filters[${i}].column`, 'aria-label': `Filter ${i + 1} column` },
      filterableColumns(st.cols).map(c => h('option', { value: c.name, selected: c.name === f.column }, c.name)));
    colSel.addEventListener('change', () => { f.column = colSel.value; f.value = ''; f.value2 = ''; render(); });
    const opSel = h('select.f-op', { 'data-field': `filters[${i}].op`, 'aria-label': `Filter ${i + 1} operator` },
      ops.map(o => h('option', { value: o, selected: o === f.op }, OP_LABELS[o] || o)));
    opSel.addEventListener('change', () => { f.op = opSel.value; render(); });
    const values = h('span.f-values', { 'data-field': `filters[${i}].value` },
      takesValue(f.op) ? valueInputs(f, i, column ? column.type : 'string') : null);
    const remove = h('button.icon-btn.small.f-remove', { type: 'button', 'aria-label': `Remove filter ${i + 1}`,
      onclick: () => { st.filters.splice(i, 1); render(); changed(); } }, '×');
    return h('div.field.filter-row', { dataset: { index: String(i) }, 'data-field-scope': `filters[${i}]` },
      h('div.row-controls', colSel, opSel, values, remove), h('p.field-error'));
  }

  /** A true/false choice for booleans, text otherwise (two for "between"). @param {FilterDraft} f @param {number} i @param {string} type */
  function valueInputs(f, i, type) {
    if (type === 'boolean') {
      const sel = h('select.f-value', { 'aria-label': `Filter ${i + 1} value` },
        h('option', { value: '' }, '—'), ['true', 'false'].map(v => h('option', { value: v, selected: f.value === v }, v)));
      sel.addEventListener('change', () => { f.value = sel.value; });
      return [sel];
    }
    const ph = takesList(f.op) ? 'a, b, c' : (PLACEHOLDERS[type] || 'value');
    const v1 = h('input.f-value', { type: 'text', value: f.value, placeholder: ph, 'aria-label': `Filter ${i + 1} value` });
    v1.addEventListener('input', () => { f.value = v1.value; });
    if (f.op !== 'between') return [v1];
    const v2 = h('input.f-value2', { type: 'text', value: f.value2, placeholder: ph, 'aria-label': `Filter ${i + 1} upper bound` });
    v2.addEventListener('input', () => { f.value2 = v2.value; });
    return [v1, h('span.muted', 'and'), v2];
  }

  /** The request's filters, or undefined when there are none. */
  function requestFilters() {
    if (!st.filters.length) return undefined;
    return st.filters.map(f => {
      /** @type {{ column: string, op: string, value?: string|string[] }} */
      const out = { column: f.column, op: f.op };
      const v = filterValue(f);
      if (v !== undefined) out.value = v;
      return out;
    });
  }

  return { element, render, requestFilters };
}

/**
 * The date range, on the dataset's time column (none without one): from inclusive, to exclusive.
 * @param {FormState} st
 */
export function dateRangeSection(st) {
  const element = h('div#nx-dates');
  /** @type {HTMLInputElement|null} */
  let from = null;
  /** @type {HTMLInputElement|null} */
  let to = null;

  function render() {
    clear(element);
    from = to = null;
    if (!st.ds || !st.ds.time_column) return;
    from = h('input#nx-date-from', { type: 'date', 'data-field': 'date_from', 'aria-label': 'From date' });
    to = h('input#nx-date-to', { type: 'date', 'data-field': 'date_to', 'aria-label': 'To date' });
    element.append(h('fieldset.field', h('legend', 'Date range ', h('span.muted.small', `on ${st.ds.time_column}`)),
      h('div.row-controls', h('span.muted', 'from'), from, h('span.muted', 'to'), to),
      h('p.muted.small', 'From inclusive, to exclusive.'), h('p.field-error')));
  }

  /** date_from and date_to when set. */
  function requestDates() {
    /** @type {{ date_from?: string, date_to?: string }} */
    const out = {};
    if (from && from.value) out.date_from = from.value;
    if (to && to.value) out.date_to = to.value;
    return out;
  }

  return { element, render, requestDates };
}
