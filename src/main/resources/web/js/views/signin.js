// @ts-check
// The sign-in page: an API key, sent once to open a browser session.
import { h } from '../dom.js';
import { showPage } from '../ui.js';
import { signIn } from '../session.js';

/**
 * Shows the sign-in form, with a message above it (why the session ended) when there is one.
 * @param {string|null} message
 */
export function showSignIn(message) {
  const key = h('input#api-key', { type: 'password', name: 'api_key', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'frt_…', required: true, 'aria-describedby': 'signin-error' });
  const error = h('p#signin-error.field-error', { role: 'alert' });
  const submit = h('button#sign-in.btn.primary.wide', { type: 'submit' }, 'Sign in');
  const form = h('form.signin-card', {
    onsubmit: async (/** @type {SubmitEvent} */ ev) => {
      ev.preventDefault();
      error.textContent = '';
      submit.disabled = true;
      try {
        await signIn(key.value.trim());
        key.value = '';
      } catch (e) {
        error.textContent = e.status === 401 ? 'That API key is not valid (or has been revoked).' : e.message;
        key.select();
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('div.brand.big', h('span.logo', { 'aria-hidden': 'true' }), 'Freight'),
  h('h1', 'Sign in'),
  message ? h('p.notice', message) : null,
  h('label', { for: 'api-key' }, 'API key'),
  key, error, submit,
  h('p.muted.small', 'The key is sent once; the browser then keeps only an HttpOnly session cookie. ',
    'An admin can create keys with ', h('code', 'freight keys create'), '.'));
  showPage(h('div.signin', form));
  key.focus();
}
