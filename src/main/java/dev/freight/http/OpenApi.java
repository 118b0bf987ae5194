package dev.freight.http;

import dev.freight.error.ProblemCode;
import dev.freight.format.ExportFormat;
import dev.freight.format.FormatDescriptor;
import dev.freight.format.OptionSpec;
import dev.freight.format.OptionType;
import dev.freight.query.FilterOp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI 3.1 description of the API, built here by hand beside the routes (a test checks that every route
 * Javalin has registered is in it). Built once; the document is a constant.
 */
final class OpenApi {
    /** A job its owner deleted answers 410 on every job route (to its owner and admins; others get 404). */
    private static final String DELETED = "The job was deleted (`deleted`)";

    private static final String PROBLEM = "application/problem+json";
    private static final String CSRF = "X-CSRF-Token";
    private static volatile byte[] document;

    private OpenApi() {
    }

    static byte[] document() {
        byte[] d = document;
        if (d == null) document = d = Json.bytes(build());
        return d;
    }

    static Map<String, Object> build() {
        Map<String, Object> doc = map();
        doc.put("openapi", "3.1.0");
        doc.put("info", map("title", "Freight API", "version", "1",
                "description", "Export data out of relational databases into CSV, TSV, JSON, NDJSON, XLSX, Parquet and PDF files, "
                        + "streamed at once (sync) or as background jobs (async). Errors are RFC 9457 problem+json "
                        + "with a stable `code` (all of them: components.schemas.ProblemCode)."));
        doc.put("servers", List.of(map("url", "/")));
        doc.put("security", List.of(map("bearer", List.of()), map("session", List.of())));
        Map<String, Object> paths = map();
        doc.put("paths", paths);

        String api = FreightServer.API;
        paths.put("/", map("get", op("The web UI's page (static assets under /ui/); needs no credentials",
                "webUi", List.of(), null, responses(200, content("HTML", "text/html", map("type", "string"))), true)));
        paths.put("/health/live", map("get", op("Liveness: the process answers", "healthLive", List.of(), null,
                responses(200, json("Alive", ref("Health"))), true)));
        paths.put("/health/ready", map("get", op("Readiness: the job store and the file store answer", "healthReady", List.of(), null,
                responses(200, json("Ready", ref("Health")), 503, problem("The job store does not answer")), true)));
        paths.put("/metrics", map("get", op("Prometheus metrics (text exposition format); admin keys only. A scraper "
                        + "without a key reads the same on the management listener (server.management_port)", "metrics",
                List.of(), null, withAuth(responses(200, content("Metrics", "text/plain", map("type", "string")),
                        403, problem("Not an admin key"))), false)));
        paths.put(api + "/openapi.json", map("get", op("This document; needs no credentials", "openapi", List.of(), null,
                responses(200, content("OpenAPI 3.1 document", "application/json", map("type", "object"))), true)));
        paths.put(api + "/export/formats", map("get", op("Formats with their options, content types and extensions",
                "listFormats", List.of(), null, withAuth(responses(200, json("Formats", ref("FormatList")))), false)));
        paths.put(api + "/export/tables", map("get", op("Datasets the caller may export, with their columns",
                "listTables", List.of(), null, withAuth(responses(200, json("Datasets", ref("DatasetList")))), false)));
        paths.put(api + "/export/reports", map("get", op("Reports (freight.yml `reports`) the caller may see: a report is "
                + "listed only when every widget's data is visible to the caller's role", "listReports", List.of(), null,
                withAuth(responses(200, json("Reports: name, title and widget_count", map("type", "object")))),
                false)));
        paths.put(api + "/export/reports/{name}", map("get", op("One report: title, the 12-column grid and each widget "
                + "(type, chart, dataset, position, size) with `request`, the export request (format json, delivery "
                + "sync) to POST to /export/jobs for its data", "getReport",
                List.of(pathParam("name", "Report name as listed by /export/reports")), null,
                withAuth(responses(200, json("The report", map("type", "object")),
                        404, problem("No such report, or one using data the caller's role may not see (`not_found`)"))),
                false)));
        paths.put(api + "/export/tables/{dataset}/preview", map("get", op(
                "The first rows of a dataset as JSON, through the same planner and engine as an export", "previewTable",
                List.of(pathParam("dataset", "Dataset name as listed by /export/tables"),
                        queryParam("limit", map("type", "integer", "minimum", 1, "maximum", 100, "default", 20),
                                "Rows to return")),
                null, withAuth(responses(200, json("Rows", ref("Preview")), 400, problem("Invalid limit"),
                        403, problem("The caller lacks an attribute the role's row filter needs (`missing_attribute`)"),
                        404, problem("Unknown dataset, or one the caller's role may not see"))), false)));

        Map<String, Object> session = map();
        session.put("post", op("Sign in to the web UI with an API key: sets the HttpOnly, SameSite=Strict cookie "
                        + "freight_session (Secure behind an https public_url) for server.session_ttl. Needs no "
                        + "credentials and no CSRF token.", "signIn", List.of(),
                map("required", true, "content", map("application/json", map("schema", object(List.of("api_key"),
                        "api_key", map("type", "string", "description", "An API key, e.g. frt_…"))))),
                responses(200, map("description", "Signed in",
                                "headers", map("Set-Cookie", header("freight_session=…; Path=/; Max-Age=…; HttpOnly; "
                                        + "SameSite=Strict")),
                                "content", map("application/json", map("schema", ref("Session")))),
                        400, problem("Malformed body (`malformed_json`, `unknown_field`, `invalid_type`)"),
                        401, problem("Invalid API key (`unauthorized`)"),
                        404, problem("This server has no session store"),
                        413, problem("Request body too large"),
                        415, problem("Not Content-Type: application/json (`unsupported_media_type`)")), true));
        session.put("get", op("The session of the cookie, with its CSRF token", "getSession", List.of(), null,
                withAuth(responses(200, json("The session", ref("Session")))), false));
        session.put("delete", op("Sign out: ends the session on every node and clears the cookie; needs the "
                        + "X-CSRF-Token header", "signOut", List.of(header(CSRF, "The session's csrf_token")), null,
                withAuth(responses(204, map("description", "Signed out"),
                        403, problem("Missing or wrong X-CSRF-Token (`csrf_failed`)"))), false));
        paths.put(api + "/session", session);

        paths.put(api + "/export/estimate", map("post", op("Estimate an export before creating it: the body of "
                        + "POST /export/jobs, validated exactly as there; answers the estimated rows (counted up to "
                        + "10,000,000; null beyond, or when the count is too slow) and the delivery the create would "
                        + "use. Nothing runs or is stored; not audited, not rate-limited.", "estimateExport", List.of(),
                map("required", true, "content", map("application/json", map("schema", ref("ExportRequest")))),
                withAuth(responses(200, json("The estimate", object(List.of("estimated_rows", "delivery", "format"),
                                "estimated_rows", nullable("integer"),
                                "delivery", map("type", "string", "enum", List.of("sync", "async")),
                                "format", str(),
                                "sync_max_rows", map("type", "integer", "description", "auto delivers sync up to "
                                        + "this many rows"))),
                        400, problem("As for POST /export/jobs"),
                        403, problem("The caller lacks an attribute the role's row filter needs (`missing_attribute`)"),
                        413, problem("Request body too large (`payload_too_large`)"))), false)));

        Map<String, Object> jobs = map();
        jobs.put("post", op("Create an export. `delivery` sync streams the file in this response (200), async "
                        + "queues a job (202 with Location), auto (default) chooses by the estimated row count "
                        + "against sync_max_rows. With an Idempotency-Key header a repeated request returns the "
                        + "existing job with 200; a different request under the same key is 422.", "createExport",
                List.of(header("Idempotency-Key", "At most one job is created per key and caller")),
                map("required", true, "content", map("application/json", map("schema", ref("ExportRequest")))),
                withAuth(responses(
                        200, map("description", "Sync delivery: the file itself (chunked); or, for a repeated "
                                + "Idempotency-Key, the existing job as JSON. A failure after the first byte aborts "
                                + "the connection (truncated transfer).",
                                "headers", map("Content-Disposition", header("attachment; filename=…"),
                                        "X-Freight-Delivery", header("sync or async")),
                                "content", map("text/csv", map("schema", map("type", "string", "format", "binary")),
                                        "application/json", map("schema", ref("Job")))),
                        202, map("description", "Async delivery: the queued job",
                                "headers", map("Location", header("URL of the job")),
                                "content", map("application/json", map("schema", ref("Job")))),
                        400, problem("Malformed JSON, unknown field, wrong type or invalid value (see `code` and "
                                + "`field`); a hidden column is `unknown_column`, a masked one filtered or sorted "
                                + "`masked_column`, more rows than limits.max_rows `too_many_rows`"),
                        403, problem("The caller lacks an attribute the role's row filter needs (`missing_attribute`)"),
                        413, problem("Request body too large (`payload_too_large`; limits.max_request_bytes)"),
                        422, problem("The Idempotency-Key names a job of a different request (`idempotency_key_reused`)"),
                        429, map("description", "A limit: exports_per_hour used up (`rate_limited`) or "
                                + "concurrent_jobs reached (`too_many_jobs`)",
                                "headers", map("Retry-After", header("Seconds to wait")),
                                "content", map(PROBLEM, map("schema", ref("Problem")))),
                        500, problem("The export failed before the first byte (sync)"),
                        503, problem("Source or job store unavailable"))), false));
        jobs.put("get", op("The caller's jobs (an admin's: all), newest first", "listJobs",
                List.of(queryParam("status", map("type", "string", "enum", statuses()), "Only jobs in this status"),
                        queryParam("cursor", map("type", "string"), "next_cursor of the previous page"),
                        queryParam("limit", map("type", "integer", "minimum", 1, "maximum", 500, "default", 50),
                                "Page size")),
                null, withAuth(responses(200, json("A page of jobs", ref("JobList")),
                        400, problem("Invalid status, cursor or limit"))), false));
        paths.put(api + "/export/jobs", jobs);

        List<Object> id = List.of(pathParam("id", "Job id"));
        Map<String, Object> job = map();
        job.put("get", op("One job", "getJob", id, null,
                withAuth(responses(200, json("The job", ref("Job")), 404, problem("Unknown job"),
                        410, problem(DELETED))), false));
        job.put("delete", op("Delete the job and its file (a running job is cancelled first)", "deleteJob", id, null,
                withAuth(responses(204, map("description", "Deleted"), 404, problem("Unknown job"),
                        410, problem(DELETED))), false));
        paths.put(api + "/export/jobs/{id}", job);

        paths.put(api + "/export/jobs/{id}/events", map("get", op("Server-Sent Events: first a `status` event with "
                        + "the job as it is, then `progress` ({id, status, processed_rows, total_rows, progress}) "
                        + "while running, `status` with the job on every change, `file_ready` ({id, file_name, "
                        + "file_size_bytes, content_type, row_count, expires_at, download_url}) when completed, and "
                        + "`deleted` if the job is deleted. The stream ends after a terminal status.", "jobEvents", id,
                null, withAuth(responses(200, content("Event stream", "text/event-stream", map("type", "string")),
                        404, problem("Unknown job"), 410, problem(DELETED),
                        429, problem("Too many event streams open, the caller's (10) or the server's (100): "
                                + "`too_many_streams`, Retry-After 5"))), false)));

        Map<String, Object> download = map();
        paths.put(api + "/export/jobs/{id}/download", download);
        download.put("head", op("The headers a download would have (Content-Length, ETag, Content-Range), without "
                        + "the body", "headDownload",
                List.of(pathParam("id", "Job id"), header("Range", "bytes=a-b, bytes=a- or bytes=-n")), null,
                withAuth(responses(200, map("description", "Headers of the whole file"),
                        206, map("description", "Headers of the range"),
                        404, map("description", "Unknown job"), 409, map("description", "Not finished"),
                        410, map("description", "Gone or no file"), 416, map("description", "Range not satisfiable"))),
                false));
        download.put("get", op("The file of a completed job. Supports one "
                        + "byte range (Range: bytes=a-b, a-, -n) with If-Range; several ranges are answered with the "
                        + "whole file.", "downloadJob",
                List.of(pathParam("id", "Job id"), header("Range", "bytes=a-b, bytes=a- or bytes=-n"),
                        header("If-Range", "ETag of the partial file held; any other value returns the whole file"),
                        header("If-None-Match", "ETag; 304 when it matches"),
                        queryParam("token", str(), "A signed link's token (POST /export/jobs/{id}/link): the "
                                + "download then needs no Authorization header")),
                null, withAuth(responses(
                        200, file("The whole file"),
                        206, file("The requested range (Content-Range: bytes a-b/size)"),
                        307, map("description", "With S3 storage in redirect mode: Location is a presigned URL of the "
                                + "file (with its Content-Disposition), valid 5 minutes or, from a signed link, until the "
                                + "link expires; ranges and ETags then come from S3"),
                        304, map("description", "Not modified"),
                        403, problem("The link's token is invalid, tampered with, of an earlier version or for "
                                + "another job (`invalid_link`), or the API key that made it was revoked "
                                + "(`link_revoked`)"),
                        404, problem("Unknown job"),
                        409, problem("Job not finished yet (`not_finished`)"),
                        410, problem("File expired or missing (`gone`), job deleted (`deleted`), job "
                                + "failed/cancelled and never had a file (`no_file`), or the link expired "
                                + "(`link_expired`)"),
                        416, problem("Range not satisfiable; Content-Range: bytes */size"),
                        503, problem("The file store (S3) cannot be reached or refuses Freight "
                                + "(`storage_unavailable`), Retry-After 5"))), false));

        paths.put(api + "/export/jobs/{id}/cancel", map("post", op("Stop a pending or running job (takes effect "
                        + "within a second)", "cancelJob", id, null,
                withAuth(responses(202, json("Cancelled, or cancellation requested", ref("Job")),
                        404, problem("Unknown job"), 409, problem("Already finished (`already_finished`)"),
                        410, problem(DELETED))), false)));
        paths.put(api + "/export/jobs/{id}/retry", map("post", op("Run a failed, cancelled or expired job again as a "
                        + "new job", "retryJob", id, null,
                withAuth(responses(202, map("description", "The new job",
                                "headers", map("Location", header("URL of the new job")),
                                "content", map("application/json", map("schema", ref("Job")))),
                        400, problem("The request is no longer valid against the catalog, or above max_rows"),
                        429, problem("exports_per_hour or concurrent_jobs limit (`rate_limited`, `too_many_jobs`; "
                                + "Retry-After)"),
                        404, problem("Unknown job"), 409, problem("Not failed, cancelled or expired (`not_retryable`)"),
                        410, problem(DELETED))),
                false)));

        Map<String, Object> scheduleBody = map("required", true, "content", map("application/json",
                map("schema", ref("ScheduleDefinition"))));
        List<Object> scheduleId = List.of(pathParam("id", "Schedule id"));
        paths.put(api + "/export/schedules", map(
                "get", op("The caller's schedules (an admin's: everyone's), with next runs and last result",
                        "listSchedules", List.of(), null, withAuth(responses(200, json("Schedules",
                                object(List.of("schedules"), "schedules", map("type", "array", "items", ref("Schedule")))))),
                        false),
                "post", op("Create a schedule: an export request run by cron in a time zone, delivered to its "
                                + "deliveries", "createSchedule", List.of(), scheduleBody,
                        withAuth(responses(201, map("description", "Created", "headers", map("Location",
                                        header("URL of the schedule")), "content", map("application/json",
                                        map("schema", ref("Schedule")))),
                                400, problem("Invalid cron, time_zone, catch_up, name (`invalid_schedule`) or request"),
                                409, problem("The caller has a schedule of this name (`schedule_exists`)"))), false)));
        paths.put(api + "/export/schedules/preview", map("get", op("The next five runs of a cron expression in a time "
                        + "zone (the UI's cron helper)", "previewSchedule",
                List.of(queryParam("cron", str(), "Five fields (minute hour day month weekday), or six with seconds first"),
                        queryParam("time_zone", str(), "IANA time zone; default UTC")), null,
                withAuth(responses(200, json("Next runs", object(List.of("next_runs"), "next_runs",
                                map("type", "array", "items", timestamp()))),
                        400, problem("Invalid cron or time_zone (`invalid_schedule`)"))), false)));
        paths.put(api + "/export/schedules/{id}", map(
                "get", op("One schedule", "getSchedule", scheduleId, null, withAuth(responses(200,
                        json("The schedule", ref("Schedule")), 404, problem("Unknown schedule, or another caller's"))), false),
                "put", op("Replace a schedule's definition; its next run is counted from now", "replaceSchedule",
                        scheduleId, scheduleBody, withAuth(responses(200, json("The schedule", ref("Schedule")),
                                400, problem("Invalid definition"), 404, problem("Unknown schedule"),
                                409, problem("Name taken (`schedule_exists`)"))), false),
                "delete", op("Delete a schedule (its jobs stay)", "deleteSchedule", scheduleId, null,
                        withAuth(responses(204, map("description", "Deleted"), 404, problem("Unknown schedule"))), false)));
        paths.put(api + "/export/schedules/{id}/pause", map("post", op("Pause: no runs until resumed", "pauseSchedule",
                scheduleId, null, withAuth(responses(200, json("The schedule", ref("Schedule")),
                        404, problem("Unknown schedule"))), false)));
        paths.put(api + "/export/schedules/{id}/resume", map("post", op("Resume from the next tick after now (ticks "
                        + "passed while paused are not run)", "resumeSchedule", scheduleId, null,
                withAuth(responses(200, json("The schedule", ref("Schedule")), 404, problem("Unknown schedule"))), false)));
        paths.put(api + "/export/schedules/{id}/run", map("post", op("Run now, as an ordinary job under the caller's "
                        + "limits; the ticks are unchanged", "runSchedule", scheduleId, null,
                withAuth(responses(202, map("description", "The job", "headers", map("Location", header("URL of the job")),
                                "content", map("application/json", map("schema", ref("Job")))),
                        400, problem("The request no longer passes (the schedule's last_error says why)"),
                        404, problem("Unknown schedule"),
                        429, problem("exports_per_hour or concurrent_jobs limit (`rate_limited`, `too_many_jobs`)"))),
                false)));

        paths.put(api + "/audit", map("get", op("The audit log, newest first: exports created, refused, completed, "
                        + "failed, downloaded, deleted and cancelled, with principal, dataset, columns, filters, rows, "
                        + "bytes and client address. Admins read every event; other callers only the events of one of "
                        + "their own jobs (job_id required, 403 without it, 404 for another's job).", "listAudit",
                List.of(queryParam("principal", str(), "Only events of this principal"),
                        queryParam("action", map("type", "string", "enum", dev.freight.audit.AuditEvent.ACTIONS),
                                "Only this action"),
                        queryParam("dataset", str(), "Only events about this dataset"),
                        queryParam("job_id", str(), "Only events about this job"),
                        queryParam("from", map("type", "string", "format", "date-time"),
                                "Events at or after this time (ISO-8601 with offset, or a date)"),
                        queryParam("to", map("type", "string", "format", "date-time"), "Events before this time"),
                        queryParam("cursor", str(), "next_cursor of the previous page"),
                        queryParam("limit", map("type", "integer", "minimum", 1, "maximum", 500, "default", 100),
                                "Page size")),
                null, withAuth(responses(200, json("A page of events", ref("AuditPage")),
                        400, problem("Invalid action (`invalid_action`), time (`invalid_time`), cursor or limit"),
                        403, problem("Not an admin and no job_id (`forbidden`)"),
                        404, problem("Unknown job (job_id of a non-admin)"))), false)));
        paths.put(api + "/export/jobs/{id}/link", map("post", op("A signed download link for a completed job: "
                        + "the URL works without an Authorization header until expires_at (default "
                        + "server.signed_links.default_ttl, at most max_ttl)", "createLink", id,
                map("required", false, "content", map("application/json", map("schema", object(List.of(),
                        "expires_in", map("type", "integer", "minimum", 1, "description",
                                "Seconds the link stays valid, at most server.signed_links.max_ttl"))))),
                withAuth(responses(201, json("The link", object(List.of("url", "expires_at"),
                                "url", map("type", "string", "description", "Absolute when server.public_url is set, "
                                        + "else a path: /api/v1/export/jobs/{id}/download?token=…"),
                                "expires_at", map("type", "string", "format", "date-time"))),
                        400, problem("Invalid expires_in (`invalid_expires_in`) or body"),
                        404, problem("Unknown job"), 409, problem("Not completed, or its file is gone (`not_ready`)"),
                        410, problem(DELETED))), false)));

        doc.put("components", components());
        return doc;
    }

