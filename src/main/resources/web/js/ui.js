// Shared widgets: toasts, the confirmation dialog, status badges and progress bars.
import { h, $, fmtInt } from './dom.js';

export const STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled', 'expired'];
export const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'expired']);

export function toast({ title, text, kind = 'info', actions = [], timeout = 8000 }) {
  const box = $('#toasts');
  const close = () => el.remove();
  const el = h('div.toast', { class: `toast-${kind}` },
    h('div.toast-body',
      h('strong.toast-title', title),
      text ? h('div.toast-text', text) : null,
      actions.length ? h('div.toast-actions', actions.map(a => a.href
        ? h('a.btn.small', { href: a.href, download: a.download ? '' : null, onclick: () => setTimeout(close, 200) }, a.label)
        : h('button.btn.small', { type: 'button', onclick: () => { a.onClick(); close(); } }, a.label))) : null),
    h('button.toast-close', { type: 'button', 'aria-label': 'Dismiss', onclick: close }, '×'));
  box.append(el);
  // A few at a time: a pile of old notices would cover the page.
  while (box.children.length > 3) box.firstElementChild.remove();
  if (timeout) setTimeout(close, timeout);
  return el;
}

export function badge(status) {
  return h('span.badge', { class: `st-${status}`, dataset: { status } }, status);
}

/** A progress bar: determinate when the total is known, striped while running without one. */
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

export function rowsText(job) {
  if (job.status === 'completed' || job.status === 'expired') return `${fmtInt(job.row_count ?? job.processed_rows)} rows`;
  if (job.total_rows !== null && job.total_rows !== undefined) {
    return `${fmtInt(job.processed_rows)} / ${fmtInt(job.total_rows)} rows`;
  }
  return `${fmtInt(job.processed_rows)} rows`;
}

export function pctText(job) {
  if (job.progress === null || job.progress === undefined) return '';
  return `${Math.floor(job.progress * 100)}%`;
}

/** A modal yes/no question; resolves true when confirmed. */
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

/** Shows a text (a signed link) that could not be put on the clipboard, ready to copy by hand. */
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
