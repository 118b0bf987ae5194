// @ts-check
// Shared widgets: the page area, toasts, the confirmation dialog, status badges, progress bars and the clocks.
import { h, $, $$, clear, fmtInt, fmtDuration, fmtCountdown, fmtAgo } from './dom.js';

/** @typedef {import('./types.js').Job} Job */
/** @typedef {import('./types.js').JobStatus} JobStatus */
/**
 * A toast's button (onClick) or link (href).
 * @typedef {{ label: string, href?: string, download?: boolean, onClick?: () => void }} ToastAction
 */

export const STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled', 'expired'];
export const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'expired']);

// Toasts stack newest first. Only the newest few show (one on a phone, where each is clamped to two lines); the
// rest wait behind a "+N more" button, each until its own timeout. The same notice again is counted, not repeated.
const VISIBLE = 3;
const VISIBLE_NARROW = 1;
const KEPT = 20;
const narrow = window.matchMedia('(max-width: 720px)');
/** @type {{ box: HTMLElement, list: HTMLElement, more: HTMLButtonElement }|null} */
let parts = null;
/** @type {WeakMap<Element, ReturnType<typeof setTimeout>>} */
const toastTimers = new WeakMap();

/** Shows a view's page in place of the current one. @param {HTMLElement} page */
export function showPage(page) {
  clear($('#main')).append(page);
}

function toastParts() {
  if (parts && parts.box.isConnected) return parts;
  const box = $('#toasts');
  const list = h('div.toast-list');
  const more = h('button.toast-more', { type: 'button', hidden: true, onclick: () => {
    box.classList.toggle('expanded');
    layoutToasts();
  } });
  box.append(list, more);
  parts = { box, list, more };
  // Toasts leave by their close button, their timer, an action, or anything else that removes them: re-count then.
  new MutationObserver(layoutToasts).observe(list, { childList: true });
  narrow.addEventListener('change', layoutToasts);
  return parts;
}

function layoutToasts() {
  const { box, list, more } = toastParts();
  const toasts = /** @type {HTMLElement[]} */ (Array.from(list.children));
  const limit = narrow.matches ? VISIBLE_NARROW : VISIBLE;
  if (toasts.length <= limit) box.classList.remove('expanded');
  const expanded = box.classList.contains('expanded');
  toasts.forEach((t, i) => { t.hidden = !expanded && i >= limit; });
  more.hidden = toasts.length <= limit;
  more.textContent = expanded ? 'Show fewer' : `+${toasts.length - limit} more`;
  more.setAttribute('aria-expanded', String(expanded));
}

/**
 * A notice at the corner of the page; kind "ok", "error" or "info"; timeout in ms (0: until dismissed).
 * @param {{ title: string, text?: string, kind?: string, actions?: ToastAction[], timeout?: number }} notice
 * @returns {HTMLElement}
 */
export function toast({ title, text, kind = 'info', actions = [], timeout = 8000 }) {
  const { list } = toastParts();
  const key = JSON.stringify([kind, title, text || '', actions.map(a => [a.label, a.href || ''])]);
  const same = /** @type {HTMLElement[]} */ (Array.from(list.children)).find(t => t.dataset.key === key);
  if (same) {
    const count = Number(same.dataset.count) + 1;
    same.dataset.count = String(count);
    $('.toast-count', same).textContent = `×${count}`;
    list.prepend(same);
    restartTimer(same, timeout);
    return same;
  }
  const close = () => el.remove();
  const el = h('div.toast', { class: `toast-${kind}`, dataset: { key, count: '1' } },
    h('div.toast-body',
      h('div.toast-lines',
        h('strong.toast-title', title, h('span.toast-count')),
        text ? [' ', h('span.toast-text', text)] : null),
      actions.length ? h('div.toast-actions', actions.map(a => a.href
        ? h('a.btn.small', { href: a.href, download: a.download ? '' : null, onclick: () => setTimeout(close, 200) }, a.label)
        : h('button.btn.small', { type: 'button', onclick: () => { a.onClick(); close(); } }, a.label))) : null),
    h('button.toast-close', { type: 'button', 'aria-label': 'Dismiss', onclick: close }, '×'));
  list.prepend(el);
  while (list.children.length > KEPT) list.lastElementChild.remove();
  restartTimer(el, timeout);
  return el;
}

