// @ts-check
// A job's details (#/jobs/<id>): progress, file, error, parameters, timings, deliveries and its audit trail, kept live.
import { get, jobPath } from '../api.js';
import { h, $, clear, fmtInt, fmtBytes, fmtDuration, fmtCountdown, fmtTime } from '../dom.js';
import { TERMINAL, badge, progressBar, rowsText, pctText, durationMs, showPage } from '../ui.js';
import { watch, onJob, followDeliveries, stopFollowingDeliveries } from '../jobs.js';
import { currentSession } from '../session.js';
import { showAuditTrail } from './audit.js';
import { jobActions } from './job-actions.js';

/** @typedef {import('../types.js').Job} Job */
/** @typedef {import('../types.js').ViewContext} ViewContext */
/** @typedef {import('../types.js').ShownPage} ShownPage */
/** @typedef {import('../dom.js').Child} Child */

/**
 * Shows the job; resolves once its audit trail is in.
 * @param {string} id
 * @param {ViewContext} view
 * @returns {Promise<ShownPage>}
 */
export async function showJob(id, view) {
  const page = h('section.page.job-page', h('p.loading', 'Loading…'));
  showPage(page);
  /** @type {Job} */
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
  /** @param {Job} j */
  const render = (j) => {
    const body = jobBody(j);
    const old = $('#job-body', page);
    if (old) old.replaceWith(body); else page.append(body);
  };
  clear(page).append(h('div.toolbar', h('a.back', { href: '#/exports' }, '← Exports')));
  render(job);
  page.append(h('section.card', h('h2', 'Audit trail'), audit));
  const auditShown = showAuditTrail(id, audit);
  const stopListening = onJob(j => {
    if (j.id !== id) return;
    if (j.deleted) { location.hash = '#/exports'; return; }
    const wasTerminal = TERMINAL.has(job.status);
    job = j;
    render(j);
    if (!wasTerminal && TERMINAL.has(j.status) && !j.file_pending) showAuditTrail(id, audit);
    // The deliveries queued as it ended are sent after its event stream is over: followed on by polling.
    followDeliveries(j);
  });
  view.onLeave(() => { stopListening(); stopFollowingDeliveries(id); });
  watch(job);
  followDeliveries(job);
  return auditShown;
}

/** Admins see every export, so for them a 404 can only mean the id is wrong or the record is gone. */
function notFound() {
  return currentSession().admin
    ? 'No export with this id exists: the id is wrong, or the export was deleted and its record purged.'
    : 'No export with this id exists for you: the id is wrong, the export was deleted, or it belongs to another user '
      + '(exports of other users are not visible).';
}

/**
 * A definition list of [term, description, class] rows; null rows are left out.
 * @param {Array<[string, Child, string?]|null>} rows
 */
function props(rows) {
  return h('dl.props', rows.filter(Boolean).map(([k, v, cls]) => [h('dt', k), h('dd', { class: cls }, v)]));
}

/** @param {Job} job */
function jobBody(job) {
  return h('div#job-body', { dataset: { status: job.status } },
    h('div.job-head',
      h('h1', `${job.dataset} `, h('span.muted', `· ${(job.format || '').toUpperCase()}`)),
      badge(job.status),
      h('div.spacer'),
      jobActions(job, {
        onRetried: (created) => { location.hash = `#/jobs/${created.id}`; },
        onDeleted: () => { location.hash = '#/exports'; },
      })),
    h('div.grid',
      progressCard(job),
      job.error_code || job.error_message ? h('section.card.span2.error-card',
        h('h2', 'Error'), props([['Code', h('code', job.error_code || '—')], ['Message', h('span#job-error', job.error_message || '—')]])) : null,
      parametersCard(job),
      timingsCard(job),
      deliveriesCard(job)));
}

/**
 * The job's deliveries (webhooks, emails, copies) as its log has them, and its alert condition; none when the job
 * has neither.
 * @param {Job} job
 */
