// @ts-check
// The internal render page (served by the renderer's own loopback listener, never by the API): reads its layout
// and each widget's rows with the render token of its URL, draws them with the same widgets as the report page,
// and sets document.body.dataset.ready to "true" once every widget has painted ("error" when one failed, the
// widget's body then saying why). The renderer captures the page when it reads that signal.
import { h, clear } from './dom.js';
import { drawWidget } from './charts.js';

const token = new URLSearchParams(location.search).get('token') || '';
// Single use anyway; kept out of anything the page might show or send on.
history.replaceState(null, '', location.pathname);

/** @param {string} path */
async function fetchJson(path) {
  const res = await fetch(path, { headers: { 'X-Render-Token': token }, cache: 'no-store' });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error((body && body.detail) || `HTTP ${res.status}`);
  return body;
}

async function main() {
  const page = /** @type {HTMLElement} */ (document.getElementById('page'));
  let spec;
  try {
    spec = await fetchJson('/render/spec');
  } catch (e) {
    document.body.dataset.error = String(e.message);
    document.body.dataset.ready = 'error';
    return;
  }
  const pdf = spec.format === 'pdf_visual';
  document.body.classList.add(`theme-${spec.theme}`, pdf ? 'print' : 'screen');
  document.documentElement.style.setProperty('--pad', `${spec.padding}px`);
  // The document's title is a PDF's Title (shown by viewers in place of the file name), not "Freight render".
  document.title = spec.title;
  const head = h('header.render-head', h('h1', spec.title), h('span.generated', `Generated ${spec.generated_at}`));
  const grid = h('div.render-grid');
  page.append(head, grid);
  const gap = 12;
  const rows = Math.max(1, ...spec.widgets.map(w => w.position.y + w.size.h));
  if (pdf) {
    grid.style.gridAutoRows = spec.widgets.length === 1 ? '460px' : '64px';
  } else {
    // A PNG is the viewport: the grid's rows share the height left under the title.
    const free = window.innerHeight - 2 * spec.padding - head.offsetHeight - gap;
    grid.style.gridAutoRows = `${Math.max(24, Math.floor((free - (rows - 1) * gap) / rows))}px`;
  }
  const shown = spec.widgets.map(w => {
    const body = h('div.widget-body', { dataset: { ready: 'false' } });
    const card = h('section.widget', { dataset: { widget: w.name, type: w.type } },
      spec.single ? null : h('header.widget-head', h('h2', w.title)), body);
    card.style.gridColumn = `${w.position.x + 1} / span ${w.size.w}`;
    card.style.gridRow = `${w.position.y + 1} / span ${w.size.h}`;
    grid.append(card);
    return { w, body };
  });
  const results = await Promise.allSettled(shown.map(async ({ w, body }) => {
    try {
      const data = await fetchJson(`/render/data/${encodeURIComponent(w.name)}`);
      await drawWidget(body, { type: w.type, chart: w.chart, group_by: w.group_by, theme: spec.theme, still: true },
        Array.isArray(data) ? data : []);
    } catch (e) {
      clear(body).append(h('p.field-error', e.message));
      body.dataset.ready = 'error';
      throw e;
    }
  }));
  const failed = shown.filter((_, i) => results[i].status === 'rejected').map(s => s.w.name);
  if (failed.length) document.body.dataset.failed = failed.join(',');
  document.body.dataset.ready = failed.length ? 'error' : 'true';
}

main();
