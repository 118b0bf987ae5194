// @ts-check
// The sort keys of the new-export form; without any, rows come in database order.
import { h, clear } from '../dom.js';
import { filterableColumns } from './filters.js';

/** @typedef {import('./form-state.js').FormState} FormState */
/** @typedef {import('./form-state.js').SortDraft} SortDraft */

/**
 * @param {FormState} st
 * @param {() => void} changed called when the request changes
 */
export function sortSection(st, changed) {
  const box = h('div#nx-sorts.rows');
  const element = h('fieldset.field', h('legend', 'Sort'), box,
    h('button#nx-add-sort.btn.small', { type: 'button', onclick: add }, '+ Add sort key'));

  // What can be filtered on can be sorted on: masked columns can be neither.
  function add() {
    const first = filterableColumns(st.cols)[0];
    if (!first) return;
    st.sorts.push({ column: first.name, dir: 'asc' });
    render();
  }

  function render() {
    clear(box);
    st.sorts.forEach((s, i) => box.append(sortRow(s, i)));
    if (!st.sorts.length) box.append(h('p.muted.small', 'Database order.'));
    changed();
  }

  /** @param {SortDraft} s @param {number} i */
  function sortRow(s, i) {
    const col = h('select', { 'data-field': `sort[${i}].column`, 'aria-label': `Sort key ${i + 1}` },
      filterableColumns(st.cols).map(c => h('option', { value: c.name, selected: c.name === s.column }, c.name)));
    col.addEventListener('change', () => { s.column = col.value; });
    const dir = h('select', { 'data-field': `sort[${i}].dir`, 'aria-label': `Sort key ${i + 1} direction` },
      h('option', { value: 'asc', selected: s.dir === 'asc' }, 'ascending'),
      h('option', { value: 'desc', selected: s.dir === 'desc' }, 'descending'));
    dir.addEventListener('change', () => { s.dir = dir.value === 'desc' ? 'desc' : 'asc'; });
    const remove = h('button.icon-btn.small', { type: 'button', 'aria-label': `Remove sort key ${i + 1}`,
      onclick: () => { st.sorts.splice(i, 1); render(); changed(); } }, '×');
    return h('div.field.sort-row', h('div.row-controls', col, dir, remove), h('p.field-error'));
  }

  /** The request's sort keys, or undefined when there are none. */
  function requestSort() {
    return st.sorts.length ? st.sorts.map(s => ({ column: s.column, dir: s.dir })) : undefined;
  }

  return { element, render, requestSort };
}
