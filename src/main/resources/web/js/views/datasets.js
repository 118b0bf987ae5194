// @ts-check
// The dataset browser (#/datasets[/<name>]): what the role may export, each dataset's columns (masked ones say
// how) and a preview of its first rows.
import { API, request, problemOf } from '../api.js';
import { h, $, $$, clear, cellText } from '../dom.js';
import { showPage } from '../ui.js';
import { currentSession } from '../session.js';
import { datasets } from '../catalog.js';
import { newExport } from '../new-export/dialog.js';
import { jobCreated } from './exports.js';

/** @typedef {import('../types.js').Dataset} Dataset */
/** @typedef {import('../types.js').Preview} Preview */
/** @typedef {import('../types.js').ViewContext} ViewContext */
/** @typedef {import('../types.js').ShownPage} ShownPage */

const PREVIEW_ROWS = 50;

/**
 * Shows the list and the named dataset (the first one without a name); resolves once its preview is in.
 * @param {string|null} name
 * @param {ViewContext} view
 * @returns {Promise<ShownPage>}
 */
export async function showDatasets(name, view) {
  const page = h('section.page.datasets-page', h('p.loading', 'Loading…'));
  showPage(page);
  let list;
  try {
    list = await datasets();
  } catch (e) {
    clear(page).append(h('p.field-error', e.message));
    return;
  }
  const session = currentSession();
  const items = datasetLinks(list, name);
  const detail = h('div.dataset-detail');
  clear(page).append(
    h('div.toolbar', h('h1', 'Datasets'), h('div.spacer'),
      h('span.muted.small', `What role “${session.role}” may export`)),
    h('div.split', h('aside.card.dataset-aside', datasetSearch(items), items), detail));
  const current = list.find(d => d.name === name) || (name ? null : list[0]);
  if (!current) {
    detail.append(missingDataset(name, session.admin));
    return;
  }
  if (!name) $(`a[data-dataset="${CSS.escape(current.name)}"]`, items).classList.add('active');
  detail.append(datasetCard(current),
    h('section.card', h('h2', 'Preview ', h('span.muted.small', `first ${PREVIEW_ROWS} rows`)), h('div#preview', h('p.muted', 'Loading…'))));
  try {
    const p = await previewOf(current.name);
    clear($('#preview')).append(h('div.table-wrap.preview-wrap', previewTable(p)),
      h('p.muted.small', `${p.rows.length} row${p.rows.length === 1 ? '' : 's'}`));
  } catch (e) {
    clear($('#preview')).append(h('p.field-error', e.message));
  }
}

/** @param {Dataset[]} list @param {string|null} name the one shown */
function datasetLinks(list, name) {
  return h('ul.dataset-list', list.map(d => h('li', h('a', {
    href: `#/datasets/${encodeURIComponent(d.name)}`, class: d.name === name ? 'active' : null, dataset: { dataset: d.name },
  }, h('span', d.name), h('span.muted.small', `${d.columns.length} col`)))));
}

/** A search box that hides the datasets whose names do not contain what is typed. @param {HTMLElement} items */
function datasetSearch(items) {
  const search = h('input#dataset-search', { type: 'search', placeholder: 'Search datasets', 'aria-label': 'Search datasets' });
  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    $$('li', items).forEach(li => { li.hidden = q && !li.textContent.toLowerCase().includes(q); });
  });
  return search;
}

/**
 * Admins see every dataset: for them nothing is hidden by a role.
 * @param {string|null} name
 * @param {boolean} admin
 */
function missingDataset(name, admin) {
  return h('div.empty-state', { id: 'dataset-missing' }, h('h2', name ? 'Dataset not found' : 'No datasets'),
    h('p', name ? `“${name}” does not exist${admin ? '.' : ' or your role may not see it.'}`
      : (admin ? 'No source has a table to export and no query is configured.' : 'Your role may not export any dataset.')));
}

/** @param {Dataset} ds */
function datasetCard(ds) {
  const masked = ds.columns.filter(c => c.masked).length;
  return h('section.card',
    h('div.card-head', h('h2', ds.name), h('div.spacer'),
      h('button#export-dataset.btn.primary', { type: 'button', onclick: () => newExport({ dataset: ds.name }, jobCreated) }, 'Export…')),
    h('dl.props.inline',
      h('dt', 'Source'), h('dd', ds.source || '—'),
      h('dt', 'Kind'), h('dd', ds.kind || '—'),
      h('dt', 'Key'), h('dd', (ds.primary_key || []).join(', ') || '—'),
      h('dt', 'Time column'), h('dd', ds.time_column || '—')),
    h('p.muted.small', masked ? `${masked} column${masked > 1 ? 's are' : ' is'} masked for your role. ` : '',
      'Columns your role may not see are not listed here and cannot be exported.'),
    h('div.table-wrap', columnsTable(ds)));
}

/** @param {Dataset} ds */
function columnsTable(ds) {
  return h('table.columns#dataset-columns',
    h('thead', h('tr', h('th', 'Column'), h('th', 'Type'), h('th.c-sql', 'SQL type'), h('th.c-null', 'Null'), h('th', 'For you'))),
    h('tbody', ds.columns.map(c => h('tr', { dataset: { column: c.name } },
      h('td', { dataset: { label: 'Column' } }, h('code', c.name),
        (ds.primary_key || []).includes(c.name) ? h('span.chip.small', 'key') : null,
        ds.time_column === c.name ? h('span.chip.small', 'time') : null),
      h('td', { dataset: { label: 'Type' } }, h('span.type', c.type)),
      h('td.c-sql', h('span.muted', c.sql_type || '')),
      h('td.c-null', c.nullable ? 'yes' : 'no'),
      h('td', { dataset: { label: 'For you' } }, c.masked
        ? h('span.chip.chip-masked', { title: 'exported masked; cannot be filtered or sorted' }, `masked: ${c.masked}`)
        : h('span.chip.chip-ok', 'visible'))))));
}

/** @param {Preview} p */
function previewTable(p) {
  return h('table.preview',
    h('thead', h('tr', p.columns.map(c => h('th', { title: c.type }, c.name, c.masked ? h('span.chip.small.chip-masked', c.masked) : null)))),
    h('tbody', p.rows.map(r => h('tr', p.columns.map(c => {
      const v = r[c.name];
      const numeric = ['integer', 'decimal', 'float'].includes(c.type) && !c.masked;
      return h('td', { class: v === null ? 'null' : (numeric ? 'num' : null) }, v === null ? 'NULL' : cellText(v));
    })))));
}

/**
 * The preview with numbers kept as the server wrote them: JSON.parse would turn 13116.50 into 13116.5 and round
 * big integers, and the preview must show exactly what an export contains.
 * @param {string} dataset
 * @returns {Promise<Preview>}
 */
async function previewOf(dataset) {
  const res = await request('GET', `${API}/export/tables/${encodeURIComponent(dataset)}/preview?limit=${PREVIEW_ROWS}`);
  if (!res.ok) throw await problemOf(res);
  const text = await res.text();
  /** @type {(key: string, value: unknown, context?: { source?: string }) => unknown} */
  const keepNumberText = (key, value, context) =>
    (typeof value === 'number' && context && typeof context.source === 'string' ? context.source : value);
  return JSON.parse(text, /** @type {any} */ (keepNumberText));
}
