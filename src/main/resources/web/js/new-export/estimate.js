// @ts-check
// The estimate line of the new-export form: a debounced POST /export/estimate after each change, showing the
// row count and the delivery the server will choose, or the field at fault.
import { API, post } from '../api.js';
import { h, clear, fmtInt } from '../dom.js';
import { incomplete } from './form-state.js';

/** @typedef {import('../types.js').Estimate} Estimate */
/** @typedef {import('./form-state.js').FormState} FormState */
/** @typedef {ReturnType<typeof import('./field-errors.js').fieldErrors>} FieldErrors */

const DEBOUNCE_MS = 350;

/**
 * Returns changed(): call it whenever the request may have changed.
 * @param {{ st: FormState, box: HTMLElement, build: () => object, errors: FieldErrors }} form
 */
export function estimator({ st, box, build, errors }) {
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  let timer;

  async function run() {
    if (st.busy) return;
    const seq = ++st.estimateSeq;
    const missing = incomplete(st);
    if (missing) {
      clear(box).append(h('span.muted', missing));
      return;
    }
    clear(box).append(h('span.muted', 'Estimating…'));
    try {
      /** @type {Estimate} */
      const res = await post(`${API}/export/estimate`, build());
      if (seq !== st.estimateSeq) return;
      errors.clear();
      showEstimate(res);
    } catch (e) {
      if (seq !== st.estimateSeq) return;
      if (e.status === 404 || e.status === 405) { clear(box).append(h('span.muted', 'No estimate available.')); return; }
      errors.show(e);
    }
  }

  /** @param {Estimate} res */
  function showEstimate(res) {
    const rows = res.estimated_rows;
    clear(box).append(
      h('span#nx-estimate-rows', rows === null || rows === undefined ? 'Row count unknown' : `≈ ${fmtInt(rows)} rows`),
      h('span.muted', ' · '),
      h('span#nx-estimate-delivery', { dataset: { delivery: res.delivery } },
        res.delivery === 'sync' ? 'downloads directly (sync)' : 'runs as a background job (async)'));
  }

  return function changed() {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  };
}
