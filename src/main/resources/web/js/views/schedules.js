// @ts-check
// Scheduled exports (#/schedules): the caller's schedules (an admin's: everyone's) with their next run and last
// result, kept live; pause, resume, run now, edit and delete; and a create/edit dialog whose cron helper shows the next five
// runs in the chosen time zone while one types (GET /export/schedules/preview).
import { api, get, post, del } from '../api.js';
import { h, clear, append, fmtTime } from '../dom.js';
import { showPage, toast, badge, confirmDialog, TERMINAL } from '../ui.js';

/** @typedef {import('../types.js').ViewContext} ViewContext */
/** @typedef {import('../types.js').Schedule} Schedule */
/** @typedef {import('../types.js').Dataset} Dataset */
/** @typedef {import('../types.js').Format} Format */

const PATH = 'export/schedules';
const LIVE_MIN_MS = 2000;
const LIVE_MAX_MS = 30000;

/**
 * A run's time in the schedule's zone, and in the browser's when that differs.
 * @param {string} iso
 * @param {string} zone
 */
function inZone(iso, zone) {
  const { there, here } = zoned(iso, zone);
  return here ? `${there} ${zone} (${here} here)` : there;
}

/**
 * A run's time as the schedule's zone reads it, and as the browser's does (null when they are the same zone).
 * @param {string} iso
 * @param {string} zone
 * @returns {{ there: string, here: string|null }}
 */
function zoned(iso, zone) {
  const options = /** @type {Intl.DateTimeFormatOptions} */ ({ weekday: 'short', year: 'numeric', month: 'short', day: 'numeric',
    hour: '2-digit', minute: '2-digit' });
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    const there = new Date(iso).toLocaleString(undefined, { ...options, timeZone: zone || 'UTC' });
    return { there, here: zone && zone !== local ? fmtTime(iso) : null };
  } catch (e) {
    return { there: fmtTime(iso), here: null };
  }
}

/** What a schedule exports: a dataset, or a report's (or one widget's) picture. @param {Record<string, any>} r */
function exportOf(r) {
  const what = r.dataset || (r.report ? `report ${r.report}${r.widget ? ` / ${r.widget}` : ''}` : '?');
  return `${what} → ${r.format || 'csv'}`;
}

/** @param {string} iso @param {string} zone */
function nextRun(iso, zone) {
  const { there, here } = zoned(iso, zone);
  return here ? [there, h('br'), h('span.muted.small', `${here} here`)] : there;
}

/** @param {ViewContext} view */
export async function showSchedules(view) {
  let left = false;
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  let timer;
  view.onLeave(() => { left = true; clearTimeout(timer); });
  const tbody = h('tbody');
  const empty = h('p.muted', { hidden: true, id: 'schedules-empty' }, 'No schedules yet.');
  const page = h('section.page.schedules-page',
    h('div.toolbar', h('h1', 'Schedules'), h('div.spacer'),
      h('button.btn.primary', { type: 'button', id: 'new-schedule', onclick: () => editDialog(null, reload) }, 'New schedule')),
    h('div.table-wrap', h('table.schedules',
      h('thead', h('tr', h('th', 'Name'), h('th', 'When'), h('th', 'Export'), h('th', 'Next run'), h('th', 'Last result'),
        h('th', 'Owner'), h('th', ''))),
      tbody)),
    empty);
  showPage(page);

  async function reload() {
    /** @type {{ schedules: Schedule[] }} */
    let res;
    try {
      res = await get(PATH);
    } catch (e) {
      clear(tbody).append(h('tr', h('td', { colspan: 7 }, h('p.field-error', e.message))));
      return;
    }
    if (left) return;
    clear(tbody).append(...res.schedules.map(s => row(s, reload)));
    empty.hidden = res.schedules.length > 0;
    page.dataset.loaded = 'true';
    refreshLater(res.schedules);
  }

  /**
   * Keeps Next run and Last result live: ticks fire and their jobs run while the page is open. Looked at again
   * every LIVE_MIN_MS while a last run is unfinished, else just after the next tick (at most every LIVE_MAX_MS:
   * the browser's clock may be off). Only those two cells change, so a button is never replaced under the pointer;
   * the actions reload the whole list.
   * @param {Schedule[]} list
   */
  function refreshLater(list) {
    clearTimeout(timer);
    const unfinished = list.some(s => s.last_job_id && s.last_status && !TERMINAL.has(s.last_status));
    const ticks = list.filter(s => !s.paused && s.next_run_at).map(s => Date.parse(/** @type {string} */ (s.next_run_at)));
    if (!unfinished && !ticks.length) return;
    const wait = ticks.length ? Math.min(...ticks) - Date.now() + 1000 : LIVE_MAX_MS;
    timer = setTimeout(refresh, unfinished ? LIVE_MIN_MS : Math.min(LIVE_MAX_MS, Math.max(LIVE_MIN_MS, wait)));
  }

  async function refresh() {
    /** @type {{ schedules: Schedule[] }} */
    let res;
    try {
      res = await get(PATH);
    } catch (e) {
      if (!left) timer = setTimeout(refresh, LIVE_MAX_MS);
      return;
    }
    if (left) return;
    for (const s of res.schedules) {
      const tr = tbody.querySelector(`tr[data-schedule="${CSS.escape(s.id)}"]`);
      if (!tr) continue;
      const next = tr.querySelector('td.next-run');
      const last = tr.querySelector('td.last-result');
      if (next) append(clear(next), [nextRunCell(s)]);
      if (last) append(clear(last), [lastResult(s)]);
    }
    refreshLater(res.schedules);
  }
  await reload();
}

