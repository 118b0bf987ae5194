// Freight's admin UI: hash routes #/exports, #/jobs/<id>, #/datasets[/<name>]; sign-in when there is no session.
import { API, api, get, post, del, setCsrf, jobPath, request, problemOf } from './api.js';
import { h, $, $$, clear, fmtInt, fmtBytes, fmtDuration, fmtCountdown, fmtAgo, fmtTime, cellText } from './dom.js';
import { STATUSES, TERMINAL, toast, badge, progressBar, rowsText, pctText, confirmDialog, showText } from './ui.js';
import { watch, onJob, stopAll, resumeMine, rememberMine } from './jobs.js';
import { openNewExport } from './new-export.js';

const state = { session: null, datasets: null, formats: null, view: null };
const main = () => $('#main');

// ---------------------------------------------------------------- session

async function boot() {
  window.addEventListener('freight:unauthorized', () => {
    if (state.session) {
      signedOut();
      showSignIn('Your session has ended. Sign in again.');
    }
  });
  $('#sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', route);
  setInterval(tick, 1000);
  try {
    const s = await api('GET', `${API}/session`);
    signedIn(s);
  } catch (e) {
    showSignIn(e.status === 401 ? null : e.message);
  }
}

function signedIn(session) {
  state.session = session;
  setCsrf(session.csrf_token);
  $('#topbar').hidden = false;
  $('#who-name').textContent = session.principal;
  $('#who-role').textContent = session.role;
  $('#who-role').classList.toggle('chip-admin', !!session.admin);
  document.body.classList.toggle('is-admin', !!session.admin);
  resumeMine();
  if (!location.hash || location.hash === '#/' || location.hash === '#/signin') location.hash = '#/exports';
  else route();
}

function signedOut() {
  state.session = null;
  state.datasets = null;
  setCsrf(null);
  stopAll();
  sessionStorage.clear();
  $('#topbar').hidden = true;
}

async function signOut() {
  try {
    await api('DELETE', `${API}/session`);
  } catch (e) {
    // The cookie may already be gone server-side; signing out locally is what matters.
  }
  signedOut();
  showSignIn('Signed out.');
}