/** @param {HTMLElement} el @param {number} timeout */
function restartTimer(el, timeout) {
  clearTimeout(toastTimers.get(el));
  if (timeout) toastTimers.set(el, setTimeout(() => el.remove(), timeout));
}

/** @param {JobStatus} status */
export function badge(status) {
  return h('span.badge', { class: `st-${status}`, dataset: { status } }, status);
}

/**
 * A progress bar: determinate when the total is known, striped while running without one.
 * @param {Job} job
 */
export function progressBar(job) {
  const pct = job.progress === null || job.progress === undefined ? null : Math.round(job.progress * 1000) / 10;
  const bar = h('div.bar');
  const wrap = h('div.progress', {
    role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100',
    'aria-valuenow': pct === null ? null : String(pct),
    class: `st-${job.status}${pct === null && job.status === 'running' ? ' indeterminate' : ''}`,
  }, bar);
  bar.style.width = `${pct === null ? (job.status === 'running' ? 100 : 0) : pct}%`;
  return wrap;
}

/** @param {Job} job */
export function rowsText(job) {
  if (job.status === 'completed' || job.status === 'expired') return `${fmtInt(job.row_count ?? job.processed_rows)} rows`;
  if (job.total_rows !== null && job.total_rows !== undefined) {
    return `${fmtInt(job.processed_rows)} / ${fmtInt(job.total_rows)} rows`;
  }
  return `${fmtInt(job.processed_rows)} rows`;
}

/** @param {Job} job */
export function pctText(job) {
  if (job.progress === null || job.progress === undefined) return '';
  return `${Math.floor(job.progress * 100)}%`;
}

/**
 * How long a job ran, or has been running; null before it started or when it ended without a finish time.
 * @param {Job} job
 * @returns {number|null}
 */
export function durationMs(job) {
  if (!job.started_at) return null;
  const end = job.completed_at ? Date.parse(job.completed_at) : (TERMINAL.has(job.status) ? null : Date.now());
  return end === null ? null : end - Date.parse(job.started_at);
}

/** Once a second: countdowns, running durations and "x min ago". */
export function refreshClocks() {
  const now = Date.now();
  $$('[data-expires]').forEach(el => { el.textContent = fmtCountdown(el.dataset.expires, now); });
  $$('[data-since]').forEach(el => { el.textContent = fmtDuration(now - Date.parse(el.dataset.since)); });
  $$('[data-ago]').forEach(el => { el.textContent = fmtAgo(el.dataset.ago, now); });
}

/**
 * A modal yes/no question; resolves true when confirmed.
 * @param {{ title: string, text: string, confirm?: string, danger?: boolean }} question
 * @returns {Promise<boolean>}
 */
export function confirmDialog({ title, text, confirm = 'Confirm', danger = false }) {
  return new Promise(resolve => {
    const dlg = h('dialog.modal.confirm', { id: 'confirm-dialog' },
      h('form', { method: 'dialog' },
        h('h2', title),
        h('p', text),
        h('div.dialog-actions',
          h('button.btn', { type: 'submit', value: 'cancel', id: 'confirm-no' }, 'Keep'),
          h('button.btn', { type: 'submit', value: 'ok', id: 'confirm-yes', class: danger ? 'danger' : 'primary' }, confirm))));
    dlg.addEventListener('close', () => {
      resolve(dlg.returnValue === 'ok');
      dlg.remove();
    });
    document.body.append(dlg);
    dlg.showModal();
  });
}

/**
 * Shows a text (a signed link) that could not be put on the clipboard, ready to copy by hand.
 * @param {{ title: string, text: string, note?: string }} shown
 */
export function showText({ title, text, note }) {
  const input = h('input.mono', { type: 'text', readonly: true, value: text, id: 'shown-text' });
  const dlg = h('dialog.modal', { id: 'text-dialog' },
    h('form', { method: 'dialog' },
      h('h2', title),
      note ? h('p.muted', note) : null,
      input,
      h('div.dialog-actions', h('button.btn.primary', { type: 'submit' }, 'Done'))));
  dlg.addEventListener('close', () => dlg.remove());
  document.body.append(dlg);
  dlg.showModal();
  input.select();
}
