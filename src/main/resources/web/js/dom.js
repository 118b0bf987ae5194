// @ts-check
// Small DOM helpers. Everything is built with createElement/textContent, never innerHTML: dataset values are
// arbitrary text (the demo data is full of markup-looking strings) and must never become markup.

/**
 * What h() and append() take as children: nested lists are flattened, null/undefined/false left out.
 * @typedef {Node|string|number|boolean|null|undefined|ChildList} Child
 */
/** @typedef {Array<Child>} ChildList */
/** @typedef {Record<string, unknown>} Attrs */
/**
 * The tag of a spec: 'input#api-key.wide' → 'input', '.toast' → ''.
 * @template {string} S
 * @typedef {S extends `${infer T}#${string}` ? TagOf<T> : S extends `${infer T}.${string}` ? T : S} TagOf
 */
/**
 * The element h(spec) makes: HTMLInputElement for 'input#x', HTMLElement (a div) for '.x'.
 * @template {string} S
 * @typedef {TagOf<S> extends keyof HTMLElementTagNameMap ? HTMLElementTagNameMap[TagOf<S>] : HTMLElement} ElementOf
 */

/**
 * h('tag.class#id', {attr: v, onclick: fn, dataset: {...}}, ...children); the attributes may be left out.
 * @template {string} S
 * @param {S} spec
 * @param {Attrs|Child} [attrs]
 * @param {...Child} children
 * @returns {ElementOf<S>}
 */
export function h(spec, attrs, ...children) {
  const m = /^([a-z0-9-]+)?((?:[.#][\w-]+)*)$/i.exec(spec);
  const el = /** @type {any} */ (document.createElement((m && m[1]) || 'div'));
  if (m && m[2]) {
    for (const part of m[2].match(/[.#][\w-]+/g)) {
      if (part[0] === '.') el.classList.add(part.slice(1));
      else el.id = part.slice(1);
    }
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'class') el.className = [el.className, v].filter(Boolean).join(' ');
    else if (k in el && typeof v !== 'string') el[k] = v;
    else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/**
 * @template {Element} E
 * @param {E} el
 * @param {Child[]} children
 * @returns {E}
 */
export function append(el, children) {
  for (const c of /** @type {unknown[]} */ (children).flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/**
 * @template {Node} N
 * @param {N} el
 * @returns {N}
 */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/**
 * The first element matching a selector, or null.
 * @param {string} sel
 * @param {ParentNode} [root]
 * @returns {HTMLElement|null}
 */
export const $ = (sel, root = document) => root.querySelector(sel);
/**
 * @param {string} sel
 * @param {ParentNode} [root]
 * @returns {HTMLElement[]}
 */
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

const intFmt = new Intl.NumberFormat('en-US');
/** @param {number|null|undefined} n */
export function fmtInt(n) {
  return n === null || n === undefined ? '—' : intFmt.format(n);
}

/** @param {number|null|undefined} n */
export function fmtBytes(n) {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024, i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** @param {number|null|undefined} ms */
export function fmtDuration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/**
 * "in 23h 59m", "in 4m 10s", "expired"
 * @param {string|null|undefined} iso
 * @param {number} [now]
 */
export function fmtCountdown(iso, now = Date.now()) {
  if (!iso) return '—';
  const left = Date.parse(iso) - now;
  if (left <= 0) return 'expired';
  const s = Math.floor(left / 1000);
  if (s < 60) return `in ${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `in ${m}m ${String(s % 60).padStart(2, '0')}s`;
  const hh = Math.floor(m / 60);
  if (hh < 48) return `in ${hh}h ${String(m % 60).padStart(2, '0')}m`;
  return `in ${Math.floor(hh / 24)}d ${hh % 24}h`;
}

/** @param {string|null|undefined} iso @param {number} [now] */
export function fmtAgo(iso, now = Date.now()) {
  if (!iso) return '—';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const hh = Math.floor(m / 60);
  if (hh < 24) return `${hh} h ago`;
  return new Date(iso).toLocaleDateString();
}

/** @param {string|null|undefined} iso */
export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** A value of a dataset row as text for a table cell. @param {unknown} v */
export function cellText(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function randomId() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, x => x.toString(16).padStart(2, '0')).join('');
}
