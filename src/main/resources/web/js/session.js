// @ts-check
// The browser session: restored from the cookie when the page opens, opened with an API key (sent once: the
// browser then keeps only an HttpOnly cookie), closed by "Sign out" or when the server answers 401. Only the
// CSRF token is kept here, for the requests that change something.
import { API, api, setCsrf } from './api.js';
import { $ } from './dom.js';
import { stopAll, resumeMine } from './jobs.js';
import { forgetDatasets } from './catalog.js';

/** @typedef {import('./types.js').Session} Session */
/**
 * What happens on either side of a session: signedIn shows the app, signedOut the sign-in page with a message.
 * @typedef {{ signedIn: () => void, signedOut: (message: string|null) => void }} SessionHandlers
 */

/** @type {Session|null} */
let current = null;
/** @type {SessionHandlers} */
let handlers = { signedIn: () => {}, signedOut: () => {} };

/** The signed-in user, or null. */
export function currentSession() {
  return current;
}

/**
 * Follows 401s and the sign-out button, then resumes the session of the cookie, if there is one.
 * @param {SessionHandlers} on
 */
export async function startSession(on) {
  handlers = on;
  window.addEventListener('freight:unauthorized', () => {
    if (current) closed('Your session has ended. Sign in again.');
  });
  $('#sign-out').addEventListener('click', signOut);
  try {
    opened(await api('GET', `${API}/session`));
  } catch (e) {
    handlers.signedOut(e.status === 401 ? null : e.message);
  }
}

/**
 * Opens a session with an API key; throws the API's error (401 for a key that is not valid).
 * @param {string} apiKey
 */
export async function signIn(apiKey) {
  opened(await api('POST', `${API}/session`, { api_key: apiKey }));
}

async function signOut() {
  try {
    await api('DELETE', `${API}/session`);
  } catch (e) {
    // The cookie may already be gone server-side; signing out locally is what matters.
  }
  closed('Signed out.');
}

/** @param {Session} session */
function opened(session) {
  current = session;
  setCsrf(session.csrf_token);
  $('#topbar').hidden = false;
  $('#who-name').textContent = session.principal;
  $('#who-role').textContent = session.role;
  $('#who-role').classList.toggle('chip-admin', !!session.admin);
  document.body.classList.toggle('is-admin', !!session.admin);
  resumeMine();
  handlers.signedIn();
}

/** @param {string} message */
function closed(message) {
  current = null;
  forgetDatasets();
  setCsrf(null);
  stopAll();
  sessionStorage.clear();
  $('#topbar').hidden = true;
  handlers.signedOut(message);
}
