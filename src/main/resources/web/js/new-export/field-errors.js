// @ts-check
// The API's validation errors next to the field they name ("filters[1].value", "columns[0]", "options.delimiter");
// an error naming no field of the form shows at its foot.
import { h, $, $$, clear } from '../dom.js';

/**
 * What the form shows: an ApiError, or the form's own check with a field and a message.
 * @typedef {{ message?: string, field?: string|null, code?: string|null }} FieldError
 */

/**
 * @param {HTMLFormElement} form
 * @param {HTMLElement} formError where an error of no field goes
 * @param {HTMLElement} estimate the estimate line, which says that the form cannot be exported as set
 */
export function fieldErrors(form, formError, estimate) {
  function clearAll() {
    formError.textContent = '';
    $$('.has-error', form).forEach(el => el.classList.remove('has-error'));
    $$('[aria-invalid]', form).forEach(el => el.removeAttribute('aria-invalid'));
    $$('.field-error', form).forEach(el => { el.textContent = ''; });
  }

  /**
   * Finds the control for an API field path, falling back to its parents: filters[1].value → filters[1] → filters.
   * @param {string} field
   */
  function controlFor(field) {
    let path = field;
    while (path) {
      const el = $(`[data-field="${CSS.escape(path)}"]`, form) || $(`[data-field-scope="${CSS.escape(path)}"]`, form);
      if (el) return el;
      const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
      path = cut > 0 ? path.slice(0, cut) : '';
    }
    return null;
  }

  /** @param {FieldError} err */
  function show(err) {
    clearAll();
    const message = err.message || 'The request was refused.';
    const control = err.field ? controlFor(err.field) : null;
    const field = control && control.closest('.field');
    if (!field) {
      formError.textContent = message;
      return;
    }
    field.classList.add('has-error');
    const slot = /** @type {HTMLElement} */ (Array.from(field.children).find(c => c.classList.contains('field-error')) || $('.field-error', field));
    if (slot) {
      slot.textContent = message;
      slot.dataset.code = err.code || '';
      slot.dataset.errorFor = err.field;
    }
    markInvalid(control);
    field.scrollIntoView({ block: 'nearest' });
    clear(estimate).append(h('span.warn', 'Cannot export as set: see the highlighted field.'));
  }

  /** @param {Element} control an input or select, or the row holding one */
  function markInvalid(control) {
    if (control.matches('input, select')) control.setAttribute('aria-invalid', 'true');
    else { const inner = $('input, select', control); if (inner) inner.setAttribute('aria-invalid', 'true'); }
  }

  return { clear: clearAll, show };
}
