// @ts-check
// The columns of the new-export form: tick the ones to export, put them in order.
import { h, $, $$, clear } from '../dom.js';

/** @typedef {import('./form-state.js').FormState} FormState */

/**
 * @param {FormState} st
 * @param {() => void} changed called when the request changes
 */
export function columnsSection(st, changed) {
  const list = h('ul#nx-columns.col-list');
  const count = h('span.muted.small#nx-col-count');
  const element = h('fieldset.field.nx-columns', { 'data-field': 'columns' },
    h('legend', 'Columns ', count),
    h('div.btn-row.tight',
      h('button#nx-cols-all.btn.small', { type: 'button', onclick: () => tickAll(true) }, 'Select all'),
      h('button#nx-cols-none.btn.small', { type: 'button', onclick: () => tickAll(false) }, 'Select none')),
    list,
    h('p.field-error'));

  /** @param {boolean} checked */
  function tickAll(checked) {
    st.cols.forEach(c => { c.checked = checked; });
    render();
    changed();
  }

  function render() {
    clear(list);
    st.cols.forEach((c, i) => {
      const cb = h('input', { type: 'checkbox', checked: c.checked, value: c.name, id: `nx-col-${i}`,
        onchange: () => { c.checked = cb.checked; updateCount(); } });
      list.append(h('li.col-item', { dataset: { column: c.name }, class: c.checked ? null : 'unchecked' },
        h('label.check', cb, ' ', h('span.col-name', c.name)),
        h('span.type', c.type),
        c.masked ? h('span.chip.small.chip-masked', { title: 'exported masked' }, c.masked) : null,
        h('span.spacer'),
        h('button.icon-btn.small', { type: 'button', 'aria-label': `Move ${c.name} up`, disabled: i === 0, dataset: { move: 'up' },
          onclick: () => move(i, -1) }, '↑'),
        h('button.icon-btn.small', { type: 'button', 'aria-label': `Move ${c.name} down`, disabled: i === st.cols.length - 1,
          dataset: { move: 'down' }, onclick: () => move(i, 1) }, '↓'),
        h('p.field-error')));
    });
    updateCount();
  }

  function updateCount() {
    const n = st.cols.filter(c => c.checked).length;
    count.textContent = `${n} of ${st.cols.length}`;
    $$('li', list).forEach((li, i) => li.classList.toggle('unchecked', !st.cols[i].checked));
  }

  /** Moves column i one place up (d = -1) or down (d = 1), keeping the focus on its button. @param {number} i @param {number} d */
  function move(i, d) {
    const j = i + d;
    if (j < 0 || j >= st.cols.length) return;
    [st.cols[i], st.cols[j]] = [st.cols[j], st.cols[i]];
    render();
    const btn = /** @type {HTMLButtonElement} */ ($(`li[data-column="${CSS.escape(st.cols[j].name)}"] [data-move="${d < 0 ? 'up' : 'down'}"]`, list));
    if (btn && !btn.disabled) btn.focus();
    changed();
  }

  /** The ticked columns in order; tags each one's item with the index that "columns[i]" errors refer to. */
  function requestColumns() {
    const checked = st.cols.filter(c => c.checked);
    $$('li', list).forEach(li => li.removeAttribute('data-field'));
    checked.forEach((c, i) => {
      const li = $(`li[data-column="${CSS.escape(c.name)}"]`, list);
      if (li) li.dataset.field = `columns[${i}]`;
    });
    return checked.map(c => c.name);
  }

  return { element, render, requestColumns };
}
