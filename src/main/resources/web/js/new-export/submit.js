// @ts-check
// Sending the new export: POST /export/jobs with an Idempotency-Key. A queued job is followed by jobs.js; a sync
// export is the response body itself, read with progress and saved as a file.
import { API, request, problemOf, dispositionName } from '../api.js';
import { h, clear, fmtBytes, randomId } from '../dom.js';
import { toast } from '../ui.js';
import { rememberMine } from '../jobs.js';
import { hasColumns } from './form-state.js';

/** @typedef {import('../types.js').Job} Job */
/** @typedef {import('./form-state.js').FormState} FormState */
/** @typedef {ReturnType<typeof import('./field-errors.js').fieldErrors>} FieldErrors */
/**
 * @typedef {object} SubmitParts
 * @property {FormState} st
 * @property {HTMLFormElement} form carries data-last-submit="refused" after a refusal
 * @property {HTMLButtonElement} button
 * @property {HTMLElement} progress where a sync download shows its progress
 * @property {() => object} build
 * @property {FieldErrors} errors
 * @property {() => boolean} autoDownload whether to download the job's file when it is ready
 * @property {() => void} close
 * @property {(job: Job) => void} onCreated
 */

/**
 * Returns submit(): sends the form once (a second click while it is on its way does nothing).
 * @param {SubmitParts} parts
 */
export function submitter({ st, form, button, progress, build, errors, autoDownload, close, onCreated }) {
  /** After a refusal the next submit is another request, with another key. @param {import('./field-errors.js').FieldError} err */
  function refused(err) {
    st.idempotencyKey = randomId();
    form.dataset.lastSubmit = 'refused';
    errors.show(err);
  }

  /** @param {boolean} busy */
  function setBusy(busy) {
    st.busy = busy;
    button.disabled = busy;
    button.textContent = busy ? 'Exporting…' : 'Export';
  }

  return async function submit() {
    if (st.busy) return;
    errors.clear();
    if (!st.ds) { errors.show({ field: 'dataset', message: 'Choose a dataset.' }); return; }
    if (!hasColumns(st)) { errors.show({ field: 'columns', message: 'Choose at least one column.' }); return; }
    const body = build();
    delete form.dataset.lastSubmit;
    st.estimateSeq++;
    setBusy(true);
    try {
      const res = await request('POST', `${API}/export/jobs`, body, { 'Idempotency-Key': st.idempotencyKey });
      if (!res.ok) {
        refused(await problemOf(res));
        return;
      }
      if (res.headers.get('Content-Disposition')) {
        await saveSyncFile(res, progress);
        close();
        return;
      }
      /** @type {Job} */
      const job = await res.json();
      rememberMine(job, autoDownload());
      toast({ title: 'Export queued', text: `${job.dataset} · ${job.format.toUpperCase()} — you will be notified when it is ready.`,
        kind: 'ok', timeout: 5000, actions: [{ label: 'Details', href: `#/jobs/${job.id}` }] });
      close();
      onCreated(job);
    } catch (e) {
      refused(e);
    } finally {
      setBusy(false);
    }
  };
}

/**
 * A sync export: the file is the response body, read with progress and saved as a blob.
 * @param {Response} res
 * @param {HTMLElement} progress
 */
async function saveSyncFile(res, progress) {
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
