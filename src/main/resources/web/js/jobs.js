// @ts-check
// Live job state: one EventSource per active job (a few at most: browsers allow ~6 connections per host over
// HTTP/1.1, and the page still needs some for its own requests), polling for the rest. Every change is
// published to subscribers, and the jobs this browser started are followed to the end for the notification
// and the automatic download.
import { get, jobPath } from './api.js';
import { TERMINAL, toast } from './ui.js';

/** @typedef {import('./types.js').Job} Job */
/** @typedef {import('./types.js').LiveJob} LiveJob */
/** @typedef {import('./types.js').JobUpdate} JobUpdate */
/** A job this browser started: followed to its end for the notice and, if asked, the download. @typedef {{ auto: boolean, dataset: string, format: string }} Mine */

const MAX_STREAMS = 3;
const POLL_MS = 2000;
/** @type {Map<string, LiveJob>} */
const known = new Map();
/** @type {Map<string, EventSource>} */
const streams = new Map();
/** @type {Set<string>} */
const polled = new Set();
/** @type {Set<(job: LiveJob) => void>} */
const listeners = new Set();
/** @type {ReturnType<typeof setTimeout>|null} */
let pollTimer = null;

/**
 * Calls fn with every change of a job; returns what stops it.
 * @param {(job: LiveJob) => void} fn
 * @returns {() => void}
 */
