// @ts-check
// The exports list (#/exports): newest first, a status filter, infinite scroll, rows kept live by jobs.js.
import { API, get } from '../api.js';
import { h, $, clear, fmtInt, fmtBytes, fmtDuration, fmtCountdown, fmtAgo, fmtTime } from '../dom.js';
import { STATUSES, toast, badge, progressBar, rowsText, pctText, durationMs, showPage } from '../ui.js';
import { watch, onJob } from '../jobs.js';
import { currentSession } from '../session.js';
import { newExport } from '../new-export/dialog.js';
import { jobActions } from './job-actions.js';

/** @typedef {import('../types.js').Job} Job */
/** @typedef {import('../types.js').JobPage} JobPage */
/** @typedef {import('../types.js').ViewContext} ViewContext */
/** @typedef {import('../types.js').ShownPage} ShownPage */

/**
 * Shows the list; resolves once its first page is in, with more() for the next one.
 * @param {ViewContext} view
 * @returns {Promise<ShownPage>}
 */
export function showExports(view) {
  const filter = h('select#status-filter', { 'aria-label': 'Filter by status' },
    h('option', { value: '' }, 'All statuses'), STATUSES.map(s => h('option', { value: s }, s)));
  const tbody = h('tbody#job-rows');
  const more = h('button#load-more.btn', { type: 'button', hidden: true }, 'Load more');
  const startExport = () => newExport({}, jobCreated);
  const page = h('section.page',
    h('div.toolbar',
      h('h1', 'Exports'),
      h('div.spacer'),
      filter,
      h('button#refresh.btn', { type: 'button', title: 'Reload the list', onclick: () => load(true) }, 'Refresh'),
      h('button#new-export.btn.primary', { type: 'button', onclick: startExport }, 'New export')),
    h('p#jobs-empty.empty', { hidden: true }, 'No exports yet. ',
      h('button.linklike', { type: 'button', onclick: startExport }, 'Start one'), '.'),
    h('div.table-wrap', jobsTable(tbody)),
    h('div.more', more));
  showPage(page);

  /** @type {string|null} */
  let cursor = null;
  /** @type {Promise<void>|null} */
  let loading = null;
  /** @param {boolean} reset */
  function load(reset) {
    if (!loading) loading = fetchPage(reset).finally(() => { loading = null; });
    return loading;
  }
  /** @param {boolean} reset */
  async function fetchPage(reset) {
    try {
      const q = new URLSearchParams({ limit: '25' });
      if (filter.value) q.set('status', filter.value);
      if (!reset && cursor) q.set('cursor', cursor);
      /** @type {JobPage} */
      const res = await get(`${API}/export/jobs?${q}`);
      if (reset) clear(tbody);
      for (const job of res.jobs) {
        if (!rowOf(job.id, tbody)) tbody.append(jobRow(job));
        watch(job);
      }
      cursor = res.next_cursor;
      more.hidden = !cursor;
      updateEmpty();
    } catch (e) {
      toast({ title: 'Cannot load exports', text: e.message, kind: 'error' });
    }
  }
  filter.addEventListener('change', () => { cursor = null; load(true); });
  more.addEventListener('click', () => load(false));
  // Infinite scroll: the "Load more" button loads by itself when it scrolls into view.
  new IntersectionObserver(entries => {
    if (entries.some(e => e.isIntersecting) && !more.hidden) load(false);
  }).observe(more);
  view.onLeave(onJob(job => {
    const tr = rowOf(job.id, tbody);
    if (!tr) return;
    if (job.deleted) { tr.remove(); updateEmpty(); return; }
    tr.replaceWith(jobRow(job));
  }));
  // Shown once the first page is in; more() loads the next one, false when there is none.
  return load(true).then(() => ({ more: async () => (cursor ? (await load(false), true) : false) }));
}

/**
 * A job made from any page (new export, retry): a row at the top of the list when the list is shown and its
 * filter lets it in; from another page, the list.
 * @param {Job} job
 */
export function jobCreated(job) {
  const tbody = $('#job-rows');
  if (!tbody) {
    location.hash = '#/exports';
    return;
  }
  if (!rowOf(job.id, tbody)) {
    const filter = /** @type {HTMLSelectElement} */ ($('#status-filter'));
    if (!filter.value || filter.value === job.status) tbody.prepend(jobRow(job));
  }
  updateEmpty();
}

/** @param {Job} job */
function jobDeleted(job) {
  const tr = rowOf(job.id);
  if (tr) tr.remove();
  updateEmpty();
}

/** @param {string} id @param {ParentNode} [root] */
function rowOf(id, root) {
  return $(`tr[data-job-id="${CSS.escape(id)}"]`, root);
}

/** @param {HTMLElement} tbody */
function jobsTable(tbody) {
  const admin = currentSession().admin;
  return h('table.jobs',
    h('thead', h('tr',
      h('th', 'Export'), h('th', 'Status'), h('th.col-progress', 'Progress'), h('th.num', 'Size'),
      h('th.num', 'Duration'), h('th', 'Expires'), h('th', 'Created'), admin ? h('th', 'Owner') : null,
      h('th.actions-col', h('span.sr-only', 'Actions')))),
    tbody);
}

function updateEmpty() {
  const empty = $('#jobs-empty');
  const tbody = $('#job-rows');
  if (empty && tbody) empty.hidden = tbody.children.length > 0;
}

/** "CSV · 3 columns · 2 filters · limit 100 · gzip" @param {Job} job */
function describeJob(job) {
  const parts = [job.format ? job.format.toUpperCase() : null];
  const cols = job.columns || [];
  parts.push(cols.length ? `${cols.length} column${cols.length === 1 ? '' : 's'}` : 'all columns');
  const f = (job.filters || []).length;
  if (f) parts.push(`${f} filter${f === 1 ? '' : 's'}`);
  if (job.row_limit) parts.push(`limit ${fmtInt(job.row_limit)}`);
  if (job.compress) parts.push('gzip');
  return parts.filter(Boolean).join(' · ');
}

/** @param {Job} job */
function jobRow(job) {
  const session = currentSession();
  const admin = session && session.admin;
  /** @param {string} label @param {string|null} cls @param {...import('../dom.js').Child} content */
  const td = (label, cls, ...content) => h('td', { class: cls, dataset: { label } }, ...content);
  const duration = h('span', { dataset: job.status === 'running' && job.started_at ? { since: job.started_at } : {} },
    fmtDuration(durationMs(job)));
  const expires = job.status === 'completed' && job.expires_at
    ? h('span', { dataset: { expires: job.expires_at }, title: fmtTime(job.expires_at) }, fmtCountdown(job.expires_at))
    : h('span.muted', '—');
  return h('tr', { dataset: { jobId: job.id, status: job.status } },
    td('Export', 'cell-export',
      h('a.job-link', { href: `#/jobs/${job.id}` }, job.dataset),
      h('div.sub', describeJob(job))),
    td('Status', 'cell-status', badge(job.status)),
    td('Progress', 'col-progress',
      progressBar(job),
      h('div.sub.progress-text', h('span.rows', rowsText(job)), ' ', h('span.pct', pctText(job)))),
    td('Size', 'num', fmtBytes(job.file_size_bytes)),
    td('Duration', 'num', duration),
    td('Expires', 'nowrap', expires),
    td('Created', 'nowrap', h('span', { dataset: { ago: job.created_at }, title: fmtTime(job.created_at) }, fmtAgo(job.created_at))),
    admin ? td('Owner', null, job.owner) : null,
    td('Actions', 'actions', jobActions(job, { onRetried: jobCreated, onDeleted: jobDeleted })));
}
