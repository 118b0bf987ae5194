// @ts-check
// What may be exported: the datasets (per role, so fetched again after each sign-in) and the formats, each
// fetched once when first needed.
import { API, get } from './api.js';

/** @typedef {import('./types.js').Dataset} Dataset */
/** @typedef {import('./types.js').Format} Format */

/** @type {Dataset[]|null} */
let datasetList = null;
/** @type {Format[]|null} */
let formatList = null;

/** @returns {Promise<Dataset[]>} */
export async function datasets() {
  if (!datasetList) datasetList = (await get(`${API}/export/tables`)).datasets;
  return datasetList;
}

/** @returns {Promise<Format[]>} */
export async function formats() {
  if (!formatList) formatList = (await get(`${API}/export/formats`)).formats;
  return formatList;
}

/** After sign-out: the next user may see other datasets. */
export function forgetDatasets() {
  datasetList = null;
}