export function onJob(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** @param {JobUpdate} update */
function publish(update) {
  const merged = /** @type {LiveJob} */ ({ ...(known.get(update.id) || {}), ...update });
  known.set(update.id, merged);
  for (const fn of listeners) {
    try { fn(merged); } catch (e) { console.error(e); }
  }
  if (TERMINAL.has(merged.status) || merged.deleted) finished(merged);
  return merged;
}

/**
 * Follow a job until it ends (no-op for ended or already followed jobs).
 * @param {Job} job
 */
export function watch(job) {
  known.set(job.id, { ...(known.get(job.id) || {}), ...job });
  if (TERMINAL.has(job.status) || streams.has(job.id) || polled.has(job.id)) return;
  if (streams.size < MAX_STREAMS) openStream(job.id);
  else {
    polled.add(job.id);
    schedulePoll();
  }
}

export function stopAll() {
  for (const es of streams.values()) es.close();
  streams.clear();
  polled.clear();
  known.clear();
}

/** @param {string} id */
function openStream(id) {
  const es = new EventSource(jobPath(id, '/events'));
  streams.set(id, es);
  /** @param {MessageEvent} e @returns {any} */
  const data = (e) => { try { return JSON.parse(e.data); } catch (x) { return null; } };
  es.addEventListener('status', e => {
    const job = data(e);
    if (!job) return;
    // completed: the server sends file_ready next and ends the stream; the others end it now.
    publish(job.status === 'completed' ? { ...job, file_pending: true } : job);
    if (TERMINAL.has(job.status) && job.status !== 'completed') closeStream(id);
  });
  es.addEventListener('progress', e => {
    const p = data(e);
    if (p) publish(p);
  });
  es.addEventListener('file_ready', e => {
    const f = data(e);
    if (f) publish({ ...f, status: 'completed', file_pending: false });
    closeStream(id);
  });
  es.addEventListener('deleted', () => {
    publish({ id, deleted: true });
    closeStream(id);
  });
  es.addEventListener('error', () => {
    const last = known.get(id);
    // EventSource reconnects by itself; a stream that ended after a terminal state must not be reopened.
    if (es.readyState === EventSource.CLOSED || (last && TERMINAL.has(last.status))) {
      closeStream(id);
      if (last && last.status === 'completed' && last.file_pending) publish({ id, file_pending: false });
      else if (!last || !TERMINAL.has(last.status)) { polled.add(id); schedulePoll(); }
    }
  });
}

/** @param {string} id */
function closeStream(id) {
  const es = streams.get(id);
  if (es) es.close();
  streams.delete(id);
  // Give a waiting job the free connection.
  for (const next of polled) {
    if (streams.size >= MAX_STREAMS) break;
    polled.delete(next);
    openStream(next);
  }
}

function schedulePoll() {
  if (pollTimer) return;
  pollTimer = setTimeout(async () => {
    pollTimer = null;
    for (const id of Array.from(polled)) {
      try {
        const job = await get(jobPath(id));
        publish(job);
        if (TERMINAL.has(job.status)) polled.delete(id);
      } catch (e) {
        if (e.status === 404 || e.status === 410) { polled.delete(id); publish({ id, deleted: true }); }
      }
    }
    if (polled.size) schedulePoll();
  }, POLL_MS);
}

// ---- deliveries: sent after the job ends, when its event stream is over

const DELIVERY_POLL_MAX_MS = 30000;
/** @type {Map<string, ReturnType<typeof setTimeout>>} */
const deliveryTimers = new Map();

/** @param {Job} job */
export function hasPendingDeliveries(job) {
  return (job.deliveries || []).some(d => d.status === 'pending');
}

/**
 * Follows an ended job's deliveries while any is pending: its event stream is over, but its webhooks, emails and
 * copies are sent after and retried for up to a day, so the job is read again and published, at the earliest
 * pending delivery's next attempt (at least every POLL_MS, at most every DELIVERY_POLL_MAX_MS: the browser's clock
 * may be off, and a delivery is sent a moment after it is due). No-op when nothing is pending or the job is already
 * followed; stopFollowingDeliveries ends it (leaving the page).
 * @param {Job} job
 */
export function followDeliveries(job) {
  if (!TERMINAL.has(job.status) || !hasPendingDeliveries(job) || deliveryTimers.has(job.id)) return;
  const id = job.id;
  /** @param {Job} j */
  const next = (j) => {
    const pending = (j.deliveries || []).filter(d => d.status === 'pending');
    if (!pending.length) { deliveryTimers.delete(id); return; }
    const due = Math.min(...pending.map(d => d.next_attempt_at ? Date.parse(d.next_attempt_at) : Date.now()));
    const wait = due - Date.now();
    // Overdue by a minute: no node is taking it (its log says why); looked at now and then only.
    const delay = wait < -60000 ? DELIVERY_POLL_MAX_MS : Math.min(DELIVERY_POLL_MAX_MS, Math.max(POLL_MS, wait + 500));
    deliveryTimers.set(id, setTimeout(async () => {
      if (!deliveryTimers.has(id)) return;
      try {
        const fresh = await get(jobPath(id));
        if (!deliveryTimers.has(id)) return;
        publish(fresh);
        next(fresh);
      } catch (e) {
        if (e.status === 404 || e.status === 410) { deliveryTimers.delete(id); publish({ id, deleted: true }); }
        else next(j);
      }
    }, delay));
  };
  next(job);
}

/** @param {string} id */
export function stopFollowingDeliveries(id) {
  const t = deliveryTimers.get(id);
  if (t) clearTimeout(t);
  deliveryTimers.delete(id);
}

// ---- jobs started from this browser: notification and optional automatic download

const MINE_KEY = 'freight.mine';

/** @returns {Record<string, Mine>} */
function mine() {
  try { return JSON.parse(sessionStorage.getItem(MINE_KEY) || '{}'); } catch (e) { return {}; }
}

/** @param {Record<string, Mine>} m */
function saveMine(m) {
  sessionStorage.setItem(MINE_KEY, JSON.stringify(m));
}

/**
 * A job started from this page: notify when it ends, and download its file then if autoDownload.
 * @param {Job} job
 * @param {boolean} autoDownload
 */
export function rememberMine(job, autoDownload) {
  const m = mine();
  m[job.id] = { auto: !!autoDownload, dataset: job.dataset, format: job.format };
  saveMine(m);
  watch(job);
}

/** Jobs started here but not seen to finish (e.g. the page was reloaded): follow them again. */
export function resumeMine() {
  for (const id of Object.keys(mine())) {
    get(jobPath(id)).then(watch).then(() => {
      const j = known.get(id);
      if (j && TERMINAL.has(j.status)) finished(j);
    }).catch(() => forget(id));
  }
}

/** @param {string} id */
function forget(id) {
  const m = mine();
  delete m[id];
  saveMine(m);
}

/** @param {LiveJob} job */
function finished(job) {
  const m = mine();
  const entry = m[job.id];
  if (!entry) return;
  if (job.status === 'completed' && job.file_pending) return;
  forget(job.id);
  const what = `${job.dataset || entry.dataset} · ${(job.format || entry.format || '').toUpperCase()}`;
  if (job.deleted) return;
  if (job.status === 'completed') {
    const url = jobPath(job.id, '/download');
    toast({ title: 'Export ready', text: `${what} — ${job.file_name || ''}`, kind: 'ok', timeout: 15000,
      actions: [{ label: 'Download', href: url, download: true }, { label: 'Details', href: `#/jobs/${job.id}` }] });
    if (entry.auto) startDownload(url);
    systemNotification('Export ready', `${what} is ready${entry.auto ? ' and downloading' : ''}.`);
  } else if (job.status === 'failed') {
    toast({ title: 'Export failed', text: `${what}: ${job.error_message || job.error_code || 'failed'}`, kind: 'error',
      timeout: 15000, actions: [{ label: 'Details', href: `#/jobs/${job.id}` }] });
    systemNotification('Export failed', `${what}: ${job.error_message || 'failed'}`);
  } else if (job.status === 'cancelled') {
    toast({ title: 'Export cancelled', text: what });
  }
}

/** @param {string} url */
export function startDownload(url) {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}

/** @param {string} title @param {string} body */
function systemNotification(title, body) {
  // Only when the user allowed it earlier (asked from the new-export dialog); the toast is the main signal.
  if (!('Notification' in window) || Notification.permission !== 'granted' || document.visibilityState === 'visible') return;
  try { new Notification(title, { body }); } catch (e) { /* some browsers need a service worker */ }
}

export function askNotificationPermission() {
  if ('Notification' in window && Notification.permission === 'default') {
    Notification.requestPermission().catch(() => {});
  }
}
