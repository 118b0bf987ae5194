package dev.freight.http;

import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.job.JobIds;
import dev.freight.job.JobService;
import dev.freight.audit.AuditEvent;
import dev.freight.audit.AuditLog;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GET /audit: the audit log, newest first, one page per cursor. Admins read everything. Anyone else may read the
 * trail of one of their own jobs ({@code job_id}), which is what a job's detail view shows; another principal's
 * job id is a 404, as on the job routes, and without {@code job_id} the answer is 403.
 */
final class AuditRoutes {
    private final JobService jobs;
    private final AuditLog audit;

    AuditRoutes(JobService jobs, AuditLog audit) {
        this.jobs = jobs;
        this.audit = audit;
    }

    void list(Context ctx) {
        Http.Caller caller = Http.caller(ctx);
        String jobId = param(ctx, "job_id");
        if (!caller.admin()) {
            if (jobId == null) {
                throw new ApiProblem(403, ProblemCode.FORBIDDEN, null, "the audit log is for admins; pass job_id to read the "
                        + "trail of one of your own jobs");
            }
            requireOwnJob(caller, jobId);
        }
        String action = param(ctx, "action");
        if (action != null && !AuditEvent.ACTIONS.contains(action)) {
            throw ApiProblem.badRequest(ProblemCode.INVALID_ACTION, "action", Messages.unknown("action", action,
                    AuditEvent.ACTIONS));
        }
        Instant from = time(ctx, "from");
        Instant to = time(ctx, "to");
        int limit = Http.limitParam(ctx, AuditLog.DEFAULT_LIMIT, AuditLog.MAX_LIMIT);
        AuditLog.Query query = new AuditLog.Query(param(ctx, "principal"), action, param(ctx, "dataset"), jobId, from, to,
                param(ctx, "cursor"), limit);
        AuditLog.Page page;
        try {
            page = audit.find(query);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(ProblemCode.INVALID_CURSOR, "cursor", "invalid cursor; use the next_cursor of a "
                    + "previous page, unchanged");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("events", page.events().stream().map(AuditEvent::toMap).toList());
        body.put("next_cursor", page.nextCursor());
        Http.json(ctx, 200, body);
    }

    /** The caller's own job, also once deleted (its trail outlives it); anything else is "not found". */
    private void requireOwnJob(Http.Caller caller, String id) {
        boolean own = JobIds.isWellFormed(id) && (jobs.get(id).filter(j -> j.owner().equals(caller.name())).isPresent()
                || jobs.store().deletedOwner(id).filter(owner -> owner.equals(caller.name())).isPresent());
        if (!own) throw ApiProblem.notFound("no export job '" + Messages.shorten(id) + "'");
    }

    private static String param(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isEmpty() ? null : v;
    }

    /** ISO-8601 with an offset ({@code 2024-05-01T10:00:00Z}, {@code …+02:00}) or a date (midnight UTC). */
    private static Instant time(Context ctx, String name) {
        String raw = param(ctx, name);
        if (raw == null) return null;
        try {
            return OffsetDateTime.parse(raw).toInstant();
        } catch (DateTimeParseException notDateTime) {
            try {
                return java.time.LocalDate.parse(raw).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw ApiProblem.badRequest(ProblemCode.INVALID_TIME, name, name + " must be an ISO-8601 time with an offset "
                        + "(2024-05-01T10:00:00Z) or a date (2024-05-01), got '" + Messages.shorten(raw) + "'");
            }
        }
    }
}
