// @ts-check
// A job's audit trail, as a table on its details page (GET /audit?job_id=...).
import { API, get } from '../api.js';
import { h, clear, fmtInt, fmtBytes, fmtTime } from '../dom.js';

/** @typedef {import('../types.js').AuditEvent} AuditEvent */

/**
 * Loads the job's audit events into box (a note instead when there are none or they cannot be read).
 * @param {string} jobId
 * @param {HTMLElement} box
 */
export async function showAuditTrail(jobId, box) {
  try {
    /** @type {{ events: AuditEvent[] }} */
    const res = await get(`${API}/audit?job_id=${encodeURIComponent(jobId)}&limit=100`);
    const events = res.events || [];
    clear(box).append(events.length ? h('div.table-wrap', auditTable(events)) : h('p.muted', 'No audit events.'));
  } catch (e) {
    clear(box).append(h('p.muted', `Audit trail unavailable: ${e.message}`));
  }
}

/** @param {AuditEvent[]} events */
function auditTable(events) {
  return h('table.audit',
    h('thead', h('tr', h('th', 'Time'), h('th', 'Action'), h('th', 'Principal'), h('th.num', 'Rows'), h('th.num', 'Bytes'),
      h('th', 'Code'), h('th', 'Detail'), h('th', 'Client'))),
    h('tbody', events.map(e => h('tr', { dataset: { action: e.action } },
      h('td', { dataset: { label: 'Time' } }, fmtTime(e.at)),
      h('td', { dataset: { label: 'Action' } }, h('span.chip', e.action)),
      h('td', { dataset: { label: 'Principal' } }, `${e.principal}${e.role ? ` (${e.role})` : ''}`),
      h('td.num', { dataset: { label: 'Rows' } }, fmtInt(e.row_count)),
      h('td.num', { dataset: { label: 'Bytes' } }, fmtBytes(e.bytes)),
      h('td', { dataset: { label: 'Code' } }, e.code || ''),
      h('td', { dataset: { label: 'Detail' } }, e.detail || ''),
      h('td', { dataset: { label: 'Client' } }, e.client_address || '')))));
}
