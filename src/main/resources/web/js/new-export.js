// The new-export dialog: dataset, columns (order and choice), filters, date range, sort, limit, format and its
// options, delivery. A debounced POST /export/estimate shows the row estimate and the delivery the server will
// choose; API validation errors land next to the field they name ("filters[1].value", "columns[0]", ...).
import { API, request, problemOf, post, dispositionName } from './api.js';
import { h, $, $$, clear, fmtInt, fmtBytes, randomId } from './dom.js';
import { toast } from './ui.js';
import { rememberMine, askNotificationPermission } from './jobs.js';

const TEXT_OPS = ['eq', 'ne', 'in', 'not_in', 'contains', 'starts_with', 'like', 'lt', 'lte', 'gt', 'gte', 'is_null', 'not_null'];
const NUMBER_OPS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between', 'in', 'not_in', 'is_null', 'not_null'];
const TIME_OPS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between', 'is_null', 'not_null'];
const OPS_BY_TYPE = {
  string: TEXT_OPS, text: TEXT_OPS,
  integer: NUMBER_OPS, decimal: NUMBER_OPS, float: NUMBER_OPS,
  date: TIME_OPS, time: TIME_OPS, timestamp: TIME_OPS, timestamptz: TIME_OPS,
  boolean: ['eq', 'ne', 'is_null', 'not_null'],
  binary: ['is_null', 'not_null'],
};
const OP_LABELS = {
  eq: '=', ne: '≠', lt: '<', lte: '≤', gt: '>', gte: '≥', between: 'between', in: 'in list', not_in: 'not in list',
  like: 'like (pattern)', contains: 'contains', starts_with: 'starts with', is_null: 'is null', not_null: 'is not null',
};
const PLACEHOLDERS = {
  integer: '42', decimal: '12.50', float: '0.25', date: '2024-03-01', time: '13:45:00',
  timestamp: '2024-03-01T13:45:00', timestamptz: '2024-03-01T13:45:00Z', string: 'text', text: 'text',
};
const CHOICES = {
  line_ending: ['crlf', 'lf'], orientation: ['', 'portrait', 'landscape'], page_size: ['a4', 'letter'],
  compression: ['snappy', 'zstd', 'gzip', 'none'],
};
const PRIMARY_OPTIONS = ['delimiter', 'header', 'bom', 'line_ending', 'sheet_name', 'compression', 'orientation',
  'page_size', 'title', 'font_size'];
const OPTION_LABELS = {
  delimiter: 'Delimiter', header: 'Header row', bom: 'Byte order mark', line_ending: 'Line ending', sheet_name: 'Sheet name',
  compression: 'Compression', orientation: 'Orientation', page_size: 'Page size', title: 'Title', font_size: 'Font size',
  time_zone: 'Time zone', null_text: 'NULL as', date_format: 'Date format', timestamp_format: 'Timestamp format',
  number_locale: 'Number locale', bool_text: 'Booleans as', sanitize_formulas: 'Defuse formulas', row_group_size: 'Row group bytes',
};

