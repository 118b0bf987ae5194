// The API client: same-origin fetch with the session cookie, the CSRF token on every state-changing request,
// problem+json turned into ApiError (with the request field at fault, e.g. "filters[1].value").

export const API = '/api/v1';
let csrfToken = null;

export function setCsrf(token) {
  csrfToken = token || null;
}

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.code = this.problem.code || null;
    this.field = this.problem.field || null;
  }
}

/** Raw fetch: returns the Response whatever its status (callers that stream bodies need it). */
export async function request(method, path, body, headers = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) h['X-CSRF-Token'] = csrfToken;
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

export async function problemOf(res) {
  let problem = null;
  try {
    const text = await res.text();
    problem = text ? JSON.parse(text) : null;
  } catch (e) {
    problem = null;
  }
  return new ApiError(res.status, problem);
}

/** JSON in, JSON out; throws ApiError for every non-2xx answer. */
export async function api(method, path, body, headers) {
  const res = await request(method, path, body, headers);
  if (!res.ok) throw await problemOf(res);
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

export const get = (path) => api('GET', path);
export const post = (path, body, headers) => api('POST', path, body, headers);
export const del = (path) => api('DELETE', path);

export function jobPath(id, suffix = '') {
  return `${API}/export/jobs/${encodeURIComponent(id)}${suffix}`;
}

/** The file name of a Content-Disposition header (RFC 6266: filename* wins). */
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
