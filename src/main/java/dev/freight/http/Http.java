package dev.freight.http;

import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.job.Job;
import dev.freight.job.JobService;
import dev.freight.auth.Principal;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Small request/response helpers shared by the route classes. */
final class Http {
    static final String JSON = "application/json";
    static final String PROBLEM_JSON = "application/problem+json";
    static final String CALLER = "freight.caller";
    static final String REQUEST_ID = "freight.request_id";

    /**
     * Who is calling; set by the authentication filter before any handler runs. {@code keySha256}: the hex SHA-256 of
     * the API key the request came with, directly or through a browser session; null for a signed link.
     */
    record Caller(Principal principal, String keySha256) {
        String name() {
            return principal.name();
        }

        boolean admin() {
            return principal.isAdmin();
        }
    }

    private Http() {
    }

    static Caller caller(Context ctx) {
        Caller c = ctx.attribute(CALLER);
        if (c == null) throw new IllegalStateException("no caller: authentication filter did not run");
        return c;
    }

    static String requestId(Context ctx) {
        String id = ctx.attribute(REQUEST_ID);
        return id == null ? "-" : id;
    }

    static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType(JSON).result(Json.bytes(body));
    }

    /**
     * The job, if it exists and the caller may see it. Others' jobs are "not found", never "forbidden": that
     * would confirm that the id exists.
     */
    static Job visibleJob(Context ctx, JobService jobs) {
        String id = ctx.pathParam("id");
        Caller caller = caller(ctx);
        Optional<Job> job = jobs.get(id).filter(j -> caller.admin() || j.owner().equals(caller.name()));
        if (job.isPresent()) return job.get();
        // A job its owner deleted is gone (410), for that owner and admins; to anyone else it never existed.
        boolean deletedOwnJob = dev.freight.job.JobIds.isWellFormed(id) && jobs.store().deletedOwner(id)
                .filter(owner -> caller.admin() || owner.equals(caller.name())).isPresent();
        if (deletedOwnJob) throw ApiProblem.gone(ProblemCode.DELETED, "export job '" + id + "' was deleted");
        throw ApiProblem.notFound("no export job '" + Messages.shorten(id) + "'");
    }

    /** Reads at most {@code max} bytes of request body; more is a 413, whether announced by Content-Length or not. */
    static byte[] body(Context ctx, long max) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        InputStream in = ctx.req().getInputStream();
        if (declared > max) {
            drain(in, declared);
            throw tooLarge(max);
        }
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (bytes.length > max) {
            drain(in, -1);
            throw tooLarge(max);
        }
        return bytes;
    }

    /** Bodies up to this size are read to the end before a 413, so the client is not cut off mid-upload. */
    private static final long DRAIN_LIMIT = 16L * 1024 * 1024;

    /**
     * Discards the rest of a refused body. Answering while the client is still sending makes many clients see a
     * connection reset instead of the 413; past {@link #DRAIN_LIMIT} the connection is simply closed.
     */
    private static void drain(InputStream in, long declared) {
        if (declared > DRAIN_LIMIT) return;
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        try {
            int n;
            while (total < DRAIN_LIMIT && (n = in.read(buffer)) >= 0) total += n;
        } catch (IOException ignored) {
            // the client gave up; the 413 goes nowhere anyway
        }
    }

    private static ApiProblem tooLarge(long max) {
        return new ApiProblem(413, ProblemCode.PAYLOAD_TOO_LARGE, null, "the request body is larger than " + max + " bytes")
                .withHeader("Connection", "close");
    }

    /** The {@code limit} query parameter: an integer within [1, max], or its default when absent. */
    static int limitParam(Context ctx, int dflt, int max) {
        String raw = ctx.queryParam("limit");
        if (raw == null || raw.isEmpty()) return dflt;
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= 1 && v <= max) return v;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiProblem.badRequest(ProblemCode.INVALID_LIMIT, "limit", "limit must be an integer from 1 to " + max + ", got '"
                + Messages.shorten(raw) + "'");
    }
}
