// @ts-check
// The new-export dialog: dataset, rows or a series (series.js, with a live chart), columns (order and choice),
// filters, date range, sort, limit, format and its options, delivery. Each section is a module of this folder over one shared FormState; this one lays them out,
// builds the request from them and wires the estimate and the submit.
import { h, $ } from '../dom.js';
import { toast } from '../ui.js';
import { askNotificationPermission } from '../jobs.js';
import { datasets, formats } from '../catalog.js';
import { newFormState, setDataset } from './form-state.js';
import { columnsSection } from './columns.js';
import { filtersSection, dateRangeSection } from './filters.js';
import { sortSection } from './sort.js';
import { formatSection } from './format-options.js';
import { fieldErrors } from './field-errors.js';
import { estimator } from './estimate.js';
import { submitter } from './submit.js';
import { seriesSection } from './series.js';

/** @typedef {import('../types.js').Job} Job */
/** @typedef {import('../types.js').Dataset} Dataset */
/** @typedef {import('../types.js').Format} Format */

/**
 * Opens the dialog, preset to a dataset if given; onCreated gets each queued job.
 * @param {{ dataset?: string }} preset
 * @param {(job: Job) => void} onCreated
 */
export async function newExport(preset, onCreated) {
  try {
    openNewExport({ datasets: await datasets(), formats: await formats(), preset, onCreated });
  } catch (e) {
    toast({ title: 'Cannot open the export form', text: e.message, kind: 'error' });
  }
}

/**
 * @param {{ datasets: Dataset[], formats: Format[], preset: { dataset?: string }, onCreated: (job: Job) => void }} what
 */
function openNewExport({ datasets, formats, preset, onCreated }) {
  const old = $('#nx-dialog');
  if (old) old.remove();
  const st = newFormState();
  // Every section reports changes; the estimate is made once all of them are there.
  /** @type {() => void} */
  let estimate = () => {};
  const changed = () => estimate();

  const chooser = datasetChooser(datasets, chooseDataset);
  const columns = columnsSection(st, changed);
  const filters = filtersSection(st, changed);
  const dates = dateRangeSection(st);
  const sorts = sortSection(st, changed);
  const format = formatSection(formats, changed);
  const rowLimit = h('input#nx-row-limit', { type: 'number', min: '1', step: '1', placeholder: 'all rows', 'data-field': 'row_limit',
    inputmode: 'numeric' });
  const delivery = deliverySection();
  const series = seriesSection(st, () => build());
  const rowLimitField = h('div.field.inline-field', h('label', { for: 'nx-row-limit' }, 'Row limit'), rowLimit, h('p.field-error'));

  const estimateBox = h('div#nx-estimate.estimate', { 'aria-live': 'polite' }, h('span.muted', 'Estimating…'));
  const formError = h('div#nx-error.form-error', { role: 'alert' });
  const progress = h('div#nx-progress.sync-progress', { hidden: true });
  const submitButton = h('button#nx-submit.btn.primary', { type: 'submit' }, 'Export');
  const cancel = h('button#nx-cancel.btn', { type: 'button', onclick: () => dlg.close() }, 'Cancel');

  const form = h('form#nx-form', { novalidate: true },
    h('header.dialog-head', h('h2', 'New export'), h('div.spacer'),
      h('button.icon-btn', { type: 'button', 'aria-label': 'Close', onclick: () => dlg.close() }, '×')),
    h('div.nx-body',
      h('div.nx-col', chooser.element, columns.element),
      h('div.nx-col',
        series.element,
        filters.element,
        dates.element,
        sorts.element,
        rowLimitField,
        format.element,
        delivery.element)),
    h('footer.dialog-foot', estimateBox, formError, progress, h('div.spacer'), cancel, submitButton));
  const dlg = h('dialog#nx-dialog.modal.wide', form);

  /** The request body, from every section. */
  function build() {
    /** @type {Record<string, unknown>} */
    const body = { dataset: st.ds ? st.ds.name : chooser.select.value, format: format.requestFormat() };
    const f = filters.requestFilters();
    if (f) body.filters = f;
    if (series.enabled()) {
      // A series' columns are its bucket, groups and measures; its range is its timeframe or from/to.
      body.series = series.requestSeries();
    } else {
      body.columns = columns.requestColumns();
      Object.assign(body, dates.requestDates());
      const sort = sorts.requestSort();
      if (sort) body.sort = sort;
      if (rowLimit.value !== '') body.row_limit = /^\d+$/.test(rowLimit.value) ? Number(rowLimit.value) : rowLimit.value;
      else if (rowLimit.validity && rowLimit.validity.badInput) body.row_limit = 'not a number';
    }
    if (format.requestCompress()) body.compress = true;
    const opts = format.requestOptions();
    if (Object.keys(opts).length) body.options = opts;
    body.delivery = delivery.requestDelivery();
    return body;
  }

  const errors = fieldErrors(form, formError, estimateBox);
  estimate = estimator({ st, box: estimateBox, build, errors });
  const submit = submitter({ st, form, button: submitButton, progress, build, errors,
    autoDownload: () => delivery.autoDownload.checked, close: () => dlg.close(), onCreated });

  function chooseDataset() {
    setDataset(st, datasets.find(d => d.name === chooser.select.value) || null);
    columns.render();
    filters.render();
    dates.render();
    sorts.render();
    series.render();
    changed();
  }

  form.addEventListener('nx-mode', () => {
    const rows = !series.enabled();
    for (const el of [columns.element, dates.element, sorts.element, rowLimitField]) el.hidden = !rows;
    format.offerPictures(!rows);
    changed();
  });
  dlg.addEventListener('close', () => dlg.remove());
  dlg.addEventListener('cancel', (e) => { if (st.busy) e.preventDefault(); });
  form.addEventListener('submit', (e) => { e.preventDefault(); submit(); });
  form.addEventListener('input', (e) => { if (e.target !== chooser.search) changed(); });
  form.addEventListener('change', (e) => { if (e.target !== chooser.search && e.target !== chooser.select) changed(); });
  document.body.append(dlg);
  dlg.showModal();

  chooser.select.value = preset.dataset && datasets.some(d => d.name === preset.dataset) ? preset.dataset
    : (datasets[0] ? datasets[0].name : '');
  format.render();
  format.offerPictures(false);
  chooseDataset();
  chooser.search.focus();
}