function deliveriesCard(job) {
  const log = job.deliveries || [];
  if (!log.length && !job.condition && !job.schedule_id) return null;
  const condition = job.condition
    ? h('span', h('code', job.condition), ' ', job.condition_met === null || job.condition_met === undefined
      ? h('span.muted', 'not evaluated yet') : h('span.chip', { dataset: { met: String(job.condition_met) } },
        job.condition_met ? 'met' : 'not met: nothing delivered'))
    : h('span.muted', 'none');
  return h('section.card.span2#job-deliveries',
    h('h2', 'Deliveries'),
    props([
      ['Condition', condition],
      job.schedule_id ? ['Schedule', h('span.mono', job.schedule_id)] : null,
    ]),
    log.length ? h('div.table-wrap', h('table.deliveries',
      h('thead', h('tr', h('th', 'Event'), h('th', 'Type'), h('th', 'Target'), h('th', 'Status'), h('th.num', 'Attempts'),
        h('th', 'Last result'), h('th', 'Last attempt'), h('th', 'Next attempt'))),
      h('tbody', log.map(d => h('tr', { dataset: { status: d.status, type: d.type } },
        h('td', { dataset: { label: 'Event' } }, d.event),
        h('td', { dataset: { label: 'Type' } }, d.type),
        h('td.mono', { dataset: { label: 'Target' } }, d.target),
        h('td', { dataset: { label: 'Status' } }, h('span.chip', d.status)),
        h('td.num', { dataset: { label: 'Attempts' } }, fmtInt(d.attempts)),
        h('td', { dataset: { label: 'Last result' } }, d.last_error || (d.last_status ? String(d.last_status) : '')),
        h('td', { dataset: { label: 'Last attempt' } }, fmtTime(d.last_attempt_at)),
        h('td', { dataset: { label: 'Next attempt' } }, fmtTime(d.next_attempt_at))))))) : h('p.muted', 'Nothing delivered.'));
}

/** @param {Job} job */
function progressCard(job) {
  return h('section.card.span2',
    h('h2', 'Progress'),
    progressBar(job),
    h('div.progress-text', h('span.rows', rowsText(job)), ' ', h('span.pct', pctText(job))),
    props([
      ['File', job.file_name ? h('span.mono', job.file_name) : h('span.muted', '—')],
      ['Size', fmtBytes(job.file_size_bytes)],
      ['Content type', job.content_type || '—'],
      job.status === 'completed' ? ['Expires', h('span', { dataset: { expires: job.expires_at }, title: fmtTime(job.expires_at) },
        fmtCountdown(job.expires_at))] : null,
    ]));
}

/** @param {Job} job */
function parametersCard(job) {
  const filters = (job.filters || []).length
    ? h('ul.plain', job.filters.map(f => h('li', h('code', f.column), ` ${f.op} `,
      f.value === null || f.value === undefined ? '' : h('code', Array.isArray(f.value) ? f.value.join(', ') : String(f.value)))))
    : h('span.muted', 'none');
  const sort = (job.sort || []).length ? job.sort.map(s => `${s.column} ${s.dir}`).join(', ') : h('span.muted', 'database order');
  const opts = Object.keys(job.options || {}).length
    ? h('ul.plain', Object.entries(job.options).map(([k, v]) => h('li', h('code', k), ' = ', h('code', JSON.stringify(v)))))
    : h('span.muted', 'defaults');
  return h('section.card',
    h('h2', 'Parameters'),
    props([
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
    ]));
}

/** @param {Job} job */
function timingsCard(job) {
  return h('section.card',
    h('h2', 'Timings'),
    props([
      ['Created', fmtTime(job.created_at)],
      ['Started', fmtTime(job.started_at)],
      ['Finished', fmtTime(job.completed_at)],
      ['Duration', h('span', { dataset: job.status === 'running' && job.started_at ? { since: job.started_at } : {} },
        fmtDuration(durationMs(job)))],
      ['Attempts', String(job.attempts ?? 0)],
    ]));
}