/** @param {Schedule} s */
function nextRunCell(s) {
  return s.next_run_at ? nextRun(s.next_run_at, s.time_zone) : '—';
}

/** @param {Schedule} s */
function lastResult(s) {
  return s.last_error
    ? h('span.field-error', { title: s.last_error }, 'refused: ', s.last_error)
    : s.last_job_id
      ? h('a', { href: `#/jobs/${encodeURIComponent(s.last_job_id)}` }, s.last_status ? badge(s.last_status) : 'job', ' ',
        h('span.muted', fmtTime(s.last_run_at)))
      : h('span.muted', 'not run yet');
}

/**
 * @param {Schedule} s
 * @param {() => Promise<void>} reload
 */
function row(s, reload) {
  const path = `${PATH}/${encodeURIComponent(s.id)}`;
  /** @param {string} what @param {() => Promise<unknown>} action */
  const act = (what, action) => async () => {
    try {
      await action();
      await reload();
    } catch (e) {
      toast({ title: `Could not ${what} “${s.name}”`, text: e.message, kind: 'error' });
    }
  };
  return h('tr', { dataset: { schedule: s.id, name: s.name } },
    h('td', { dataset: { label: 'Name' } }, h('strong', s.name), s.paused ? h('span.chip.small', 'paused') : null),
    h('td', { dataset: { label: 'When' } }, h('code', s.cron), ' ', h('span.muted', s.time_zone)),
    h('td', { dataset: { label: 'Export' } }, exportOf(s.request),
      s.deliveries.length ? h('span.chip.small', `${s.deliveries.length} deliver${s.deliveries.length > 1 ? 'ies' : 'y'}`) : null,
      s.condition ? h('span.chip.small', `when ${s.condition}`) : null),
    // In the schedule's own zone, as its cron reads; the browser's time beside it when that zone is another.
    h('td.next-run', { dataset: { label: 'Next run' } }, nextRunCell(s)),
    h('td.last-result', { dataset: { label: 'Last result' } }, lastResult(s)),
    h('td', { dataset: { label: 'Owner' } }, s.owner),
    h('td', h('div.btn-row',
      s.paused
        ? h('button.btn.small', { type: 'button', dataset: { action: 'resume' }, onclick: act('resume', () => post(`${path}/resume`)) }, 'Resume')
        : h('button.btn.small', { type: 'button', dataset: { action: 'pause' }, onclick: act('pause', () => post(`${path}/pause`)) }, 'Pause'),
      h('button.btn.small', { type: 'button', dataset: { action: 'run' }, onclick: act('run', async () => {
        const job = await post(`${path}/run`);
        toast({ title: `“${s.name}” is running`, kind: 'ok', actions: [{ label: 'Open job', href: `#/jobs/${job.id}` }] });
      }) }, 'Run now'),
      h('button.btn.small', { type: 'button', dataset: { action: 'edit' }, onclick: () => editDialog(s, reload) }, 'Edit'),
      h('button.btn.small.danger-text', { type: 'button', dataset: { action: 'delete' }, onclick: async () => {
        if (await confirmDialog({ title: 'Delete schedule', text: `Delete “${s.name}”? Its past jobs stay.`, confirm: 'Delete', danger: true })) {
          await act('delete', () => del(path))();
        }
      } }, 'Delete'))));
}

/**
 * The create/edit dialog. The request is built from dataset, format and filters (JSON, as the API takes them).
 * @param {Schedule|null} s null: a new schedule
 * @param {() => Promise<void>} reload
 */