function showSignIn(message) {
  state.view = 'signin';
  const key = h('input#api-key', { type: 'password', name: 'api_key', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'frt_…', required: true, 'aria-describedby': 'signin-error' });
  const error = h('p#signin-error.field-error', { role: 'alert' });
  const submit = h('button#sign-in.btn.primary.wide', { type: 'submit' }, 'Sign in');
  const form = h('form.signin-card', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      submit.disabled = true;
      try {
        const s = await api('POST', `${API}/session`, { api_key: key.value.trim() });
        key.value = '';
        signedIn(s);
      } catch (e) {
        error.textContent = e.status === 401 ? 'That API key is not valid (or has been revoked).' : e.message;
        key.select();
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('div.brand.big', h('span.logo', { 'aria-hidden': 'true' }), 'Freight'),
  h('h1', 'Sign in'),
  message ? h('p.notice', message) : null,
  h('label', { for: 'api-key' }, 'API key'),
  key, error, submit,
  h('p.muted.small', 'The key is sent once; the browser then keeps only an HttpOnly session cookie. ',
    'An admin can create keys with ', h('code', 'freight keys create'), '.'));
  clear(main()).append(h('div.signin', form));
  key.focus();
}

// ---------------------------------------------------------------- routing

let unsubscribe = null;
let routes = 0;

function route() {
  if (!state.session) return;
  if (unsubscribe) { unsubscribe(); unsubscribe = null; }
  const hash = location.hash.replace(/^#\/?/, '');
  const [page, ...rest] = hash.split('/');
  const arg = rest.length ? decodeURIComponent(rest.join('/')) : null;
  $$('[data-nav]').forEach(a => a.classList.toggle('active', a.dataset.nav === (page === 'jobs' ? 'exports' : page)));
  const { revisit, y } = enterHistoryEntry();
  const current = ++routes;
  // A page opened by a link starts at the top. Back and Forward return to where the page was left, once it has
  // been rebuilt (its content arrives asynchronously, so the browser's own restoration would find it empty).
  window.scrollTo(0, 0);
  let shown;
  if (page === 'jobs' && arg) shown = showJob(arg);
  else if (page === 'datasets') shown = showDatasets(arg);
  else shown = showExports();
  if (revisit && y > 0) restoreScroll(y, shown, current);
}

// ---------------------------------------------------------------- scroll position per history entry

history.scrollRestoration = 'manual';
const SCROLL_KEY = 'freight.scroll';
const scrolls = new Map(Object.entries(readJson(sessionStorage.getItem(SCROLL_KEY)) || {}));
let entry = null;
let saveTimer = null;

function readJson(text) {
  try { return JSON.parse(text); } catch (e) { return null; }
}

/** Tags a new history entry with an id (its scroll position is kept under it); a tagged one is being revisited. */
function enterHistoryEntry() {
  const known = history.state && history.state.freightEntry;
  entry = known || `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  if (!known) history.replaceState({ ...(history.state || {}), freightEntry: entry }, '');
  return { revisit: !!known, y: scrolls.get(entry) || 0 };
}

window.addEventListener('scroll', () => {
  if (!entry) return;
  scrolls.set(entry, Math.round(window.scrollY));
  // Kept for a reload too; written when scrolling pauses, and only for the latest entries.
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    const latest = Array.from(scrolls.entries()).slice(-50);
    sessionStorage.setItem(SCROLL_KEY, JSON.stringify(Object.fromEntries(latest)));
  }, 250);
}, { passive: true });

async function restoreScroll(y, shown, current) {
  let page;
  try {
    page = await shown;
  } catch (e) {
    return;
  }
  const room = () => document.documentElement.scrollHeight - window.innerHeight;
  // The list had been scrolled through more pages than the first: load them again to get back to the same row.
  for (let i = 0; i < 20 && current === routes && room() < y && page && page.more; i++) {
    if (!(await page.more())) break;
  }
  if (current === routes) window.scrollTo(0, y);
}

export async function datasets() {
  if (!state.datasets) state.datasets = (await get(`${API}/export/tables`)).datasets;
  return state.datasets;
}

export async function formats() {
  if (!state.formats) state.formats = (await get(`${API}/export/formats`)).formats;
  return state.formats;
}

async function newExport(preset) {
  try {
    await openNewExport({ datasets: await datasets(), formats: await formats(), preset, onCreated: jobCreated });
  } catch (e) {
    toast({ title: 'Cannot open the export form', text: e.message, kind: 'error' });
  }
}

function jobCreated(job) {
  if (state.view === 'exports') {
    const tbody = $('#job-rows');
    if (tbody && !$(`tr[data-job-id="${CSS.escape(job.id)}"]`, tbody)) {
      const filter = $('#status-filter');
      if (!filter.value || filter.value === job.status) tbody.prepend(jobRow(job));
    }
    updateEmpty();
  } else {
    location.hash = '#/exports';
  }
}

// ---------------------------------------------------------------- exports list

function showExports() {
  state.view = 'exports';
  const filter = h('select#status-filter', { 'aria-label': 'Filter by status' },
    h('option', { value: '' }, 'All statuses'), STATUSES.map(s => h('option', { value: s }, s)));
  const tbody = h('tbody#job-rows');
  const more = h('button#load-more.btn', { type: 'button', hidden: true }, 'Load more');
  const admin = state.session.admin;
  const table = h('table.jobs',
    h('thead', h('tr',
      h('th', 'Export'), h('th', 'Status'), h('th.col-progress', 'Progress'), h('th.num', 'Size'),
      h('th.num', 'Duration'), h('th', 'Expires'), h('th', 'Created'), admin ? h('th', 'Owner') : null,
      h('th.actions-col', h('span.sr-only', 'Actions')))),
    tbody);
  const page = h('section.page',
    h('div.toolbar',
      h('h1', 'Exports'),
      h('div.spacer'),
      filter,
      h('button#refresh.btn', { type: 'button', title: 'Reload the list', onclick: () => load(true) }, 'Refresh'),
      h('button#new-export.btn.primary', { type: 'button', onclick: () => newExport() }, 'New export')),
    h('p#jobs-empty.empty', { hidden: true }, 'No exports yet. ',
      h('button.linklike', { type: 'button', onclick: () => newExport() }, 'Start one'), '.'),
    h('div.table-wrap', table),
    h('div.more', more));
  clear(main()).append(page);

  let cursor = null;
  let loading = null;
  function load(reset) {
    if (!loading) loading = fetchPage(reset).finally(() => { loading = null; });
    return loading;
  }
  async function fetchPage(reset) {
    try {
      const q = new URLSearchParams({ limit: '25' });
      if (filter.value) q.set('status', filter.value);
      if (!reset && cursor) q.set('cursor', cursor);
      const res = await get(`${API}/export/jobs?${q}`);
      if (reset) clear(tbody);
      for (const job of res.jobs) {
        if (!$(`tr[data-job-id="${CSS.escape(job.id)}"]`, tbody)) tbody.append(jobRow(job));
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
  unsubscribe = onJob(job => {
    const tr = $(`tr[data-job-id="${CSS.escape(job.id)}"]`, tbody);
    if (!tr) return;
    if (job.deleted) { tr.remove(); updateEmpty(); return; }
    tr.replaceWith(jobRow(job));
  });
  // Shown once the first page is in; more() loads the next one, false when there is none.
  return load(true).then(() => ({ more: async () => (cursor ? (await load(false), true) : false) }));
}

function updateEmpty() {
  const empty = $('#jobs-empty');
  const tbody = $('#job-rows');
  if (empty && tbody) empty.hidden = tbody.children.length > 0;
}

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

function durationMs(job) {
  if (!job.started_at) return null;
  const end = job.completed_at ? Date.parse(job.completed_at) : (TERMINAL.has(job.status) ? null : Date.now());
  return end === null ? null : end - Date.parse(job.started_at);
}

function jobRow(job) {
  const admin = state.session && state.session.admin;
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
    td('Actions', 'actions', jobActions(job)));
}

function jobActions(job, { details = false } = {}) {
  const id = job.id;
  const b = (action, label, onclick, cls = '') => h('button.btn.small', { type: 'button', class: cls, dataset: { action },
    onclick, title: label }, label);
  const out = [];
  if (job.status === 'completed') {
    out.push(h('a.btn.small.primary', { href: jobPath(id, '/download'), download: '', dataset: { action: 'download' } }, 'Download'));
    out.push(b('link', 'Copy link', () => copyLink(id)));
  }
  if (job.status === 'pending' || job.status === 'running') out.push(b('cancel', 'Cancel', () => cancelJob(job)));
  if (job.status === 'failed' || job.status === 'cancelled' || job.status === 'expired') {
    out.push(b('retry', 'Retry', () => retryJob(job)));
  }
  out.push(b('delete', 'Delete', () => deleteJob(job, details), 'danger-text'));
  return h('div.btn-row', out);
}

async function copyLink(id) {
  try {
    const res = await post(jobPath(id, '/link'), {});
    const url = new URL(res.url, location.origin).toString();
    const expires = `Valid until ${fmtTime(res.expires_at)}; works without signing in, for this one file.`;
    let copied = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(url);
        copied = true;
      }
    } catch (e) {
      copied = false;
    }
    if (copied) toast({ title: 'Signed link copied', text: expires, kind: 'ok' });
    showText({ title: copied ? 'Signed link (copied)' : 'Signed link', text: url, note: expires });
  } catch (e) {
    toast({ title: 'No link', text: e.message, kind: 'error' });
  }
}

async function cancelJob(job) {
  try {
    await post(jobPath(job.id, '/cancel'));
    watch({ ...job, status: job.status });
  } catch (e) {
    toast({ title: 'Cannot cancel', text: e.message, kind: 'error' });
  }
}

async function retryJob(job) {
  try {
    const created = await post(jobPath(job.id, '/retry'));
    rememberMine(created, false);
    toast({ title: 'Retrying as a new export', text: created.id, kind: 'ok' });
    if (state.view === 'exports') jobCreated(created);
    else location.hash = `#/jobs/${created.id}`;
  } catch (e) {
    toast({ title: 'Cannot retry', text: e.message, kind: 'error' });
  }
}

async function deleteJob(job, fromDetails) {
  const ok = await confirmDialog({ title: 'Delete this export?',
    text: `${job.dataset} · ${(job.format || '').toUpperCase()} (${job.id}) and its file will be deleted. This cannot be undone.`,
    confirm: 'Delete', danger: true });
  if (!ok) return;
  try {
    await del(jobPath(job.id));
    const tr = $(`tr[data-job-id="${CSS.escape(job.id)}"]`);
    if (tr) tr.remove();
    updateEmpty();
    toast({ title: 'Export deleted', text: job.id });
    if (fromDetails) location.hash = '#/exports';
  } catch (e) {
    toast({ title: 'Cannot delete', text: e.message, kind: 'error' });
  }
}

/** Once a second: countdowns, running durations and "x min ago". */
function tick() {
  const now = Date.now();
  $$('[data-expires]').forEach(el => { el.textContent = fmtCountdown(el.dataset.expires, now); });
  $$('[data-since]').forEach(el => { el.textContent = fmtDuration(now - Date.parse(el.dataset.since)); });
  $$('[data-ago]').forEach(el => { el.textContent = fmtAgo(el.dataset.ago, now); });
}

// ---------------------------------------------------------------- job details

async function showJob(id) {
  state.view = 'job';
  const page = h('section.page.job-page', h('p.loading', 'Loading…'));
  clear(main()).append(page);
  let job;
  try {
    job = await get(jobPath(id));
  } catch (e) {
    clear(page).append(
      h('div.toolbar', h('a.back', { href: '#/exports' }, '← Exports')),
      h('div.empty-state', { id: 'job-missing' },
        h('h1', e.status === 410 ? 'Export deleted' : 'Export not found'),
        h('p', e.status === 404 ? notFound() : e.message)));
    return;
  }
  const audit = h('div#audit', h('p.muted', 'Loading the audit trail…'));
  const render = (j) => {
    const body = jobBody(j);
    const old = $('#job-body', page);
    if (old) old.replaceWith(body); else page.append(body);
  };
  clear(page).append(h('div.toolbar', h('a.back', { href: '#/exports' }, '← Exports')));
  render(job);
  page.append(h('section.card', h('h2', 'Audit trail'), audit));
  const auditShown = loadAudit(id, audit);
  unsubscribe = onJob(j => {
    if (j.id !== id) return;
    if (j.deleted) { location.hash = '#/exports'; return; }
    const wasTerminal = TERMINAL.has(job.status);
    job = j;
    render(j);
    if (!wasTerminal && TERMINAL.has(j.status) && !j.file_pending) loadAudit(id, audit);
  });
  watch(job);
  return auditShown;
}

/** Admins see every export, so for them a 404 can only mean the id is wrong or the record is gone. */
function notFound() {
  return state.session.admin
    ? 'No export with this id exists: the id is wrong, or the export was deleted and its record purged.'
    : 'No export with this id exists for you: the id is wrong, the export was deleted, or it belongs to another user '
      + '(exports of other users are not visible).';
}

function jobBody(job) {
  const dl = (rows) => h('dl.props', rows.filter(Boolean).map(([k, v, cls]) => [h('dt', k), h('dd', { class: cls }, v)]));
  const filters = (job.filters || []).length
    ? h('ul.plain', job.filters.map(f => h('li', h('code', f.column), ` ${f.op} `,
      f.value === null || f.value === undefined ? '' : h('code', Array.isArray(f.value) ? f.value.join(', ') : String(f.value)))))
    : h('span.muted', 'none');
  const sort = (job.sort || []).length ? job.sort.map(s => `${s.column} ${s.dir}`).join(', ') : h('span.muted', 'database order');
  const opts = Object.keys(job.options || {}).length
    ? h('ul.plain', Object.entries(job.options).map(([k, v]) => h('li', h('code', k), ' = ', h('code', JSON.stringify(v)))))
    : h('span.muted', 'defaults');
  return h('div#job-body', { dataset: { status: job.status } },
    h('div.job-head',
      h('h1', `${job.dataset} `, h('span.muted', `· ${(job.format || '').toUpperCase()}`)),
      badge(job.status),
      h('div.spacer'),
      jobActions(job, { details: true })),
    h('div.grid',
      h('section.card.span2',
        h('h2', 'Progress'),
        progressBar(job),
        h('div.progress-text', h('span.rows', rowsText(job)), ' ', h('span.pct', pctText(job))),
        dl([
          ['File', job.file_name ? h('span.mono', job.file_name) : h('span.muted', '—')],
          ['Size', fmtBytes(job.file_size_bytes)],
          ['Content type', job.content_type || '—'],
          job.status === 'completed' ? ['Expires', h('span', { dataset: { expires: job.expires_at }, title: fmtTime(job.expires_at) },
            fmtCountdown(job.expires_at))] : null,
        ])),
      job.error_code || job.error_message ? h('section.card.span2.error-card',
        h('h2', 'Error'), dl([['Code', h('code', job.error_code || '—')], ['Message', h('span#job-error', job.error_message || '—')]])) : null,
      h('section.card',
        h('h2', 'Parameters'),
        dl([
          ['Id', h('span.mono', job.id)],
          ['Dataset', h('a', { href: `#/datasets/${encodeURIComponent(job.dataset)}` }, job.dataset)],
          ['Format', (job.format || '').toUpperCase()],
          ['Columns', (job.columns || []).length ? h('span.mono', job.columns.join(', ')) : h('span.muted', 'all')],
          ['Filters', filters],
          ['Sort', sort],
          ['Date range', job.date_from || job.date_to
            ? h('span.mono', `${job.date_from || '…'} to ${job.date_to || '…'}`) : h('span.muted', 'none')],
          ['Ids', !(job.ids || []).length ? h('span.muted', 'none')
            : h('span.mono', job.ids.length > 20 ? `${fmtInt(job.ids.length)} ids: ${job.ids.slice(0, 20).join(', ')}, …`
              : job.ids.join(', '))],
          ['Row limit', job.row_limit ? fmtInt(job.row_limit) : h('span.muted', 'none')],
          ['Gzip', job.compress ? 'yes' : 'no'],
          ['Options', opts],
          ['Owner', job.owner],
        ])),
      h('section.card',
        h('h2', 'Timings'),
        dl([
          ['Created', fmtTime(job.created_at)],
          ['Started', fmtTime(job.started_at)],
          ['Finished', fmtTime(job.completed_at)],
          ['Duration', h('span', { dataset: job.status === 'running' && job.started_at ? { since: job.started_at } : {} },
            fmtDuration(durationMs(job)))],
          ['Attempts', String(job.attempts ?? 0)],
        ]))));
}

async function loadAudit(id, box) {
  try {
    const res = await get(`${API}/audit?job_id=${encodeURIComponent(id)}&limit=100`);
    const events = res.events || [];
    clear(box).append(events.length ? h('div.table-wrap', h('table.audit',
      h('thead', h('tr', h('th', 'Time'), h('th', 'Action'), h('th', 'Principal'), h('th.num', 'Rows'), h('th.num', 'Bytes'),
        h('th', 'Code'), h('th', 'Detail'), h('th', 'Client'))),
      h('tbody', events.map(e => h('tr', { dataset: { action: e.action } },
        h('td', { dataset: { label: 'Time' } }, fmtTime(e.at)),
        h('td', { dataset: { label: 'Action' } }, h('span.chip', e.action)),
        h('td', { dataset: { label: 'Principal' } }, `${e.principal}${e.role ? ` (${e.role})` : ''}`),
        h('td.num', { dataset: { label: 'Rows' } }, fmtInt(e.row_count)),
        h('td.num', { dataset: { label: 'Bytes' } }, fmtBytes(e.bytes)),
        h('td', { dataset: { label: 'Code' } }, e.code || ''),
        h('td', { dataset: { label: 'Detail' } }, e.detail || ''),
        h('td', { dataset: { label: 'Client' } }, e.client_address || '')))))) : h('p.muted', 'No audit events.'));
  } catch (e) {
    clear(box).append(h('p.muted', `Audit trail unavailable: ${e.message}`));
  }
}

// ---------------------------------------------------------------- datasets

async function showDatasets(name) {
  state.view = 'datasets';
  const page = h('section.page.datasets-page', h('p.loading', 'Loading…'));
  clear(main()).append(page);
  let list;
  try {
    list = await datasets();
  } catch (e) {
    clear(page).append(h('p.field-error', e.message));
    return;
  }
  const search = h('input#dataset-search', { type: 'search', placeholder: 'Search datasets', 'aria-label': 'Search datasets' });
  const items = h('ul.dataset-list', list.map(d => h('li', h('a', {
    href: `#/datasets/${encodeURIComponent(d.name)}`, class: d.name === name ? 'active' : null, dataset: { dataset: d.name },
  }, h('span', d.name), h('span.muted.small', `${d.columns.length} col`)))));
  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    $$('li', items).forEach(li => { li.hidden = q && !li.textContent.toLowerCase().includes(q); });
  });
  const detail = h('div.dataset-detail');
  clear(page).append(
    h('div.toolbar', h('h1', 'Datasets'), h('div.spacer'),
      h('span.muted.small', `What role “${state.session.role}” may export`)),
    h('div.split', h('aside.card.dataset-aside', search, items), detail));
  const current = list.find(d => d.name === name) || (name ? null : list[0]);
  if (!current) {
    // Admins see every dataset: for them nothing is hidden by a role.
    const admin = state.session.admin;
    detail.append(h('div.empty-state', { id: 'dataset-missing' }, h('h2', name ? 'Dataset not found' : 'No datasets'),
      h('p', name ? `“${name}” does not exist${admin ? '.' : ' or your role may not see it.'}`
        : (admin ? 'No source has a table to export and no query is configured.' : 'Your role may not export any dataset.'))));
    return;
  }
  if (!name) $(`a[data-dataset="${CSS.escape(current.name)}"]`, items).classList.add('active');
  const masked = current.columns.filter(c => c.masked).length;
  detail.append(
    h('section.card',
      h('div.card-head', h('h2', current.name), h('div.spacer'),
        h('button#export-dataset.btn.primary', { type: 'button', onclick: () => newExport({ dataset: current.name }) }, 'Export…')),
      h('dl.props.inline',
        h('dt', 'Source'), h('dd', current.source || '—'),
        h('dt', 'Kind'), h('dd', current.kind || '—'),
        h('dt', 'Key'), h('dd', (current.primary_key || []).join(', ') || '—'),
        h('dt', 'Time column'), h('dd', current.time_column || '—')),
      h('p.muted.small', masked ? `${masked} column${masked > 1 ? 's are' : ' is'} masked for your role. ` : '',
        'Columns your role may not see are not listed here and cannot be exported.'),
      h('div.table-wrap', h('table.columns#dataset-columns',
        h('thead', h('tr', h('th', 'Column'), h('th', 'Type'), h('th.c-sql', 'SQL type'), h('th.c-null', 'Null'), h('th', 'For you'))),
        h('tbody', current.columns.map(c => h('tr', { dataset: { column: c.name } },
          h('td', { dataset: { label: 'Column' } }, h('code', c.name),
            (current.primary_key || []).includes(c.name) ? h('span.chip.small', 'key') : null,
            current.time_column === c.name ? h('span.chip.small', 'time') : null),
          h('td', { dataset: { label: 'Type' } }, h('span.type', c.type)),
          h('td.c-sql', h('span.muted', c.sql_type || '')),
          h('td.c-null', c.nullable ? 'yes' : 'no'),
          h('td', { dataset: { label: 'For you' } }, c.masked
            ? h('span.chip.chip-masked', { title: 'exported masked; cannot be filtered or sorted' }, `masked: ${c.masked}`)
            : h('span.chip.chip-ok', 'visible')))))))),
    h('section.card', h('h2', 'Preview ', h('span.muted.small', 'first 50 rows')), h('div#preview', h('p.muted', 'Loading…'))));
  try {
    const p = await previewOf(current.name);
    clear($('#preview')).append(h('div.table-wrap.preview-wrap', h('table.preview',
      h('thead', h('tr', p.columns.map(c => h('th', { title: c.type }, c.name, c.masked ? h('span.chip.small.chip-masked', c.masked) : null)))),
      h('tbody', p.rows.map(r => h('tr', p.columns.map(c => {
        const v = r[c.name];
        const numeric = ['integer', 'decimal', 'float'].includes(c.type) && !c.masked;
        return h('td', { class: v === null ? 'null' : (numeric ? 'num' : null) }, v === null ? 'NULL' : cellText(v));
      })))))),
    h('p.muted.small', `${p.rows.length} row${p.rows.length === 1 ? '' : 's'}`));
  } catch (e) {
    clear($('#preview')).append(h('p.field-error', e.message));
  }
}

/**
 * The preview with numbers kept as the server wrote them: JSON.parse would turn 13116.50 into 13116.5 and round
 * big integers, and the preview must show exactly what an export contains.
 */
async function previewOf(dataset) {
  const res = await request('GET', `${API}/export/tables/${encodeURIComponent(dataset)}/preview?limit=50`);
  if (!res.ok) throw await problemOf(res);
  const text = await res.text();
  return JSON.parse(text, (key, value, context) =>
    (typeof value === 'number' && context && typeof context.source === 'string' ? context.source : value));
}

boot();
