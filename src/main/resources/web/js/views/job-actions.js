// @ts-check
// The buttons of a job, in the exports list and on its details page: download, copy a signed link, cancel, retry,
// delete. What follows a retry or a delete depends on the page, so the page says it.
import { post, del, jobPath } from '../api.js';
import { h, fmtTime } from '../dom.js';
import { toast, confirmDialog, showText } from '../ui.js';
import { watch, rememberMine } from '../jobs.js';

/** @typedef {import('../types.js').Job} Job */
/** @typedef {import('../types.js').SignedLink} SignedLink */
/**
 * @typedef {object} AfterAction
 * @property {(created: Job) => void} onRetried given the new job the retry made
 * @property {(job: Job) => void} onDeleted
 */

/**
 * The actions the job's status allows, as a row of buttons.
 * @param {Job} job
 * @param {AfterAction} after
 */
export function jobActions(job, after) {
  const id = job.id;
  /** @param {string} action @param {string} label @param {() => void} onclick @param {string} [cls] */
  const b = (action, label, onclick, cls = '') => h('button.btn.small', { type: 'button', class: cls, dataset: { action },
    onclick, title: label }, label);
  const out = [];
  if (job.status === 'completed') {
    out.push(h('a.btn.small.primary', { href: jobPath(id, '/download'), download: '', dataset: { action: 'download' } }, 'Download'));
    out.push(b('link', 'Copy link', () => copyLink(id)));
  }
  if (job.status === 'pending' || job.status === 'running') out.push(b('cancel', 'Cancel', () => cancelJob(job)));
  if (job.status === 'failed' || job.status === 'cancelled' || job.status === 'expired') {
    out.push(b('retry', 'Retry', () => retryJob(job, after.onRetried)));
  }
  out.push(b('delete', 'Delete', () => deleteJob(job, after.onDeleted), 'danger-text'));
  return h('div.btn-row', out);
}

/** @param {string} id */
async function copyLink(id) {
  try {
    /** @type {SignedLink} */
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

/** @param {Job} job */
async function cancelJob(job) {
  try {
    await post(jobPath(job.id, '/cancel'));
    watch({ ...job, status: job.status });
  } catch (e) {
    toast({ title: 'Cannot cancel', text: e.message, kind: 'error' });
  }
}

/** @param {Job} job @param {(created: Job) => void} onRetried */
async function retryJob(job, onRetried) {
  try {
    /** @type {Job} */
    const created = await post(jobPath(job.id, '/retry'));
    rememberMine(created, false);
    toast({ title: 'Retrying as a new export', text: created.id, kind: 'ok' });
    onRetried(created);
  } catch (e) {
    toast({ title: 'Cannot retry', text: e.message, kind: 'error' });
  }
}

/** @param {Job} job @param {(job: Job) => void} onDeleted */
async function deleteJob(job, onDeleted) {
  const ok = await confirmDialog({ title: 'Delete this export?',
    text: `${job.dataset} · ${(job.format || '').toUpperCase()} (${job.id}) and its file will be deleted. This cannot be undone.`,
    confirm: 'Delete', danger: true });
  if (!ok) return;
  try {
    await del(jobPath(job.id));
    onDeleted(job);
    toast({ title: 'Export deleted', text: job.id });
  } catch (e) {
    toast({ title: 'Cannot delete', text: e.message, kind: 'error' });
  }
}