    private static Map<String, Object> components() {
        Map<String, Object> schemas = map();
        schemas.put("Problem", object(List.of("type", "title", "status", "detail", "code"),
                "type", map("type", "string", "format", "uri"),
                "title", str(), "status", map("type", "integer"), "detail", str(),
                "code", ref("ProblemCode"),
                "field", map("type", "string", "description", "The request field at fault, e.g. filters[1].value"),
                "instance", str(), "request_id", str()));
        schemas.put("Filter", object(List.of("column", "op"),
                "column", str(),
                "op", map("type", "string", "enum", filterOps(), "description", "Those valid on the column are in "
                        + "its operators (GET /export/tables)"),
                "value", map("description", "A scalar; an array for in, not_in (values) and between (two values)")));
        schemas.put("ScheduleDefinition", object(List.of("name", "cron", "request"),
                "name", str(),
                "cron", map("type", "string", "description", "Five fields (minute hour day-of-month month day-of-week), "
                        + "or six with seconds first"),
                "time_zone", map("type", "string", "default", "UTC", "description", "IANA zone the cron is read in"),
                "catch_up", map("type", "string", "enum", List.of("last", "none"), "default", "last"),
                "paused", map("type", "boolean", "default", false),
                "request", ref("ExportRequest"),
                "deliveries", map("type", "array", "items", map("type", "object")),
                "notify_url", str(), "notify_email", map("type", List.of("string", "array")),
                "condition", map("type", "string", "description", "Deliver only when it holds, e.g. rows > 0")));
        schemas.put("Schedule", object(List.of("id", "name", "owner", "cron", "time_zone", "paused", "request"),
                "id", str(), "name", str(), "owner", str(), "cron", str(), "time_zone", str(),
                "catch_up", map("type", "string", "enum", List.of("last", "none")), "paused", map("type", "boolean"),
                "request", map("type", "object"), "deliveries", map("type", "array", "items", map("type", "object")),
                "condition", nullable("string"), "next_run_at", timestamp(),
                "next_runs", map("type", "array", "items", timestamp()), "last_run_at", timestamp(),
                "last_job_id", nullable("string"), "last_status", nullable("string"), "last_error", nullable("string"),
                "created_at", timestamp(), "updated_at", timestamp()));
        schemas.put("SortKey", object(List.of("column"), "column", str(),
                "dir", map("type", "string", "enum", List.of("asc", "desc"), "default", "asc")));
        schemas.put("ExportRequest", object(List.of(),
                "dataset", map("type", "string", "description", "Required but for a picture of a report (report)"),
                "format", map("type", "string", "enum", formats().stream().map(FormatDescriptor::id).toList(),
                        "default", "csv"),
                "columns", map("type", "array", "items", str(), "description", "Subset and order; default all"),
                "filters", map("type", "array", "items", ref("Filter")),
                "sort", map("type", "array", "items", ref("SortKey")),
                "row_limit", map("type", "integer", "minimum", 1),
                "ids", map("type", "array", "items", map("type", List.of("string", "integer", "number")),
                        "description", "Export only these keys (dataset with a one-column primary key)"),
                "date_from", map("type", "string", "description", "Inclusive lower bound on the time column"),
                "date_to", map("type", "string", "description", "Exclusive upper bound on the time column"),
                "compress", map("type", "boolean", "default", false),
                "options", map("type", "object", "description", "The options of the request's format: the "
                        + "FormatOptions<Format> schema of that format (also listed by GET /export/formats)",
                        "anyOf", formats().stream().map(f -> ref(optionsSchemaName(f))).toList()),
                "delivery", map("type", "string", "enum", List.of("sync", "async", "auto"), "default", "auto",
                        "description", "With deliveries, notify_url, notify_email or a condition: async (sync is refused)"),
                "series", ref("SeriesRequest"),
                "deliveries", map("type", "array", "items", ref("DeliveryTarget"), "description", "Where to push the "
                        + "result when the job completes, fails or expires"),
                "notify_url", map("type", "string", "description", "A webhook for this export (webhooks.allowed_hosts)"),
                "notify_email", map("type", List.of("string", "array"), "items", str(),
                        "description", "Addresses emailed when this export ends"),
                "condition", map("type", "string", "description", "Deliver only when it holds on the result: "
                        + "rows > 0, rows == 0, max|min|sum|avg(<measure column>) <op> <number>"),
                "report", map("type", "string", "description", "format png or pdf_visual: the configured report to "
                        + "draw (GET /export/reports), instead of dataset and series"),
                "widget", map("type", "string", "description", "With report: only this widget of it")));
        schemas.put("DeliveryTarget", object(List.of("type"),
                "type", map("type", "string", "enum", List.of("webhook", "email", "storage")),
                "url", map("type", "string", "description", "webhook: http(s) URL"),
                "to", map("type", List.of("string", "array"), "items", str(), "description", "email: addresses"),
                "subject", map("type", "string", "description", "email: subject line"),
                "target", map("type", "string", "description", "storage: a target of delivery_storage"),
                "name", map("type", "string", "description", "storage: file name template, default "
                        + "{dataset}/{yyyy}/{MM}/{dd}/{job}.{ext}")));
        schemas.put("DeliveryLogEntry", object(List.of("event", "type", "target", "status", "attempts"),
                "event", map("type", "string", "enum", List.of("export.completed", "export.failed", "export.expired")),
                "type", map("type", "string", "enum", List.of("webhook", "email", "storage")),
                "target", str(),
                "status", map("type", "string", "enum", List.of("pending", "delivered", "failed")),
                "attempts", map("type", "integer"),
                "last_status", nullable("integer"), "last_error", nullable("string"),
                "last_attempt_at", timestamp(), "next_attempt_at", timestamp()));
        schemas.put("SeriesMeasure", object(List.of("agg"),
                "column", map("type", "string", "description", "Required but for count, which counts rows without one"),
                "agg", map("type", "string", "enum", List.of("count", "count_distinct", "sum", "avg", "min", "max"))));
        schemas.put("SeriesRequest", object(List.of(),
                "time_column", map("type", "string", "description", "Default: the dataset's time column, or its only "
                        + "date/timestamp column"),
                "timeframe", map("type", "string", "enum", List.of("last_24h", "last_7d", "last_30d", "today",
                        "yesterday", "this_week", "last_week", "this_month", "last_month", "this_year"),
                        "description", "Or from and to"),
                "from", map("type", "string", "description", "Inclusive: a date, a local date-time (in time_zone) or an "
                        + "instant with offset"),
                "to", map("type", "string", "description", "Exclusive, as from"),
                "time_zone", map("type", "string", "default", "UTC", "description", "IANA zone the buckets align in"),
                "granularity", map("type", "string", "enum", List.of("minute", "hour", "day", "week", "month",
                        "quarter", "year"), "default", "day"),
                "measures", map("type", "array", "items", ref("SeriesMeasure"), "description", "Default: [{agg: count}]"),
                "group_by", map("type", "array", "items", str()),
                "fill", map("type", "string", "enum", List.of("zero", "null", "none"), "default", "zero")));
        schemas.put("ProblemCode", problemCodes());
        schemas.put("Job", object(List.of("id", "status"),
                "id", str(), "dataset", str(), "format", str(),
                "status", map("type", "string", "enum", statuses()),
                "columns", map("type", "array", "items", str()),
                "filters", map("type", "array", "items", ref("Filter")),
                "sort", map("type", "array", "items", ref("SortKey")),
                "row_limit", nullable("integer"), "compress", map("type", "boolean"),
                "ids", map("type", "array", "items", map()), "date_from", nullable("string"),
                "date_to", nullable("string"), "series", ref("SeriesRequest"),
                "report", str(), "widget", str(),
                "options", map("type", "object"), "owner", str(),
                "total_rows", nullable("integer"), "processed_rows", map("type", "integer"),
                "progress", map("type", List.of("number", "null"), "minimum", 0, "maximum", 1),
                "row_count", nullable("integer"), "file_name", nullable("string"),
                "file_size_bytes", nullable("integer"), "content_type", nullable("string"),
                "error_code", map("anyOf", List.of(ref("ProblemCode"), map("type", "null"))),
                "error_message", nullable("string"),
                "attempts", map("type", "integer"),
                "created_at", timestamp(), "started_at", timestamp(), "completed_at", timestamp(),
                "expires_at", timestamp(),
                "schedule_id", nullable("string"), "condition", nullable("string"),
                "condition_met", map("type", List.of("boolean", "null")),
                "deliveries", map("type", "array", "items", ref("DeliveryLogEntry"))));
        schemas.put("JobList", object(List.of("jobs", "next_cursor"),
                "jobs", map("type", "array", "items", ref("Job")), "next_cursor", nullable("string")));
        schemas.put("FormatList", object(List.of("formats"), "formats", map("type", "array", "items", object(
                List.of("id", "extension", "content_type", "compressible", "options"),
                "id", map("type", "string", "enum", formats().stream().map(FormatDescriptor::id).toList()),
                "extension", str(), "content_type", str(), "compressible", map("type", "boolean"),
                "options", map("type", "array", "items", object(
                        List.of("name", "type", "default", "description", "common"), "name", str(),
                        "type", map("type", "string", "enum", Arrays.stream(OptionType.values())
                                .map(OptionType::wireName).toList()),
                        "default", map("description", "The value used when the option is absent; null when none "
                                + "is to be stated (e.g. the dataset name)"),
                        "choices", map("type", "array", "items", str(), "description", "Choice options only"),
                        "min", map("type", "integer", "description", "Bounded number and size options only"),
                        "max", map("type", "integer", "description", "Bounded number and size options only"),
                        "description", str(),
                        "common", map("type", "boolean", "description", "Taken by every format")))))));
        for (FormatDescriptor f : formats()) schemas.put(optionsSchemaName(f), optionsSchema(f));
        schemas.put("Column", object(List.of("name", "type", "sql_type", "nullable", "operators"),
                "name", str(),
                "type", map("type", "string", "enum", List.of("integer", "decimal", "float", "boolean", "string", "date",
                        "time", "timestamp", "timestamptz", "binary", "text")),
                "sql_type", str(), "nullable", map("type", "boolean"),
                "masked", map("type", "string", "enum", List.of("email", "last4", "hash", "null"),
                        "description", "Present when the caller's role exports this column masked"),
                "operators", map("type", "array", "items", map("type", "string", "enum", filterOps()),
                        "description", "The filter operators valid on this column for the caller (its type's; none "
                                + "when masked)")));
        schemas.put("DatasetList", object(List.of("datasets"), "datasets", map("type", "array", "items", object(
                List.of("name", "columns"), "name", str(), "source", str(), "kind", str(),
                "columns", map("type", "array", "items", ref("Column")),
                "primary_key", map("type", "array", "items", str()),
                "time_column", nullable("string")))));
        schemas.put("Preview", object(List.of("dataset", "columns", "rows"), "dataset", str(),
                "columns", map("type", "array", "items", object(List.of("name", "type"), "name", str(), "type", str())),
                "limit", map("type", "integer"),
                "rows", map("type", "array", "items", map("type", "object"))));
        schemas.put("Session", object(List.of("principal", "role", "admin", "csrf_token", "expires_at"),
                "principal", str(), "role", str(), "admin", map("type", "boolean"),
                "csrf_token", map("type", "string", "description", "Send it as X-CSRF-Token with every POST, PUT, "
                        + "PATCH and DELETE made with the cookie"),
                "expires_at", map("type", "string", "format", "date-time")));
        schemas.put("Health", object(List.of("status"), "status", str()));
        schemas.put("AuditEvent", object(List.of("id", "at", "action"),
                "id", map("type", "integer"), "at", map("type", "string", "format", "date-time"),
                "action", map("type", "string", "enum", dev.freight.audit.AuditEvent.ACTIONS),
                "principal", nullable("string"), "role", nullable("string"), "job_id", nullable("string"),
                "dataset", nullable("string"), "format", nullable("string"),
                "columns", map("type", "array", "items", str()),
                "filters", map("type", "object", "description", "The request's filters, ids, date_from, date_to and "
                        + "row_limit (only those it used)"),
                "row_count", nullable("integer"), "bytes", nullable("integer"), "client_address", nullable("string"),
                "code", map("anyOf", List.of(ref("ProblemCode"), map("type", "null")),
                        "description", "Problem code of a refusal or failure"),
                "detail", nullable("string")));
        schemas.put("AuditPage", object(List.of("events", "next_cursor"),
                "events", map("type", "array", "items", ref("AuditEvent")), "next_cursor", nullable("string")));
        return map("schemas", schemas,
                "securitySchemes", map("bearer", map("type", "http", "scheme", "bearer",
                        "description", "API key: Authorization: Bearer <key>"),
                        "session", map("type", "apiKey", "in", "cookie", "name", "freight_session",
                                "description", "Web UI session (POST /api/v1/session); requests other than GET and "
                                        + "HEAD also need X-CSRF-Token. Authorization wins when both are sent.")));
    }

