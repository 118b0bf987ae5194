// @ts-check
// JSDoc types of what /api/v1 answers, and of the UI's own shapes, for the type checker only
// (scripts/check-web-types.sh): nothing here runs, and no module imports this one at run time. Use them as
// /** @typedef {import('./types.js').Job} Job */.

// ---------------------------------------------------------------- jobs (http/JobJson)

/** @typedef {'pending'|'running'|'completed'|'failed'|'cancelled'|'expired'} JobStatus */

/**
 * A filter of an export request: "value" is absent for is_null/not_null, a list for in/not_in/between.
 * @typedef {object} Filter
 * @property {string} column
 * @property {string} op
 * @property {unknown} [value]
 */

/** @typedef {{ column: string, dir: 'asc'|'desc' }} SortKey */

/**
 * An export job as the API shows it (GET /export/jobs/{id}): the request, then its state, progress and file.
 * Timestamps are ISO-8601 in UTC.
 * @typedef {object} Job
 * @property {string} id
 * @property {string} dataset
 * @property {string} format
 * @property {JobStatus} status
 * @property {string[]} columns empty: every column
 * @property {Filter[]} filters
 * @property {SortKey[]} sort
 * @property {number|null} row_limit
 * @property {Array<string|number>} ids
 * @property {string|null} date_from
 * @property {string|null} date_to
 * @property {boolean} compress
 * @property {Record<string, unknown>} options
 * @property {string} owner
 * @property {number|null} total_rows null while unknown
 * @property {number} processed_rows
 * @property {number|null} progress 0 to 1; null while the total is unknown
 * @property {number|null} row_count
 * @property {string|null} file_name
 * @property {number|null} file_size_bytes
 * @property {string|null} content_type
 * @property {string|null} error_code
 * @property {string|null} error_message
 * @property {number} attempts
 * @property {string} created_at
 * @property {string|null} started_at
 * @property {string|null} completed_at
 * @property {string|null} expires_at
 * @property {string|null} [schedule_id] the schedule that made the job, null for a one-off export
 * @property {string|null} [condition] the alert condition its deliveries wait on
 * @property {boolean|null} [condition_met] null until evaluated (or without a condition)
 * @property {DeliveryLogEntry[]} [deliveries] the delivery log
 */

/**
 * One delivery of a job: a webhook, an email or a copy, for one event.
 * @typedef {Object} DeliveryLogEntry
 * @property {string} event export.completed, export.failed or export.expired
 * @property {'webhook'|'email'|'storage'} type
 * @property {string} target URL, addresses, or storage target and name
 * @property {'pending'|'delivered'|'failed'} status
 * @property {number} attempts
 * @property {number|null} last_status HTTP status or SMTP reply
 * @property {string|null} last_error
 * @property {string|null} last_attempt_at
 * @property {string|null} next_attempt_at
 */

/**
 * A job as the page knows it: the last full answer merged with the events since (progress, file_ready), marked
 * deleted when it is gone and file_pending between "completed" and its file_ready event.
 * @typedef {Job & { deleted?: boolean, file_pending?: boolean }} LiveJob
 */

/** One event of a job's stream, or a full job: merged into what the page knows. @typedef {Partial<LiveJob> & { id: string }} JobUpdate */

/** @typedef {{ jobs: Job[], next_cursor: string|null }} JobPage */

/** POST /export/estimate. @typedef {{ estimated_rows: number|null, delivery: 'sync'|'async', format: string, sync_max_rows: number }} Estimate */

/** POST /export/jobs/{id}/link. @typedef {{ url: string, expires_at: string }} SignedLink */

// ---------------------------------------------------------------- catalog (http/CatalogRoutes)

/**
 * A column the caller may see; "masked" names the mask applied for their role ("hash", ...). Newer servers list
 * the filter operators valid for its type.
 * @typedef {object} Column
 * @property {string} name
 * @property {string} type integer, decimal, float, boolean, string, date, time, timestamp, timestamptz, binary, text
 * @property {string|null} [sql_type]
 * @property {boolean} [nullable]
 * @property {string} [masked]
 * @property {string[]} operators
 */

/**
 * A dataset the caller may export (GET /export/tables).
 * @typedef {object} Dataset
 * @property {string} name
 * @property {string} source
 * @property {string|null} kind
 * @property {Column[]} columns
 * @property {string[]} primary_key
 * @property {string|null} time_column the column a date range applies to
 */

/** GET /export/tables/{name}/preview: numbers are kept as the server wrote them (text). @typedef {{ dataset: string, columns: Column[], limit: number, rows: Record<string, unknown>[] }} Preview */

/** @typedef {'string'|'boolean'|'number'|'choice'|'labels'|'string_list'|'size'} OptionType */

/**
 * A format option (GET /export/formats), from the format's descriptor.
 * @typedef {object} FormatOption
 * @property {string} name
 * @property {OptionType} type
 * @property {unknown} default
 * @property {string[]} [choices] for type "choice"
 * @property {number} [min] for numbers and sizes
 * @property {number} [max] for numbers and sizes
 * @property {string} [description]
 * @property {boolean} common an option every format takes
 */

/**
 * @typedef {object} Format
 * @property {string} id
 * @property {string} extension
 * @property {string} content_type
 * @property {boolean} compressible
 * @property {FormatOption[]} options
 */

// ---------------------------------------------------------------- errors, session, audit

/**
 * An RFC 9457 problem+json answer (FreightServer.problem): "code" is stable, "field" names the request field at
 * fault ("filters[1].value", "options.delimiter", ...). The client makes its own for a network failure.
 * @typedef {object} Problem
 * @property {string} [type] https://freight.dev/problems/{code}
 * @property {string} [title]
 * @property {number} [status]
 * @property {string} [detail]
 * @property {string} [code]
 * @property {string} [field]
 * @property {string} [instance]
 * @property {string} [request_id]
 */

/**
 * A schedule (GET /export/schedules).
 * @typedef {object} Schedule
 * @property {string} id
 * @property {string} name
 * @property {string} owner
 * @property {string} cron
 * @property {string} time_zone
 * @property {'last'|'none'} catch_up
 * @property {boolean} paused
 * @property {{ dataset: string, format: string, filters: Filter[] }} request
 * @property {{ type: string, to?: string[], url?: string }[]} deliveries
 * @property {string|null} condition
 * @property {string|null} next_run_at
 * @property {string[]} next_runs
 * @property {string|null} last_run_at
 * @property {string|null} last_job_id
 * @property {JobStatus|null} last_status
 * @property {string|null} last_error
 */

/** GET/POST /session. @typedef {{ principal: string, role: string, admin: boolean, csrf_token: string, expires_at: string }} Session */

/**
 * @typedef {object} AuditEvent
 * @property {string} id
 * @property {string} at
 * @property {string} action
 * @property {string} principal
 * @property {string|null} role
 * @property {string|null} job_id
 * @property {string|null} dataset
 * @property {number|null} row_count
 * @property {number|null} bytes
 * @property {string|null} client_address
 * @property {string|null} code
 * @property {string|null} detail
 */

// ---------------------------------------------------------------- the UI's own

/**
 * What the router gives a view: onLeave(stop) runs stop when the page is left (at once if it already was).
 * @typedef {{ onLeave: (stop: () => void) => void }} ViewContext
 */

/** A page once shown: more() loads its next page of rows and tells whether there was one. @typedef {{ more?: () => Promise<boolean> } | void} ShownPage */

export {};