async function editDialog(s, reload) {
  /** @type {[{ datasets: Dataset[] }, { formats: Format[] }]} */
  let catalog;
  try {
    catalog = await Promise.all([get('export/tables'), get('export/formats')]);
  } catch (e) {
    toast({ title: 'Could not load the datasets', text: e.message, kind: 'error' });
    return;
  }
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const name = h('input#sc-name', { type: 'text', required: true, value: s ? s.name : '', autocomplete: 'off' });
  const dataset = h('select#sc-dataset', catalog[0].datasets.map(d =>
    h('option', { value: d.name, selected: s ? s.request.dataset === d.name : false }, d.name)));
  const format = h('select#sc-format', catalog[1].formats.map(f =>
    h('option', { value: f.id, selected: s ? s.request.format === f.id : f.id === 'csv' }, f.id)));
  const filters = h('textarea#sc-filters.mono', { rows: 2, placeholder: '[{"column": "status", "op": "eq", "value": "paid"}]' });
  filters.value = s && s.request.filters.length ? JSON.stringify(s.request.filters) : '';
  const cron = h('input#sc-cron.mono', { type: 'text', required: true, value: s ? s.cron : '0 8 * * MON', autocomplete: 'off' });
  const timeZone = h('input#sc-zone', { type: 'text', value: s ? s.time_zone : zone, autocomplete: 'off' });
  const catchUp = h('select#sc-catch-up', ['last', 'none'].map(v =>
    h('option', { value: v, selected: s ? s.catch_up === v : v === 'last' }, v === 'last' ? 'Run the newest missed tick' : 'Skip missed ticks')));
  const email = h('input#sc-email', { type: 'text', placeholder: 'ops@example.com, …',
    value: s ? s.deliveries.filter(d => d.type === 'email').flatMap(d => d.to || []).join(', ') : '' });
  const webhook = h('input#sc-webhook', { type: 'url', placeholder: 'https://hooks.example.com/freight',
    value: s ? (s.deliveries.find(d => d.type === 'webhook') || {}).url || '' : '' });
  const condition = h('input#sc-condition.mono', { type: 'text', placeholder: 'rows > 0', value: s && s.condition ? s.condition : '' });
  const preview = h('ol#sc-next-runs.next-runs', { 'aria-live': 'polite' });
  const error = h('p.field-error#sc-error');
  /** @param {string} id @param {string} label @param {HTMLElement} input @param {string} [hint] */
  const field = (id, label, input, hint) => h('div.field', h('label', { for: id }, label), input, hint ? h('p.muted.small', hint) : null);

  let previewSeq = 0;
  let timer = /** @type {ReturnType<typeof setTimeout>|undefined} */ (undefined);
  async function showNextRuns() {
    const seq = ++previewSeq;
    try {
      const res = await get(`${PATH}/preview?cron=${encodeURIComponent(cron.value)}&time_zone=${encodeURIComponent(timeZone.value)}`);
      if (seq !== previewSeq) return;
      clear(preview).append(...res.next_runs.map((/** @type {string} */ t) => h('li', inZone(t, timeZone.value))));
      preview.dataset.state = 'ok';
      cron.setCustomValidity('');
    } catch (e) {
      if (seq !== previewSeq) return;
      clear(preview).append(h('li.field-error', e.message));
      preview.dataset.state = 'error';
    }
  }
  const later = () => { clearTimeout(timer); timer = setTimeout(showNextRuns, 250); };
  cron.addEventListener('input', later);
  timeZone.addEventListener('input', later);

  const dlg = h('dialog.modal', { id: 'schedule-dialog' },
    h('form', { method: 'dialog', novalidate: true },
      h('h2', s ? `Edit “${s.name}”` : 'New schedule'),
      field('sc-name', 'Name', name),
      field('sc-dataset', 'Dataset', dataset),
      field('sc-format', 'Format', format),
      field('sc-filters', 'Filters (JSON, optional)', filters),
      field('sc-cron', 'Cron', cron, 'minute hour day-of-month month weekday, e.g. 0 8 * * MON'),
      field('sc-zone', 'Time zone', timeZone),
      h('div.field', h('span', 'Next runs'), preview),
      field('sc-catch-up', 'After downtime', catchUp),
      field('sc-email', 'Email to', email),
      field('sc-webhook', 'Webhook', webhook),
      field('sc-condition', 'Only when', condition, 'e.g. rows > 0; empty: always'),
      error,
      h('div.dialog-actions',
        h('button.btn', { type: 'submit', value: 'cancel' }, 'Cancel'),
        h('button.btn.primary#sc-save', { type: 'button', onclick: save }, s ? 'Save' : 'Create'))));
  dlg.addEventListener('close', () => dlg.remove());
  document.body.append(dlg);
  dlg.showModal();
  showNextRuns();

  async function save() {
    /** @type {Record<string, unknown>} */
    const request = { dataset: dataset.value, format: format.value };
    if (filters.value.trim()) {
      try {
        request.filters = JSON.parse(filters.value);
      } catch (e) {
        error.textContent = 'Filters must be JSON: a list of {"column", "op", "value"}.';
        return;
      }
    }
    /** @type {Record<string, unknown>[]} */
    const deliveries = [];
    const to = email.value.split(',').map(a => a.trim()).filter(Boolean);
    if (to.length) deliveries.push({ type: 'email', to });
    if (webhook.value.trim()) deliveries.push({ type: 'webhook', url: webhook.value.trim() });
    /** @type {Record<string, unknown>} */
    const body = { name: name.value, cron: cron.value, time_zone: timeZone.value, catch_up: catchUp.value, request,
      paused: s ? s.paused : false };
    if (deliveries.length) body.deliveries = deliveries;
    if (condition.value.trim()) body.condition = condition.value.trim();
    try {
      if (s) await api('PUT', `${PATH}/${encodeURIComponent(s.id)}`, body);
      else await post(PATH, body);
    } catch (e) {
      error.textContent = e.field ? `${e.field}: ${e.message}` : e.message;
      return;
    }
    dlg.close();
    toast({ title: s ? `Saved “${name.value}”` : `Created “${name.value}”`, kind: 'ok' });
    await reload();
  }
}