    private static List<String> filterOps() {
        return Arrays.stream(FilterOp.values()).map(FilterOp::wireName).toList();
    }

    private static List<FormatDescriptor> formats() {
        return Arrays.stream(ExportFormat.values()).map(ExportFormat::descriptor).toList();
    }

    /** FormatOptionsCsv, FormatOptionsNdjson … */
    private static String optionsSchemaName(FormatDescriptor f) {
        return "FormatOptions" + Character.toUpperCase(f.id().charAt(0)) + f.id().substring(1);
    }

    /** The options a format takes, typed from its descriptor; retired ones are accepted but not described. */
    private static Map<String, Object> optionsSchema(FormatDescriptor f) {
        Map<String, Object> properties = map();
        for (OptionSpec o : f.options()) properties.put(o.name(), optionSchema(o));
        return map("type", "object", "description", "Options of the " + f.id() + " format",
                "properties", properties, "additionalProperties", false);
    }

    private static Map<String, Object> optionSchema(OptionSpec o) {
        Map<String, Object> m = switch (o.type()) {
            case STRING -> str();
            case BOOLEAN -> map("type", "boolean");
            case NUMBER -> map("type", "number");
            case SIZE -> map("type", "integer");
            case CHOICE -> map("type", "string", "enum", o.choices());
            case LABELS -> map("type", "object", "additionalProperties", str());
            case STRING_LIST -> map("type", List.of("array", "string"), "items", str());
        };
        if (o.min() != null) m.put("minimum", o.min());
        if (o.max() != null) m.put("maximum", o.max());
        if (o.defaultValue() != null) m.put("default", o.defaultValue());
        m.put("description", o.description());
        return m;
    }

