package dev.freight.error;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every error {@code code} Freight gives: the {@code code} of a problem+json answer, a failed job's
 * {@code error_code} and a refused or failed export's audit {@code code}. Clients switch on these, so a code is
 * never renamed; a new one is added here (a test fails on a code used anywhere else) and the OpenAPI document lists
 * them from here. The one code outside the list is {@link #httpStatus(int)}, for what Jetty or Javalin refuse
 * before Freight sees the request.
 *
 * <p>{@link #status()} is the HTTP status the API answers with, 0 for a code no HTTP answer carries (only a
 * failed job, an audit event or the command line).
 */
public enum ProblemCode {
    // ---- the request as a whole
    MALFORMED_JSON(400, "the body is not JSON, or not the JSON object the route takes"),
    UNKNOWN_FIELD(400, "the body has a field the route does not take"),
    INVALID_TYPE(400, "a field holds the wrong JSON type"),
    UNSUPPORTED_MEDIA_TYPE(415, "the body is not sent as Content-Type: application/json"),
    PAYLOAD_TOO_LARGE(413, "the body is larger than limits.max_request_bytes"),
    METHOD_OVERRIDE_REFUSED(400, "a method-override header was sent; send the real HTTP method"),
    METHOD_NOT_ALLOWED(405, "the route does not take this HTTP method"),
    BAD_REQUEST(400, "the HTTP request was refused before reaching Freight (a NUL or an ambiguous encoding in the "
            + "path, a malformed request line)"),

    // ---- what to export
    MISSING_DATASET(400, "the request names no dataset"),
    UNKNOWN_DATASET(400, "no such dataset, or one the caller's role may not see (404 on a preview)"),
    UNKNOWN_COLUMN(400, "no such column in the dataset, or one the caller's role hides"),
    DUPLICATE_COLUMN(400, "a column or a header label is listed twice"),
    MASKED_COLUMN(400, "a masked column is used to filter, sort or select rows by id"),
    UNKNOWN_OPERATOR(400, "no such filter operator"),
    INVALID_OPERATOR(400, "the operator does not apply to the column's type"),
    INVALID_FILTER(400, "a filter is null or malformed"),
    TOO_MANY_FILTERS(400, "more filters than a request may have"),
    INVALID_VALUE(400, "a filter value, id or date is not of the column's type, or too many ids"),
    INVALID_SORT(400, "a sort key is not valid (direction, binary column)"),
    INVALID_ROW_LIMIT(400, "row_limit is out of range"),
    IDS_NOT_SUPPORTED(400, "ids are given but the dataset has no single-column key"),
    NO_TIME_COLUMN(400, "date_from or date_to is given but the dataset has no time column"),
    INVALID_SERIES(400, "the series part of the request is malformed: time range, time zone, granularity, measure, "
            + "group_by or fill, or a field that does not apply to a series"),
    SERIES_TOO_LARGE(400, "a series has more buckets × groups than exports.series_max_cells (refused up front from "
            + "the buckets; a job fails with it when the groups read pass the cap)"),
    UNKNOWN_FORMAT(400, "no such format"),
    INVALID_OPTION(400, "a format option is unknown for the format or has an invalid value"),
    TOO_MANY_ROWS_FOR_PDF(400, "more rows than a PDF report may have"),
    UNKNOWN_REPORT(400, "a visual export names no report, or one the caller's role may not see"),
    UNKNOWN_WIDGET(400, "a visual export names a widget its report does not have"),
    INVALID_VISUAL_TARGET(400, "a visual format (png, pdf_visual) without a series or a report, both, or report/widget "
            + "with a data format"),
    INVALID_DELIVERY(400, "delivery is not sync, async or auto"),
    INVALID_DELIVERY_TARGET(400, "a deliveries entry, notify_url or notify_email is malformed, of an unknown type, or "
            + "not allowed here (webhooks.allowed_hosts, a private address, email or the storage target not configured)"),
    INVALID_CONDITION(400, "the condition is not understood, or names a measure the export does not have"),
    INVALID_IDEMPOTENCY_KEY(400, "the Idempotency-Key header is not valid"),
    IDEMPOTENCY_KEY_REUSED(422, "the Idempotency-Key names a job of a different request"),

    // ---- query parameters of lists
    INVALID_STATUS(400, "no such job status"),
    INVALID_CURSOR(400, "the cursor is not the next_cursor of a previous page"),
    INVALID_LIMIT(400, "limit is out of range"),
    INVALID_ACTION(400, "no such audit action"),
    INVALID_TIME(400, "from or to is not a timestamp or a date"),

    // ---- schedules
    INVALID_SCHEDULE(400, "a schedule's cron, time_zone, catch_up or name is not valid"),
    SCHEDULE_EXISTS(409, "the owner already has a schedule of this name"),

    // ---- who may do it
    UNAUTHORIZED(401, "no valid API key or session"),
    FORBIDDEN(403, "the caller may not do this (not an admin, no API key)"),
    CSRF_FAILED(403, "a cookie request that changes something lacks the session's X-CSRF-Token"),
    MISSING_ATTRIBUTE(403, "the role's row filter needs an attribute the caller does not have"),
    INVALID_ATTRIBUTE(403, "an attribute the row filter needs cannot be used (a NUL character); a bad attribute "
            + "name when creating a key"),

    // ---- jobs, files and links
    NOT_FOUND(404, "no such job (or another caller's), schedule, route or key"),
    DELETED(410, "the job was deleted by its owner"),
    NOT_FINISHED(409, "the job has no file yet: it is pending or running"),
    ALREADY_FINISHED(409, "the job cannot be cancelled: it has finished"),
    NOT_RETRYABLE(409, "the job cannot be retried: it is not failed, cancelled or expired"),
    NOT_READY(409, "the job has no file to link to (503 from /health/ready: the job store does not answer)"),
    GONE(410, "the job's file expired or is no longer there"),
    NO_FILE(410, "the job failed or was cancelled, so it has no file"),
    RANGE_NOT_SATISFIABLE(416, "the Range is outside the file"),
    INVALID_EXPIRES_IN(400, "expires_in of a link is out of range"),
    INVALID_LINK(403, "the download link is damaged, for another job, or of an earlier version"),
    LINK_REVOKED(403, "the API key that made the download link was revoked"),
    LINK_EXPIRED(410, "the download link expired"),
    LINKS_DISABLED(503, "signed links are not configured on this server"),

    // ---- limits
    RATE_LIMITED(429, "the exports_per_hour limit is reached (Retry-After says when)"),
    TOO_MANY_JOBS(429, "the concurrent_jobs limit is reached"),
    TOO_MANY_STREAMS(429, "too many event streams open, the caller's or the server's"),
    TOO_MANY_ROWS(400, "the export has more rows than max_rows (a job stops with it past the limit)"),
    FILE_TOO_LARGE(400, "the file grew past max_file_bytes (a job fails with it)"),

    // ---- failures
    SOURCE_UNAVAILABLE(503, "the source database cannot be reached; worth retrying"),
    SOURCE_ERROR(500, "the source database refused the query"),
    WRITE_FAILED(503, "writing the export failed"),
    UNREPRESENTABLE_VALUE(422, "a value the format cannot store (a numeric NaN in a Parquet decimal); another format can"),
    JOB_STORE_UNAVAILABLE(503, "the job store cannot be reached; worth retrying"),
    INTERNAL_ERROR(500, "an unexpected error; the server log has it under the request id or job id"),
    STORAGE_ERROR(0, "a job could not write its file to the file store"),
    STORAGE_UNAVAILABLE(503, "the file store (S3) cannot be reached or refuses Freight (credentials, missing bucket): "
            + "a job fails with it (retried when the outage may pass), a download answers 503"),
    RENDERER_UNAVAILABLE(503, "visual formats need Chromium, which this node cannot start (apt-get install -y chromium "
            + "chromium-driver, or scripts/install-browser.sh); data formats work"),
    RENDER_TIMEOUT(504, "the render page did not finish within visual.render_timeout; the message names the widget"),
    BLANK_RENDER(502, "the capture came back blank where widgets should be, twice"),
    RENDER_FAILED(502, "the browser crashed or hung twice, or a widget's data failed (the message says which)"),
    INVALID_RENDER_TOKEN(403, "the internal render page was opened without a valid, unexpired, unused render token for "
            + "that target"),
    WORKER_LOST(0, "the worker running a job stopped responding and no attempts are left"),
    CLIENT_DISCONNECTED(0, "the client went away during a sync export (audit only)"),

    // ---- the command line only
    MISSING_SOURCE(0, "freight export: no --source, --demo or --config"),
    INVALID_SOURCE(0, "freight export: both --source and --config, or a JDBC URL of no supported database"),
    INVALID_OUTPUT(0, "freight export: the -o target cannot be written"),
    INVALID_KEY(0, "freight keys hash: the key is empty"),
    INVALID_NAME(0, "freight keys create: the name is not valid"),
    UNKNOWN_ROLE(0, "freight keys create: no such role"),
    NAME_TAKEN(0, "freight keys create: the name is held by a key of another role or attributes");

    /** What {@link #httpStatus(int)} gives: {@code http_} and a status. */
    public static final String HTTP_STATUS_PATTERN = "^http_[1-5][0-9][0-9]$";

    private final String code;
    private final int status;
    private final String meaning;

    ProblemCode(int status, String meaning) {
        this.code = name().toLowerCase(Locale.ROOT);
        this.status = status;
        this.meaning = meaning;
    }

    /** The wire name, e.g. {@code unknown_column}. */
    public String code() {
        return code;
    }

    /** The HTTP status answered with this code; 0 when no HTTP answer carries it. */
    public int status() {
        return status;
    }

    /** One line saying when the code is given. */
    public String meaning() {
        return meaning;
    }

    public static Optional<ProblemCode> fromCode(String code) {
        return Arrays.stream(values()).filter(c -> c.code.equals(code)).findFirst();
    }

    /** {@code http_431} …: an error Jetty or Javalin answered before any route ran, other than those listed. */
    public static String httpStatus(int status) {
        return "http_" + status;
    }

    @Override
    public String toString() {
        return code;
    }
}
