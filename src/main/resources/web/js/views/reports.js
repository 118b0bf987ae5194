// @ts-check
// Reports (#/reports, #/reports/<name>, #/reports/<name>/<widget>): the configured reports the role may see, one
// report's widgets in their 12-column grid, or one widget alone. Each widget's data is its export request posted
// as the signed-in user (format json, delivery sync), so permissions, masks and row filters apply as to any export.
// When every widget has its data and has painted, document.body.dataset.ready is "true" (a failed one: "error",
// with data-failed naming it): what a renderer waits for instead of a fixed sleep.
import { get, post } from '../api.js';
import { h, clear } from '../dom.js';
import { showPage, toast } from '../ui.js';
import { drawWidget } from '../charts.js';
import { rememberMine } from '../jobs.js';

/** @typedef {import('../types.js').ViewContext} ViewContext */

/**
 * @param {string|null} arg null, "<report>" or "<report>/<widget>"
 * @param {ViewContext} view
 */
export async function showReports(arg, view) {
  delete document.body.dataset.ready;
  delete document.body.dataset.failed;
  let left = false;
  view.onLeave(() => { left = true; delete document.body.dataset.ready; });
  const page = h('section.page.reports-page', h('p.loading', 'Loading…'));
  showPage(page);
  if (!arg) return reportList(page);
  const [name, widgetName] = arg.split('/');
  let report;
  try {
    report = await get(`export/reports/${encodeURIComponent(name)}`);
  } catch (e) {
    clear(page).append(h('div.toolbar', h('h1', 'Report')), h('p.field-error', e.message),
      h('p', h('a', { href: '#/reports' }, 'All reports')));
    return;
  }
  if (left) return;
  const widgets = widgetName ? report.widgets.filter(w => w.name === widgetName) : report.widgets;
  const title = widgetName ? `${report.title} · ${widgets.length ? widgets[0].title : widgetName}` : report.title;
  const grid = h('div.report-grid', { dataset: { report: report.name } });
  clear(page).append(h('div.toolbar', h('h1', title), h('div.spacer'),
    pictureButton(report.name, widgetName, 'png', 'PNG'), pictureButton(report.name, widgetName, 'pdf_visual', 'PDF'),
    widgetName ? h('a.btn.small', { href: `#/reports/${encodeURIComponent(report.name)}` }, 'Whole report')
      : h('a.btn.small.ghost', { href: '#/reports' }, 'All reports')), grid);
  if (!widgets.length) {
    grid.append(h('p.field-error', `This report has no widget “${widgetName}”.`));
    document.body.dataset.ready = 'true';
    return;
  }
  const shown = widgets.map(w => {
    const body = h('div.widget-body', { dataset: { ready: 'false' } });
    const card = h('section.card.widget', { dataset: { widget: w.name, type: w.type } },
      h('header.widget-head', h('h2', w.title), h('div.spacer'),
        widgetName ? null : h('a.small', { href: `#/reports/${encodeURIComponent(report.name)}/${encodeURIComponent(w.name)}`,
          'aria-label': `Open ${w.title} alone` }, 'Open')),
      body);
    if (!widgetName) {
      // Placed with the CSSOM: the Content-Security-Policy refuses style attributes, not style properties.
      card.style.gridColumn = `${w.position.x + 1} / span ${w.size.w}`;
      card.style.gridRow = `${w.position.y + 1} / span ${w.size.h}`;
    } else {
      card.classList.add('widget-alone');
    }
    grid.append(card);
    return { w, card, body };
  });
  const results = await Promise.allSettled(shown.map(async ({ w, body }) => {
    try {
      const rows = await post('export/jobs', w.request);
      if (left) return;
      const series = w.request.series || {};
      await drawWidget(body, { type: w.type, chart: w.chart, group_by: series.group_by || [] }, Array.isArray(rows) ? rows : []);
    } catch (e) {
      clear(body).append(h('p.field-error', e.message));
      body.dataset.ready = 'error';
      throw e;
    }
  }));
  if (left) return;
  const failed = shown.filter((_, i) => results[i].status === 'rejected').map(s => s.w.name);
  if (failed.length) document.body.dataset.failed = failed.join(',');
  document.body.dataset.ready = failed.length ? 'error' : 'true';
}

/**
 * Exports the report (or the widget shown alone) as a picture: a job drawn by the server's browser, downloaded when
 * it is ready, like any export started from the page.
 * @param {string} report @param {string|undefined} widget @param {string} format png or pdf_visual @param {string} label
 */
function pictureButton(report, widget, format, label) {
  const button = h('button.btn.small.ghost', { type: 'button', dataset: { picture: format },
    'aria-label': `Export as ${label}` }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const body = { report, format, delivery: 'async' };
      if (widget) body.widget = widget;
      const job = await post('export/jobs', body);
      const what = `report ${report}${widget ? ` · ${widget}` : ''}`;
      rememberMine({ ...job, dataset: what }, true);
      toast({ title: 'Picture queued', text: `${what} · ${label} — it downloads when it is ready.`, kind: 'ok',
        timeout: 5000, actions: [{ label: 'Details', href: `#/jobs/${job.id}` }] });
    } catch (e) {
      toast({ title: `${label} refused`, text: e.message, kind: 'error' });
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** @param {HTMLElement} page */
async function reportList(page) {
  let list;
  try {
    list = (await get('export/reports')).reports;
  } catch (e) {
    clear(page).append(h('p.field-error', e.message));
    return;
  }
  clear(page).append(h('div.toolbar', h('h1', 'Reports')),
    list.length ? h('ul.report-list', list.map(r => h('li.card', h('a', { href: `#/reports/${encodeURIComponent(r.name)}` },
      h('strong', r.title)), h('span.muted.small', ` ${r.name} · ${r.widget_count} widget${r.widget_count === 1 ? '' : 's'}`))))
      : h('p.muted', 'No reports: none are configured, or none use only data your role may see.'));
  document.body.dataset.ready = 'true';
}