/**
 * The dataset list with a search box; typing down to one match chooses it.
 * @param {Dataset[]} datasets
 * @param {() => void} onChoose
 */
function datasetChooser(datasets, onChoose) {
  const search = h('input#nx-dataset-search', { type: 'search', placeholder: 'Search datasets', 'aria-label': 'Search datasets' });
  const select = h('select#nx-dataset', { size: String(Math.min(6, Math.max(3, datasets.length))), 'data-field': 'dataset',
    'aria-label': 'Dataset' }, datasets.map(d => h('option', { value: d.name }, d.name)));
  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    for (const o of select.options) o.hidden = !!q && !o.value.toLowerCase().includes(q);
    const visible = Array.from(select.options).filter(o => !o.hidden);
    if (visible.length === 1 && select.value !== visible[0].value) { select.value = visible[0].value; onChoose(); }
  });
  select.addEventListener('change', () => onChoose());
  const element = h('fieldset.field', h('legend', 'Dataset'), search, select, h('p.field-error'));
  return { element, search, select };
}

/** auto, async or sync, and whether to download the file when a job is ready. */
function deliverySection() {
  const radios = ['auto', 'async', 'sync'].map(v => h('label.check',
    h('input', { type: 'radio', name: 'delivery', value: v, checked: v === 'auto', id: `nx-delivery-${v}`, 'data-field': v === 'auto' ? 'delivery' : null }),
    ` ${v}`));
  const autoDownload = h('input#nx-auto-download', { type: 'checkbox' });
  autoDownload.addEventListener('change', () => { if (autoDownload.checked) askNotificationPermission(); });
  const element = h('fieldset.field', h('legend', 'Delivery'),
    h('div.radio-row', radios),
    h('p.muted.small', 'auto streams small exports straight to you and queues large ones as background jobs.'),
    h('label.check', autoDownload, ' Download when ready'),
    h('p.field-error'));
  const requestDelivery = () => {
    const checked = /** @type {HTMLInputElement|null} */ ($('input[name="delivery"]:checked', element));
    return checked ? checked.value : 'auto';
  };
  return { element, autoDownload, requestDelivery };
}
