// @ts-check
// The new-export form's state: the dataset, its columns (ticked and in export order), the filters and sort keys
// being edited, and what keeps a submit idempotent and the estimate current.
import { randomId } from '../dom.js';
import { firstFilterWithoutValue } from './filters.js';

/** @typedef {import('../types.js').Dataset} Dataset */
/** @typedef {import('../types.js').Column} Column */
/** A column of the chosen dataset, ticked to be exported or not. @typedef {Column & { checked: boolean }} ColumnChoice */
/**
 * A filter being edited: value and value2 (the upper bound of "between") stay text until the request is built.
 * @typedef {{ column: string, op: string, value: string, value2: string }} FilterDraft
 */
/** @typedef {{ column: string, dir: 'asc'|'desc' }} SortDraft */
/**
 * @typedef {object} FormState
 * @property {Dataset|null} ds
 * @property {ColumnChoice[]} cols
 * @property {FilterDraft[]} filters
 * @property {SortDraft[]} sorts
 * @property {string} idempotencyKey sent with the create; a new one after a refusal
 * @property {number} estimateSeq the latest estimate asked for: older answers are dropped
 * @property {boolean} busy while a create is on its way
 */

/** @returns {FormState} */
export function newFormState() {
  return { ds: null, cols: [], filters: [], sorts: [], idempotencyKey: randomId(), estimateSeq: 0, busy: false };
}

/**
 * A dataset chosen: all its columns ticked in their order, no filters and no sort keys.
 * @param {FormState} st
 * @param {Dataset|null} ds
 */
export function setDataset(st, ds) {
  st.ds = ds;
  st.cols = ds ? ds.columns.map(c => ({ ...c, checked: true })) : [];
  st.filters = [];
  st.sorts = [];
}

/** @param {FormState} st */
export function hasColumns(st) {
  return st.cols.some(c => c.checked);
}

/**
 * What is missing before an estimate can be asked for, in words; null when nothing is.
 * @param {FormState} st
 * @returns {string|null}
 */
export function incomplete(st) {
  if (!st.ds) return 'Choose a dataset.';
  if (!hasColumns(st)) return 'Choose at least one column.';
  const i = firstFilterWithoutValue(st.filters);
  if (i >= 0) return `Give filter ${i + 1} a value to see the estimate.`;
  return null;
}