    private static List<String> statuses() {
        return List.of("pending", "running", "completed", "failed", "cancelled", "expired");
    }

    private static Map<String, Object> op(String summary, String operationId, List<Object> parameters,
                                          Map<String, Object> requestBody, Map<String, Object> responses,
                                          boolean public_) {
        Map<String, Object> m = map("summary", summary, "operationId", operationId);
        if (!parameters.isEmpty()) m.put("parameters", parameters);
        if (requestBody != null) m.put("requestBody", requestBody);
        m.put("responses", responses);
        if (public_) m.put("security", List.of());
        return m;
    }

    private static Map<String, Object> withAuth(Map<String, Object> responses) {
        responses.put("401", problem("Missing or invalid API key (WWW-Authenticate: Bearer) or session"));
        responses.put("500", responses.getOrDefault("500", problem("Unexpected error (logged with the request id)")));
        return responses;
    }

    private static Map<String, Object> responses(Object... statusAndResponse) {
        Map<String, Object> m = map();
        for (int i = 0; i < statusAndResponse.length; i += 2) m.put(String.valueOf(statusAndResponse[i]), statusAndResponse[i + 1]);
        return m;
    }

    private static Map<String, Object> json(String description, Object schema) {
        return content(description, "application/json", schema);
    }

    private static Map<String, Object> content(String description, String type, Object schema) {
        return map("description", description, "content", map(type, map("schema", schema)));
    }

