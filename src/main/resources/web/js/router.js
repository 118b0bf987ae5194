// @ts-check
// Hash routes: #/exports, #/jobs/<id>, #/datasets[/<name>], #/reports[/<name>[/<widget>]], #/schedules. One view at a time: leaving it stops what it follows.
import { $$ } from './dom.js';
import { currentSession } from './session.js';
import { enterHistoryEntry, restoreScroll, startScrollMemory } from './scroll.js';
import { showExports } from './views/exports.js';
import { showJob } from './views/job.js';
import { showDatasets } from './views/datasets.js';
import { showReports } from './views/reports.js';
import { showSchedules } from './views/schedules.js';

/** @typedef {import('./types.js').ViewContext} ViewContext */

/** @type {(() => void)|null} */
let leave = null;
let routes = 0;

export function startRouter() {
  startScrollMemory();
  window.addEventListener('hashchange', route);
}

/** After sign-in: the page the address names, or the exports list. */
export function enter() {
  if (!location.hash || location.hash === '#/' || location.hash === '#/signin') location.hash = '#/exports';
  else route();
}

function route() {
  if (!currentSession()) return;
  if (leave) { leave(); leave = null; }
  const hash = location.hash.replace(/^#\/?/, '');
  const [page, ...rest] = hash.split('/');
  const arg = rest.length ? decodeURIComponent(rest.join('/')) : null;
  $$('[data-nav]').forEach(a => a.classList.toggle('active', a.dataset.nav === (page === 'jobs' ? 'exports' : page)));
  const { revisit, y } = enterHistoryEntry();
  const current = ++routes;
  const stillShown = () => current === routes;
  /** @type {ViewContext} */
  const view = { onLeave: (stop) => { if (stillShown()) leave = stop; else stop(); } };
  window.scrollTo(0, 0);
  let shown;
  if (page === 'jobs' && arg) shown = showJob(arg, view);
  else if (page === 'datasets') shown = showDatasets(arg, view);
  else if (page === 'reports') shown = showReports(arg, view);
  else if (page === 'schedules') shown = showSchedules(view);
  else shown = showExports(view);
  if (revisit && y > 0) restoreScroll(y, shown, stillShown);
}
