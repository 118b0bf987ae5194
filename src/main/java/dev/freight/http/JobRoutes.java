package dev.freight.http;

import dev.freight.delivery.DeliveryRecord;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.export.PreparedExport;
import dev.freight.job.Job;
import dev.freight.job.JobService;
import dev.freight.job.JobStatus;
import dev.freight.error.IdempotencyKeyReusedException;
import dev.freight.job.JobStore;
import dev.freight.error.InvalidRequestException;
import dev.freight.audit.AuditEvent;
import dev.freight.audit.AuditLog;
import dev.freight.auth.Principal;
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
    private final FreightServer.Settings settings;
    private final AuditLog audit;
    private final LimitGuard limits;
    private final SyncExport sync;

    JobRoutes(JobService jobs, FreightServer.Settings settings, LimitGuard limits) {
        this.jobs = jobs;
        this.settings = settings;
        this.limits = limits;
        this.audit = jobs.exports().audit();
        this.sync = new SyncExport(jobs.exports());
    }

    /**
     * POST /export/jobs. The request is validated completely (planner, format, options) before anything is stored
     * or streamed; then {@code delivery} decides: sync streams the file in this response, async queues a job,
     * auto does whichever the row estimate says.
     */
    void create(Context ctx) throws IOException {
        Http.Caller caller = Http.caller(ctx);
        ExportRequestParser.Parsed parsed = null;
        PreparedExport prepared;
        String idempotencyKey;
        Delivery delivery;
        JobStore.SyncSlot syncAdmission = null;
        // Every refusal past authentication is audited, whatever refused it: request, permissions or limits.
        try {
            idempotencyKey = idempotencyKey(ctx);
            parsed = ExportRequestParser.parse(Http.body(ctx, limits.maxBody(caller.principal(), settings.maxRequestBytes())));
            prepared = jobs.exports().prepare(parsed.request(), caller.principal());
            jobs.checkDeliveries(parsed.plan(), prepared);
            delivery = parsed.delivery();
            if (delivery == Delivery.AUTO) delivery = estimate(prepared).delivery();
            if (delivery == Delivery.SYNC) syncAdmission = limits.admitSync(caller.principal());
        } catch (dev.freight.engine.ExportFailedException e) {
            // No renderer on this node: refused like a bad request, with the code the answer carries.
            refused(ctx, caller, parsed, e.code(), e.getMessage());
            throw e;
        } catch (InvalidRequestException e) {
            refused(ctx, caller, parsed, e.code(), e.getMessage());
            throw e;
        } catch (ApiProblem e) {
            refused(ctx, caller, parsed, e.code(), e.getMessage());
            throw e;
        }
        // What runs (format resolved, values converted to their columns' types) is what is stored and audited.
        ctx.header("X-Freight-Delivery", delivery.wireName());
        if (delivery == Delivery.SYNC) {
            PreparedExport sent = prepared.audited(e -> e.from(ctx.ip()).withDetail("sync"));
            audit.record(sent.auditEvent());
            try (JobStore.SyncSlot counted = syncAdmission) {
                sync.stream(ctx, sent);
            }
            return;
        }
        AuditEvent event = prepared.auditEvent().from(ctx.ip());
        JobStore.Created created;
        try {
            created = limits.submit(caller.principal(), idempotencyKey, prepared, parsed.plan());
        } catch (IdempotencyKeyReusedException e) {
            refused(ctx, caller, parsed, ProblemCode.IDEMPOTENCY_KEY_REUSED.code(), e.getMessage());
            throw new ApiProblem(422, ProblemCode.IDEMPOTENCY_KEY_REUSED, "Idempotency-Key", e.getMessage());
        } catch (ApiProblem problem) {
            refused(ctx, caller, parsed, problem.code(), problem.getMessage());
            throw problem;
        }
        // Dated when the job was created: a worker may finish it before this line runs, and the trail must still
        // read created → completed.
        if (created.created()) audit.record(event.withJob(created.job().id()).at(created.job().createdAt()));
        ctx.header("Location", JobJson.location(created.job().id()));
        // 202 for a new job; 200 for the job an earlier request with the same Idempotency-Key created.
        Http.json(ctx, created.created() ? 202 : 200, JobJson.of(created.job(), jobs.store().deliveryLog(created.job().id())));
    }

    /** A create that was refused (invalid request, permissions, limits), with whatever of the request was read. */
    private void refused(Context ctx, Http.Caller caller, ExportRequestParser.Parsed parsed, String code, String message) {
        audit.record(AuditEvent.of(AuditEvent.EXPORT_REFUSED, caller.principal(), parsed == null ? null : parsed.request())
                .withProblem(code, message).from(ctx.ip()));
    }

    /** The export's one row count, and the delivery auto would choose by it. */
    private Estimate estimate(PreparedExport prepared) {
        if (prepared.visual() != null) {
            // A picture of one widget or chart may answer in the request; a whole report runs as a job.
            return new Estimate(OptionalLong.empty(), prepared.visual().report() ? Delivery.ASYNC : Delivery.SYNC);
        }
        OptionalLong rows = prepared.rowCount().value();
        return new Estimate(rows, rows.isPresent() && rows.getAsLong() <= settings.syncMaxRows()
                ? Delivery.SYNC : Delivery.ASYNC);
    }

    private record Estimate(OptionalLong rows, Delivery delivery) {
    }

    /**
     * POST /export/estimate: a create's body, validated as a create is (permissions and max_rows included), answered
     * with the estimated rows and the delivery the create would use. Nothing runs, is stored, audited or counted
     * against the rate limit: the UI asks while the user is still editing.
     */
    void estimate(Context ctx) throws IOException {
        Http.Caller caller = Http.caller(ctx);
        ExportRequestParser.Parsed parsed = ExportRequestParser.parse(
                Http.body(ctx, limits.maxBody(caller.principal(), settings.maxRequestBytes())));
        PreparedExport prepared = jobs.exports().prepare(parsed.request(), caller.principal());
        jobs.checkDeliveries(parsed.plan(), prepared);
        Estimate estimate = estimate(prepared);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("estimated_rows", estimate.rows().isPresent() ? estimate.rows().getAsLong() : null);
        body.put("delivery", (parsed.delivery() == Delivery.AUTO ? estimate.delivery() : parsed.delivery()).wireName());
        body.put("format", prepared.format().id());
        body.put("sync_max_rows", settings.syncMaxRows());
        Http.json(ctx, 200, body);
    }

    private static String idempotencyKey(Context ctx) {
        String key = ctx.header("Idempotency-Key");
        if (key == null) return null;
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw ApiProblem.badRequest(ProblemCode.INVALID_IDEMPOTENCY_KEY, "Idempotency-Key", "the Idempotency-Key header "
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
            status = JobStatus.fromWire(rawStatus).orElseThrow(() -> ApiProblem.badRequest(ProblemCode.INVALID_STATUS, "status",
                    Messages.unknown("status", rawStatus, JobStatus.choices())));
        }
        int limit = Http.limitParam(ctx, LIST_DEFAULT, LIST_MAX);
        String cursor = ctx.queryParam("cursor");
        if (cursor != null && cursor.isEmpty()) cursor = null;
        // A tampered cursor: InvalidRequestException invalid_cursor (400).
        JobStore.Page page = jobs.store().list(caller.admin() ? null : caller.name(), status, cursor, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        Map<String, java.util.List<DeliveryRecord>> logs = jobs.store().deliveryLogs(
                page.jobs().stream().map(Job::id).toList());
        body.put("jobs", page.jobs().stream().map(j -> JobJson.of(j, logs.getOrDefault(j.id(), java.util.List.of())))
                .toList());
        body.put("next_cursor", page.nextCursor());
        Http.json(ctx, 200, body);
    }

    void get(Context ctx) {
        Job job = Http.visibleJob(ctx, jobs);
        Http.json(ctx, 200, JobJson.of(job, jobs.store().deliveryLog(job.id())));
    }

    /** 202 when the job is cancelled or will stop within a second; 409 when it had already finished. */
    void cancel(Context ctx) {
        Job job = Http.visibleJob(ctx, jobs);
        JobStore.CancelOutcome outcome = jobs.cancel(job.id());
        if (outcome == JobStore.CancelOutcome.CANCELLED || outcome == JobStore.CancelOutcome.CANCEL_REQUESTED) {
            audit.record(AuditEvent.of(AuditEvent.EXPORT_CANCELLED, Http.caller(ctx).principal(), job.request())
                    .withJob(job.id()).from(ctx.ip()).withDetail(outcome == JobStore.CancelOutcome.CANCELLED
                            ? "cancelled before it ran" : "cancel requested while running"));
        }
        switch (outcome) {
            case CANCELLED, CANCEL_REQUESTED -> Http.json(ctx, 202, JobJson.of(jobs.get(job.id()).orElse(job), jobs.store().deliveryLog(job.id())));
            case ALREADY_FINISHED -> throw ApiProblem.conflict(ProblemCode.ALREADY_FINISHED, "job " + job.id() + " is already "
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
            throw ApiProblem.conflict(ProblemCode.NOT_RETRYABLE, "job " + job.id() + " is " + job.status().wireName()
                    + "; only failed, cancelled or expired jobs can be retried");
        }
        // The new job belongs to the owner of the old one, also when an admin retries it for them, and counts
        // against that owner's limits.
        Principal owner = job.owner().equals(caller.name()) ? caller.principal() : job.principal();
        // Validated again against today's catalog and the owner's permissions.
        PreparedExport prepared = jobs.exports().prepare(job.request(), owner);
        // The deliveries go with it: the new job ends as the old one was meant to.
        JobStore.Created created = limits.submit(owner, null, prepared, job.plan());
        audit.record(AuditEvent.of(AuditEvent.EXPORT_CREATED, caller.principal(), created.job().request())
                .withJob(created.job().id()).at(created.job().createdAt()).from(ctx.ip())
                .withDetail("retry of " + job.id()));
        ctx.header("Location", JobJson.location(created.job().id()));
        Http.json(ctx, 202, JobJson.of(created.job(), java.util.List.of()));
    }

    void delete(Context ctx) throws IOException {
        Job job = Http.visibleJob(ctx, jobs);
        jobs.delete(job);
        audit.record(AuditEvent.of(AuditEvent.EXPORT_DELETED, Http.caller(ctx).principal(), job.request())
                .withJob(job.id()).from(ctx.ip()));
        ctx.status(204);
    }
}