export async function openNewExport({ datasets, formats, preset = {}, onCreated }) {
  const old = $('#nx-dialog');
  if (old) old.remove();
  const st = {
    ds: null, cols: [], filters: [], sorts: [], optionValues: {}, idempotencyKey: randomId(), estimateSeq: 0,
    busy: false,
  };
  let timer = null;

  // ---- dataset
  const dsSearch = h('input#nx-dataset-search', { type: 'search', placeholder: 'Search datasets', 'aria-label': 'Search datasets' });
  const dsSelect = h('select#nx-dataset', { size: String(Math.min(6, Math.max(3, datasets.length))), 'data-field': 'dataset',
    'aria-label': 'Dataset' }, datasets.map(d => h('option', { value: d.name }, d.name)));
  dsSearch.addEventListener('input', () => {
    const q = dsSearch.value.trim().toLowerCase();
    for (const o of dsSelect.options) o.hidden = !!q && !o.value.toLowerCase().includes(q);
    const visible = Array.from(dsSelect.options).filter(o => !o.hidden);
    if (visible.length === 1 && dsSelect.value !== visible[0].value) { dsSelect.value = visible[0].value; chooseDataset(); }
  });
  dsSelect.addEventListener('change', () => chooseDataset());

  // ---- columns
  const colList = h('ul#nx-columns.col-list');
  const colCount = h('span.muted.small#nx-col-count');
  const colSection = h('fieldset.field.nx-columns', { 'data-field': 'columns' },
    h('legend', 'Columns ', colCount),
    h('div.btn-row.tight',
      h('button#nx-cols-all.btn.small', { type: 'button', onclick: () => { st.cols.forEach(c => { c.checked = true; }); renderColumns(); changed(); } }, 'Select all'),
      h('button#nx-cols-none.btn.small', { type: 'button', onclick: () => { st.cols.forEach(c => { c.checked = false; }); renderColumns(); changed(); } }, 'Select none')),
    colList,
    h('p.field-error'));

  // ---- filters, date range, sort, limit
  const filterBox = h('div#nx-filters.rows');
  const dateBox = h('div#nx-dates');
  const sortBox = h('div#nx-sorts.rows');
  const rowLimit = h('input#nx-row-limit', { type: 'number', min: '1', step: '1', placeholder: 'all rows', 'data-field': 'row_limit',
    inputmode: 'numeric' });

  // ---- format
  const formatSelect = h('select#nx-format', { 'data-field': 'format' }, formats.map(f => h('option', { value: f.id }, f.id.toUpperCase())));
  const compress = h('input#nx-compress', { type: 'checkbox', 'data-field': 'compress' });
  const compressLabel = h('label.check', compress, ' gzip');
  const optionBox = h('div#nx-options.options-grid');
  const checkBox = h('div.options-checks');
  const moreBox = h('div.options-grid');
  const moreDetails = h('details.more-options', h('summary', 'More format options'), moreBox);

  // ---- delivery
  const deliveryRadios = ['auto', 'async', 'sync'].map(v => h('label.check',
    h('input', { type: 'radio', name: 'delivery', value: v, checked: v === 'auto', id: `nx-delivery-${v}`, 'data-field': v === 'auto' ? 'delivery' : null }),
    ` ${v}`));
  const autoDownload = h('input#nx-auto-download', { type: 'checkbox' });

  const estimate = h('div#nx-estimate.estimate', { 'aria-live': 'polite' }, h('span.muted', 'Estimating…'));
  const formError = h('div#nx-error.form-error', { role: 'alert' });
  const progress = h('div#nx-progress.sync-progress', { hidden: true });
  const submit = h('button#nx-submit.btn.primary', { type: 'submit' }, 'Export');
  const cancel = h('button#nx-cancel.btn', { type: 'button', onclick: () => dlg.close() }, 'Cancel');

  const form = h('form#nx-form', { novalidate: true },
    h('header.dialog-head', h('h2', 'New export'), h('div.spacer'),
      h('button.icon-btn', { type: 'button', 'aria-label': 'Close', onclick: () => dlg.close() }, '×')),
    h('div.nx-body',
      h('div.nx-col',
        h('fieldset.field', h('legend', 'Dataset'), dsSearch, dsSelect, h('p.field-error')),
        colSection),
      h('div.nx-col',
        h('fieldset.field.nx-filters', h('legend', 'Filters'), filterBox,
          h('button#nx-add-filter.btn.small', { type: 'button', onclick: () => addFilter() }, '+ Add filter')),
        dateBox,
        h('fieldset.field', h('legend', 'Sort'), sortBox,
          h('button#nx-add-sort.btn.small', { type: 'button', onclick: () => addSort() }, '+ Add sort key')),
        h('div.field.inline-field', h('label', { for: 'nx-row-limit' }, 'Row limit'), rowLimit, h('p.field-error')),
        h('fieldset.field', h('legend', 'Format'),
          h('div.inline-field', formatSelect, compressLabel),
          h('p.field-error'),
          optionBox, checkBox, moreDetails),
        h('fieldset.field', h('legend', 'Delivery'),
          h('div.radio-row', deliveryRadios),
          h('p.muted.small', 'auto streams small exports straight to you and queues large ones as background jobs.'),
          h('label.check', autoDownload, ' Download when ready'),
          h('p.field-error')))),
    h('footer.dialog-foot', estimate, formError, progress, h('div.spacer'), cancel, submit));
  const dlg = h('dialog#nx-dialog.modal.wide', form);
  dlg.addEventListener('close', () => dlg.remove());
  dlg.addEventListener('cancel', (e) => { if (st.busy) e.preventDefault(); });
  form.addEventListener('submit', (e) => { e.preventDefault(); doSubmit(); });
  form.addEventListener('input', (e) => { if (e.target !== dsSearch) changed(); });
  form.addEventListener('change', (e) => { if (e.target !== dsSearch && e.target !== dsSelect) changed(); });
  formatSelect.addEventListener('change', renderOptions);
  autoDownload.addEventListener('change', () => { if (autoDownload.checked) askNotificationPermission(); });
  document.body.append(dlg);
  dlg.showModal();

  dsSelect.value = preset.dataset && datasets.some(d => d.name === preset.dataset) ? preset.dataset : (datasets[0] ? datasets[0].name : '');
  const csv = formats.find(f => f.id === 'csv');
  formatSelect.value = csv ? 'csv' : (formats[0] && formats[0].id);
  renderOptions();
  chooseDataset();
  dsSearch.focus();

  // ------------------------------------------------------------ sections

  function chooseDataset() {
    st.ds = datasets.find(d => d.name === dsSelect.value) || null;
    st.cols = st.ds ? st.ds.columns.map(c => ({ ...c, checked: true })) : [];
    st.filters = [];
    st.sorts = [];
    renderColumns();
    renderFilters();
    renderDates();
    renderSorts();
    changed();
  }

  function renderColumns() {
    clear(colList);
    st.cols.forEach((c, i) => {
      const cb = h('input', { type: 'checkbox', checked: c.checked, value: c.name, id: `nx-col-${i}`,
        onchange: () => { c.checked = cb.checked; updateCount(); } });
      colList.append(h('li.col-item', { dataset: { column: c.name }, class: c.checked ? null : 'unchecked' },
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
    colCount.textContent = `${n} of ${st.cols.length}`;
    $$('li', colList).forEach((li, i) => li.classList.toggle('unchecked', !st.cols[i].checked));
  }

  function move(i, d) {
    const j = i + d;
    if (j < 0 || j >= st.cols.length) return;
    [st.cols[i], st.cols[j]] = [st.cols[j], st.cols[i]];
    renderColumns();
    const btn = $(`li[data-column="${CSS.escape(st.cols[j].name)}"] [data-move="${d < 0 ? 'up' : 'down'}"]`, colList);
    if (btn && !btn.disabled) btn.focus();
    changed();
  }

  // Masked columns cannot be filtered or sorted (the API answers masked_column), so they are not offered.
  const filterable = () => st.cols.filter(c => !c.masked && c.type !== 'binary');
  const sortable = filterable;
  const typeOf = (name) => (st.cols.find(c => c.name === name) || {}).type || 'string';

  function addFilter() {
    const first = filterable()[0];
    if (!first) return;
    st.filters.push({ column: first.name, op: OPS_BY_TYPE[first.type][0], value: '', value2: '' });
    renderFilters();
    const rows = $$('.filter-row', filterBox);
    const last = rows[rows.length - 1];
    if (last) $('select', last).focus();
  }

  function renderFilters() {
    clear(filterBox);
    st.filters.forEach((f, i) => {
      const type = typeOf(f.column);
      const ops = OPS_BY_TYPE[type] || TEXT_OPS;
      if (!ops.includes(f.op)) f.op = ops[0];
      const colSel = h('select.f-column', { 'data-field': `filters[${i}].column`, 'aria-label': `Filter ${i + 1} column` },
        filterable().map(c => h('option', { value: c.name, selected: c.name === f.column }, c.name)));
      colSel.addEventListener('change', () => { f.column = colSel.value; f.value = ''; f.value2 = ''; renderFilters(); });
      const opSel = h('select.f-op', { 'data-field': `filters[${i}].op`, 'aria-label': `Filter ${i + 1} operator` },
        ops.map(o => h('option', { value: o, selected: o === f.op }, OP_LABELS[o])));
      opSel.addEventListener('change', () => { f.op = opSel.value; renderFilters(); });
      const values = h('span.f-values', { 'data-field': `filters[${i}].value` });
      if (f.op !== 'is_null' && f.op !== 'not_null') {
        if (type === 'boolean') {
          const sel = h('select.f-value', { 'aria-label': `Filter ${i + 1} value` },
            h('option', { value: '' }, '—'), ['true', 'false'].map(v => h('option', { value: v, selected: f.value === v }, v)));
          sel.addEventListener('change', () => { f.value = sel.value; });
          values.append(sel);
        } else {
          const ph = f.op === 'in' || f.op === 'not_in' ? 'a, b, c' : (PLACEHOLDERS[type] || 'value');
          const v1 = h('input.f-value', { type: 'text', value: f.value, placeholder: ph, 'aria-label': `Filter ${i + 1} value` });
          v1.addEventListener('input', () => { f.value = v1.value; });
          values.append(v1);
          if (f.op === 'between') {
            const v2 = h('input.f-value2', { type: 'text', value: f.value2, placeholder: ph, 'aria-label': `Filter ${i + 1} upper bound` });
            v2.addEventListener('input', () => { f.value2 = v2.value; });
            values.append(h('span.muted', 'and'), v2);
          }
        }
      }
      const remove = h('button.icon-btn.small.f-remove', { type: 'button', 'aria-label': `Remove filter ${i + 1}`,
        onclick: () => { st.filters.splice(i, 1); renderFilters(); changed(); } }, '×');
      filterBox.append(h('div.field.filter-row', { dataset: { index: String(i) }, 'data-field-scope': `filters[${i}]` },
        h('div.row-controls', colSel, opSel, values, remove), h('p.field-error')));
    });
    if (!st.filters.length) filterBox.append(h('p.muted.small', 'No filters: every row.'));
    changed();
  }

  function renderDates() {
    clear(dateBox);
    if (!st.ds || !st.ds.time_column) return;
    const from = h('input#nx-date-from', { type: 'date', 'data-field': 'date_from', 'aria-label': 'From date' });
    const to = h('input#nx-date-to', { type: 'date', 'data-field': 'date_to', 'aria-label': 'To date' });
    dateBox.append(h('fieldset.field', h('legend', 'Date range ', h('span.muted.small', `on ${st.ds.time_column}`)),
      h('div.row-controls', h('span.muted', 'from'), from, h('span.muted', 'to'), to),
      h('p.muted.small', 'From inclusive, to exclusive.'), h('p.field-error')));
  }

  function addSort() {
    const first = sortable()[0];
    if (!first) return;
    st.sorts.push({ column: first.name, dir: 'asc' });
    renderSorts();
  }

  function renderSorts() {
    clear(sortBox);
    st.sorts.forEach((s, i) => {
      const col = h('select', { 'data-field': `sort[${i}].column`, 'aria-label': `Sort key ${i + 1}` },
        sortable().map(c => h('option', { value: c.name, selected: c.name === s.column }, c.name)));
      col.addEventListener('change', () => { s.column = col.value; });
      const dir = h('select', { 'data-field': `sort[${i}].dir`, 'aria-label': `Sort key ${i + 1} direction` },
        h('option', { value: 'asc', selected: s.dir === 'asc' }, 'ascending'),
        h('option', { value: 'desc', selected: s.dir === 'desc' }, 'descending'));
      dir.addEventListener('change', () => { s.dir = dir.value; });
      const remove = h('button.icon-btn.small', { type: 'button', 'aria-label': `Remove sort key ${i + 1}`,
        onclick: () => { st.sorts.splice(i, 1); renderSorts(); changed(); } }, '×');
      sortBox.append(h('div.field.sort-row', h('div.row-controls', col, dir, remove), h('p.field-error')));
    });
    if (!st.sorts.length) sortBox.append(h('p.muted.small', 'Database order.'));
    changed();
  }

  function currentFormat() {
    return formats.find(f => f.id === formatSelect.value) || formats[0];
  }

  function renderOptions() {
    // Keep what was typed, so switching CSV → TSV → CSV loses nothing.
    $$('[data-option]', form).forEach(el => { st.optionValues[el.dataset.option] = el.type === 'checkbox' ? el.checked : el.value; });
    clear(optionBox);
    clear(checkBox);
    clear(moreBox);
    const f = currentFormat();
    compressLabel.hidden = !f.compressible;
    if (!f.compressible) compress.checked = false;
    for (const o of f.options) {
      if (o.name === 'labels') continue;
      const def = o.default;
      const kept = st.optionValues[o.name];
      const id = `nx-opt-${o.name}`;
      let control;
      if (CHOICES[o.name]) {
        control = h('select', { id }, CHOICES[o.name].map(v => h('option', { value: v }, v || 'automatic')));
        control.value = kept !== undefined ? kept : (def === null || def === undefined ? '' : String(def));
      } else if (typeof def === 'boolean') {
        control = h('input', { id, type: 'checkbox', checked: kept !== undefined ? !!kept : def });
      } else if (typeof def === 'number') {
        control = h('input', { id, type: 'number', placeholder: String(def), value: kept !== undefined ? kept : '' });
      } else {
        const ph = o.name === 'delimiter' ? (def === '\t' ? 'tab' : def) : (def === null || def === undefined ? '' : String(def));
        control = h('input', { id, type: 'text', placeholder: ph || (o.name === 'bool_text' ? 'yes, no' : ''),
          value: kept !== undefined ? kept : '' });
      }
      control.dataset.option = o.name;
      control.dataset.field = `options.${o.name}`;
      control.dataset.default = JSON.stringify(def === undefined ? null : def);
      if (o.description) control.title = o.description;
      const label = OPTION_LABELS[o.name] || o.name;
      const field = control.type === 'checkbox'
        ? h('div.field.opt-check', h('label.check', { for: id }, control, ` ${label}`), h('p.field-error'))
        : h('div.field.opt', h('label', { for: id }, label), control, h('p.field-error'));
      const primary = PRIMARY_OPTIONS.includes(o.name);
      (control.type === 'checkbox' ? (primary ? checkBox : moreBox) : (primary ? optionBox : moreBox)).append(field);
    }
    moreDetails.hidden = !moreBox.children.length;
    changed();
  }

  // ------------------------------------------------------------ the request

  function options() {
    const out = {};
    for (const el of $$('[data-option]', form)) {
      const name = el.dataset.option;
      const def = JSON.parse(el.dataset.default);
      if (el.type === 'checkbox') {
        if (el.checked !== def) out[name] = el.checked;
      } else if (el.type === 'number') {
        if (el.value !== '' && Number(el.value) !== def) out[name] = Number(el.value);
      } else if (el.tagName === 'SELECT') {
        if (el.value !== '' && el.value !== def) out[name] = el.value;
      } else if (el.value.trim() !== '') {
        const v = name === 'delimiter' || name === 'null_text' ? el.value : el.value.trim();
        if (name === 'bool_text') out[name] = v.split(',').map(s => s.trim());
        else if (v !== def) out[name] = v;
      }
    }
    return out;
  }

  function filterValue(f) {
    if (f.op === 'is_null' || f.op === 'not_null') return undefined;
    if (f.op === 'in' || f.op === 'not_in') return f.value.split(',').map(s => s.trim()).filter(s => s !== '');
    if (f.op === 'between') return [f.value.trim(), f.value2.trim()];
    return f.op === 'like' || f.op === 'contains' || f.op === 'starts_with' ? f.value : f.value.trim();
  }

  /** The request body; also tags the checked columns with their index, which "columns[i]" errors refer to. */
  function build() {
    const body = { dataset: st.ds ? st.ds.name : dsSelect.value, format: formatSelect.value };
    const checked = st.cols.filter(c => c.checked);
    $$('li', colList).forEach(li => li.removeAttribute('data-field'));
    checked.forEach((c, i) => {
      const li = $(`li[data-column="${CSS.escape(c.name)}"]`, colList);
      if (li) li.dataset.field = `columns[${i}]`;
    });
    body.columns = checked.map(c => c.name);
    if (st.filters.length) {
      body.filters = st.filters.map(f => {
        const out = { column: f.column, op: f.op };
        const v = filterValue(f);
        if (v !== undefined) out.value = v;
        return out;
      });
    }
    const from = $('#nx-date-from', form), to = $('#nx-date-to', form);
    if (from && from.value) body.date_from = from.value;
    if (to && to.value) body.date_to = to.value;
    if (st.sorts.length) body.sort = st.sorts.map(s => ({ column: s.column, dir: s.dir }));
    if (rowLimit.value !== '') body.row_limit = /^\d+$/.test(rowLimit.value) ? Number(rowLimit.value) : rowLimit.value;
    else if (rowLimit.validity && rowLimit.validity.badInput) body.row_limit = 'not a number';
    if (compress.checked) body.compress = true;
    const opts = options();
    if (Object.keys(opts).length) body.options = opts;
    body.delivery = ($('input[name="delivery"]:checked', form) || { value: 'auto' }).value;
    return body;
  }

  function incomplete() {
    if (!st.ds) return 'Choose a dataset.';
    if (!st.cols.some(c => c.checked)) return 'Choose at least one column.';
    const i = st.filters.findIndex(f => f.op !== 'is_null' && f.op !== 'not_null'
      && (f.value.trim() === '' || (f.op === 'between' && f.value2.trim() === '')));
    if (i >= 0) return `Give filter ${i + 1} a value to see the estimate.`;
    return null;
  }

  // ------------------------------------------------------------ errors next to fields

  function clearErrors() {
    formError.textContent = '';
    $$('.has-error', form).forEach(el => el.classList.remove('has-error'));
    $$('[aria-invalid]', form).forEach(el => el.removeAttribute('aria-invalid'));
    $$('.field-error', form).forEach(el => { el.textContent = ''; });
  }

  /** Finds the control for an API field path, falling back to its parents: filters[1].value → filters[1] → filters. */
  function controlFor(field) {
    let path = field;
    while (path) {
      const el = $(`[data-field="${CSS.escape(path)}"]`, form) || $(`[data-field-scope="${CSS.escape(path)}"]`, form);
      if (el) return el;
      const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
      path = cut > 0 ? path.slice(0, cut) : '';
    }
    return null;
  }

  function showError(err) {
    clearErrors();
    const message = err.message || 'The request was refused.';
    const control = err.field ? controlFor(err.field) : null;
    const field = control && control.closest('.field');
    if (field) {
      field.classList.add('has-error');
      const slot = Array.from(field.children).find(c => c.classList.contains('field-error')) || $('.field-error', field);
      if (slot) {
        slot.textContent = message;
        slot.dataset.code = err.code || '';
        slot.dataset.errorFor = err.field;
      }
      if (control.matches('input, select')) control.setAttribute('aria-invalid', 'true');
      else { const inner = $('input, select', control); if (inner) inner.setAttribute('aria-invalid', 'true'); }
      field.scrollIntoView({ block: 'nearest' });
      clear(estimate).append(h('span.warn', 'Cannot export as set: see the highlighted field.'));
    } else {
      formError.textContent = message;
    }
  }

  // ------------------------------------------------------------ estimate

  function changed() {
    clearTimeout(timer);
    timer = setTimeout(runEstimate, 350);
  }

  async function runEstimate() {
    if (st.busy) return;
    const seq = ++st.estimateSeq;
    const missing = incomplete();
    if (missing) {
      clear(estimate).append(h('span.muted', missing));
      return;
    }
    clear(estimate).append(h('span.muted', 'Estimating…'));
    try {
      const res = await post(`${API}/export/estimate`, build());
      if (seq !== st.estimateSeq) return;
      clearErrors();
      const rows = res.estimated_rows;
      clear(estimate).append(
        h('span#nx-estimate-rows', rows === null || rows === undefined ? 'Row count unknown' : `≈ ${fmtInt(rows)} rows`),
        h('span.muted', ' · '),
        h('span#nx-estimate-delivery', { dataset: { delivery: res.delivery } },
          res.delivery === 'sync' ? 'downloads directly (sync)' : 'runs as a background job (async)'));
    } catch (e) {
      if (seq !== st.estimateSeq) return;
      if (e.status === 404 || e.status === 405) { clear(estimate).append(h('span.muted', 'No estimate available.')); return; }
      showError(e);
    }
  }

  // ------------------------------------------------------------ submit

  async function doSubmit() {
    if (st.busy) return;
    clearErrors();
    if (!st.ds) { showError({ field: 'dataset', message: 'Choose a dataset.' }); return; }
    if (!st.cols.some(c => c.checked)) { showError({ field: 'columns', message: 'Choose at least one column.' }); return; }
    const body = build();
    delete form.dataset.lastSubmit;
    st.busy = true;
    st.estimateSeq++;
    submit.disabled = true;
    submit.textContent = 'Exporting…';
    try {
      const res = await request('POST', `${API}/export/jobs`, body, { 'Idempotency-Key': st.idempotencyKey });
      if (!res.ok) {
        st.idempotencyKey = randomId();
        form.dataset.lastSubmit = 'refused';
        showError(await problemOf(res));
        return;
      }
      if (res.headers.get('Content-Disposition')) {
        await saveSyncFile(res);
        dlg.close();
        return;
      }
      const job = await res.json();
      rememberMine(job, autoDownload.checked);
      toast({ title: 'Export queued', text: `${job.dataset} · ${job.format.toUpperCase()} — you will be notified when it is ready.`,
        kind: 'ok', timeout: 5000, actions: [{ label: 'Details', href: `#/jobs/${job.id}` }] });
      dlg.close();
      onCreated(job);
    } catch (e) {
      st.idempotencyKey = randomId();
      form.dataset.lastSubmit = 'refused';
      showError(e);
    } finally {
      st.busy = false;
      submit.disabled = false;
      submit.textContent = 'Export';
    }
  }

  /** A sync export: the file is the response body, read with progress and saved as a blob. */
  async function saveSyncFile(res) {
    const name = dispositionName(res.headers.get('Content-Disposition')) || 'export';
    const total = Number(res.headers.get('Content-Length')) || null;
    const bar = h('div.bar');
    const text = h('span', 'Receiving…');
    clear(progress).append(h('div.progress', { class: total ? null : 'indeterminate' }, bar), text);
    progress.hidden = false;
    const reader = res.body.getReader();
    const chunks = [];
    let received = 0;
    for (;;) {
      let step;
      try {
        step = await reader.read();
      } catch (e) {
        throw new Error('The transfer broke off before the end: the file is incomplete and was not saved.');
      }
      if (step.done) break;
      chunks.push(step.value);
      received += step.value.length;
      text.textContent = total ? `${fmtBytes(received)} of ${fmtBytes(total)}` : `${fmtBytes(received)} received`;
      bar.style.width = total ? `${Math.min(100, (received / total) * 100)}%` : '100%';
    }
    const blob = new Blob(chunks, { type: res.headers.get('Content-Type') || 'application/octet-stream' });
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    toast({ title: 'Downloaded', text: `${name} (${fmtBytes(received)})`, kind: 'ok' });
  }
}