    private static Map<String, Object> file(String description) {
        return map("description", description,
                "headers", map("ETag", header("Strong validator"), "Content-Disposition", header("attachment"),
                        "Accept-Ranges", header("bytes"), "Content-Range", header("On 206: bytes a-b/size")),
                "content", map("application/octet-stream", map("schema", map("type", "string", "format", "binary"))));
    }

    private static Map<String, Object> problem(String description) {
        return map("description", description, "content", map(PROBLEM, map("schema", ref("Problem"))));
    }

    private static Map<String, Object> pathParam(String name, String description) {
        return map("name", name, "in", "path", "required", true, "description", description, "schema", str());
    }

    private static Map<String, Object> queryParam(String name, Object schema, String description) {
        return map("name", name, "in", "query", "required", false, "description", description, "schema", schema);
    }

    private static Map<String, Object> header(String name, String description) {
        return map("name", name, "in", "header", "required", false, "description", description, "schema", str());
    }

    private static Map<String, Object> header(String description) {
        return map("description", description, "schema", str());
    }

    private static Map<String, Object> ref(String schema) {
        return map("$ref", "#/components/schemas/" + schema);
    }

    /** Every {@link ProblemCode} with its status and meaning, and the {@code http_NNN} of errors answered before Freight. */
    private static Map<String, Object> problemCodes() {
        List<Object> codes = new ArrayList<>();
        for (ProblemCode c : ProblemCode.values()) {
            codes.add(map("const", c.code(), "description",
                    (c.status() == 0 ? "(no HTTP answer) " : c.status() + ": ") + c.meaning()));
        }
        codes.add(map("pattern", ProblemCode.HTTP_STATUS_PATTERN,
                "description", "another HTTP error, answered by the HTTP server before any route ran"));
        return map("type", "string", "description", "Stable error code of a problem, a failed job (error_code) and an "
                + "audit event; what clients switch on. A code is never renamed; new ones may be added.", "oneOf", codes);
    }

    private static Map<String, Object> str() {
        return map("type", "string");
    }

    private static Map<String, Object> nullable(String type) {
        return map("type", List.of(type, "null"));
    }

    private static Map<String, Object> timestamp() {
        return map("type", List.of("string", "null"), "format", "date-time");
    }

    private static Map<String, Object> object(List<String> required, Object... properties) {
        return map("type", "object", "required", new ArrayList<>(required), "properties", map(properties));
    }

    private static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }
}
