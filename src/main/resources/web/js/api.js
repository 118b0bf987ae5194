// @ts-check
// The API client: same-origin fetch with the session cookie, the CSRF token on every state-changing request,
// problem+json turned into ApiError (with the request field at fault, e.g. "filters[1].value").

/** @typedef {import('./types.js').Problem} Problem */

export const API = '/api/v1';
/** @type {string|null} */
let csrfToken = null;

/** @param {string|null} token the session's, sent as X-CSRF-Token; null when signed out */
export function setCsrf(token) {
  csrfToken = token || null;
}

/** An answer other than 2xx, or none at all (status 0): the problem's detail is the message. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {Problem|null} problem
   */
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.code = this.problem.code || null;
    this.field = this.problem.field || null;
  }
}

/**
 * Raw fetch: returns the Response whatever its status (callers that stream bodies need it).
 * @param {string} method
 * @param {string} path absolute, or relative to /api/v1
 * @param {unknown} [body] sent as JSON
 * @param {Record<string, string>} [headers]
 * @returns {Promise<Response>}
 */
export async function request(method, path, body, headers = {}) {
  /** @type {Record<string, string>} */
  const h = { Accept: 'application/json', ...headers };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) h['X-CSRF-Token'] = csrfToken;
  /** @type {RequestInit} */
  const init = { method, headers: h, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path.startsWith('/') ? path : `${API}/${path}`, init);
  } catch (e) {
    throw new ApiError(0, { code: 'network', detail: 'The server cannot be reached.' });
  }
  if (res.status === 401 && !path.endsWith('/session')) {
    window.dispatchEvent(new CustomEvent('freight:unauthorized'));
  }
  return res;
}

/**
 * The problem+json of a refused request as an ApiError.
 * @param {Response} res
 * @returns {Promise<ApiError>}
 */
export async function problemOf(res) {
  /** @type {Problem|null} */
  let problem = null;
  try {
    const text = await res.text();
    problem = text ? JSON.parse(text) : null;
  } catch (e) {
    problem = null;
  }
  return new ApiError(res.status, problem);
}

/**
 * JSON in, JSON out; throws ApiError for every non-2xx answer.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {Record<string, string>} [headers]
 * @returns {Promise<any>}
 */
export async function api(method, path, body, headers) {
  const res = await request(method, path, body, headers);
  if (!res.ok) throw await problemOf(res);
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** @param {string} path */
export const get = (path) => api('GET', path);
/** @param {string} path @param {unknown} [body] @param {Record<string, string>} [headers] */
export const post = (path, body, headers) => api('POST', path, body, headers);
/** @param {string} path */
export const del = (path) => api('DELETE', path);

/** @param {string} id @param {string} [suffix] "/download", "/events", ... */
export function jobPath(id, suffix = '') {
  return `${API}/export/jobs/${encodeURIComponent(id)}${suffix}`;
}

/**
 * The file name of a Content-Disposition header (RFC 6266: filename* wins).
 * @param {string|null} header
 * @returns {string|null}
 */
export function dispositionName(header) {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try { return decodeURIComponent(star[1].trim()); } catch (e) { /* fall through */ }
  }
  const plain = /filename\s*=\s*"((?:[^"\\]|\\.)*)"|filename\s*=\s*([^;]+)/.exec(header);
  if (plain) return (plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : plain[2].trim());
  return null;
}
