package dev.freight.http;

import dev.freight.engine.Exports;
import dev.freight.job.Job;
import dev.freight.job.JobMetrics;
import dev.freight.job.JobService;
import dev.freight.job.JobStatus;
import dev.freight.job.JobStore;
import dev.freight.query.ExportRequest;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Creating, listing, showing, cancelling, retrying and deleting export jobs. */
final class JobRoutes {
    static final int LIST_DEFAULT = 50;
    static final int LIST_MAX = 500;
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");

    private final JobService jobs;
    private final JobMetrics metrics;
    private final FreightServer.Settings settings;

    JobRoutes(JobService jobs, JobMetrics metrics, FreightServer.Settings settings) {
        this.jobs = jobs;
        this.metrics = metrics;
        this.settings = settings;
    }

    /**
     * POST /export/jobs. The request is validated completely (planner, format, options) before anything is stored
     * or streamed; then {@code delivery} decides: sync streams the file in this response, async queues a job,
     * auto does whichever the row estimate says.
     */
    void create(Context ctx) throws IOException {
        Http.Caller caller = Http.caller(ctx);
        String idempotencyKey = idempotencyKey(ctx);
        ExportRequestParser.Parsed parsed = ExportRequestParser.parse(Http.body(ctx, settings.maxRequestBytes()));
        Exports.Prepared prepared = jobs.exports().prepare(parsed.request(), caller.principal());
        // Stored with the format resolved (null → csv), so the job shows what it will produce.
        ExportRequest request = withFormat(parsed.request(), prepared.format().id());
        Delivery delivery = parsed.delivery();
        if (delivery == Delivery.AUTO) delivery = chooseByEstimate(prepared);
        ctx.header("X-Freight-Delivery", delivery.wireName());
        if (delivery == Delivery.SYNC) {
            new SyncExport(metrics).stream(ctx, prepared);
            return;
        }
        JobStore.Created created = jobs.submit(caller.principal(), idempotencyKey, prepared, request);
        ctx.header("Location", JobJson.location(created.job().id()));
        // 202 for a new job; 200 for the job an earlier request with the same Idempotency-Key created.
        Http.json(ctx, created.created() ? 202 : 200, JobJson.of(created.job()));
    }

    private Delivery chooseByEstimate(Exports.Prepared prepared) {
        // Counting stops just past the threshold: beyond it only "more" matters, and more is async.
        OptionalLong estimate = jobs.exports().estimate(prepared, settings.syncMaxRows());
        return estimate.isPresent() && estimate.getAsLong() <= settings.syncMaxRows() ? Delivery.SYNC : Delivery.ASYNC;
    }

    private static ExportRequest withFormat(ExportRequest r, String format) {
        return new ExportRequest(r.dataset(), format, r.columns(), r.filters(), r.sort(), r.rowLimit(), r.ids(),
                r.dateFrom(), r.dateTo(), r.compress(), r.options());
    }

    private static String idempotencyKey(Context ctx) {
        String key = ctx.header("Idempotency-Key");
        if (key == null) return null;
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw ApiProblem.badRequest("invalid_idempotency_key", "Idempotency-Key", "the Idempotency-Key header "
                    + "must be 1 to 200 visible ASCII characters without spaces");
        }
        return key;
    }

    /** GET /export/jobs: the caller's jobs (an admin's: everyone's), newest first, one page per cursor. */
    void list(Context ctx) {
        Http.Caller caller = Http.caller(ctx);
        JobStatus status = null;
        String rawStatus = ctx.queryParam("status");
        if (rawStatus != null && !rawStatus.isEmpty()) {
            status = JobStatus.fromWire(rawStatus).orElseThrow(() -> ApiProblem.badRequest("invalid_status", "status",
                    "unknown status '" + Http.shorten(rawStatus) + "'; statuses: pending, running, completed, failed, "
                            + "cancelled, expired"));
        }
        int limit = Http.intParam(ctx, "limit", LIST_DEFAULT, LIST_MAX);
        String cursor = ctx.queryParam("cursor");
        if (cursor != null && cursor.isEmpty()) cursor = null;
        JobStore.Page page;
        try {
            page = jobs.store().list(caller.admin() ? null : caller.name(), status, cursor, limit);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("invalid_cursor", "cursor", "invalid cursor; use the next_cursor of a "
                    + "previous page, unchanged");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobs", page.jobs().stream().map(JobJson::of).toList());
        body.put("next_cursor", page.nextCursor());
        Http.json(ctx, 200, body);
    }

    void get(Context ctx) {
        Http.json(ctx, 200, JobJson.of(Http.visibleJob(ctx, jobs)));
    }

    /** 202 when the job is cancelled or will stop within a second; 409 when it had already finished. */
    void cancel(Context ctx) {
        Job job = Http.visibleJob(ctx, jobs);
        switch (jobs.cancel(job.id())) {
            case CANCELLED, CANCEL_REQUESTED -> Http.json(ctx, 202, JobJson.of(jobs.get(job.id()).orElse(job)));
            case ALREADY_FINISHED -> throw ApiProblem.conflict("already_finished", "job " + job.id() + " is already "
                    + jobs.get(job.id()).map(j -> j.status().wireName()).orElse(job.status().wireName())
                    + "; only pending or running jobs can be cancelled");
            case NOT_FOUND -> throw ApiProblem.notFound("no export job '" + job.id() + "'");
        }
    }

    /** A failed, cancelled or expired job runs again as a new job, validated against today's catalog. */
    void retry(Context ctx) {
        Http.Caller caller = Http.caller(ctx);
        Job job = Http.visibleJob(ctx, jobs);
        if (job.status() != JobStatus.FAILED && job.status() != JobStatus.CANCELLED && job.status() != JobStatus.EXPIRED) {
            throw ApiProblem.conflict("not_retryable", "job " + job.id() + " is " + job.status().wireName()
                    + "; only failed, cancelled or expired jobs can be retried");
        }
        // The new job belongs to the owner of the old one, also when an admin retries it for them.
        JobStore.Created created = jobs.retry(job, job.owner().equals(caller.name()) ? caller.principal() : job.principal());
        ctx.header("Location", JobJson.location(created.job().id()));
        Http.json(ctx, 202, JobJson.of(created.job()));
    }

    void delete(Context ctx) throws IOException {
        Job job = Http.visibleJob(ctx, jobs);
        jobs.delete(job);
        ctx.status(204);
    }
}
