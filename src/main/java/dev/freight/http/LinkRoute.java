package dev.freight.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.job.Job;
import dev.freight.job.JobIds;
import dev.freight.job.JobService;
import dev.freight.job.JobStatus;
import dev.freight.auth.ApiKeyCheck;
import dev.freight.auth.ApiKeys;
import dev.freight.audit.AuditEvent;
import dev.freight.audit.AuditLog;
import dev.freight.auth.LinkSigner;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signed download links: {@code POST /export/jobs/{id}/link} hands out a URL whose {@code token} lets anyone holding
 * it download that job's file without an API key until it expires; {@link #callerOf} accepts such a token in place
 * of the API key, for that download only.
 */
final class LinkRoute {
    /** The principal who asked for the link, for whoever records the download. */
    static final String SIGNED_BY = "freight.link_principal";
    /** When the link expires: a download it leads to elsewhere (a presigned S3 URL) expires no later. */
    static final String LINK_EXPIRES = "freight.link_expires";
    private static final Pattern DOWNLOAD = Pattern.compile(Pattern.quote(FreightServer.API)
            + "/export/jobs/([^/]+)/download/?");

    private final JobService jobs;
    private final LinkSigner signer;
    private final ApiKeyCheck keys;
    private final FreightServer.Settings settings;
    private final LimitGuard limits;
    private final AuditLog audit;

    LinkRoute(JobService jobs, LinkSigner signer, ApiKeyCheck keys, FreightServer.Settings settings, LimitGuard limits,
              AuditLog audit) {
        this.jobs = jobs;
        this.signer = signer;
        this.keys = keys;
        this.settings = settings;
        this.limits = limits;
        this.audit = audit;
    }

    /**
     * A GET or HEAD of a job's download that carries a token. Only well-formed job ids qualify, so the id checked
     * against the token is exactly the one the download route reads.
     */
    boolean isSignedDownload(Context ctx) {
        if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD) return false;
        if (ctx.queryParam("token") == null) return false;
        Matcher m = DOWNLOAD.matcher(ctx.path());
        return m.matches() && JobIds.isWellFormed(m.group(1));
    }

    /**
     * The caller a valid token acts as: the job's owner, whose job the download route then finds as usual.
     * 403 {@code invalid_link} for a forged, damaged, outdated or another job's token; 410 {@code link_expired} once
     * expired; 403 {@code link_revoked} once the API key that made it is revoked (or gone from the config), as seen
     * through the same cache as requests with that key.
     */
    Http.Caller callerOf(Context ctx) {
        Matcher m = DOWNLOAD.matcher(ctx.path());
        if (!m.matches()) throw new IllegalStateException("not a signed download: " + ctx.path());
        String id = m.group(1);
        LinkSigner.Verification v = signer.verify(ctx.queryParam("token"), id);
        switch (v.status()) {
            case INVALID -> throw new ApiProblem(403, ProblemCode.INVALID_LINK, "token", "this download link is not valid "
                    + "(damaged, or not for this job); ask for a new one with POST " + JobJson.location(id) + "/link");
            case OUTDATED -> throw new ApiProblem(403, ProblemCode.INVALID_LINK, "token", "this download link was made by an "
                    + "earlier version of Freight, whose links did not name their API key; ask for a new one with POST "
                    + JobJson.location(id) + "/link");
            case EXPIRED -> throw ApiProblem.gone(ProblemCode.LINK_EXPIRED, "this download link expired at " + v.expiresAt()
                    + "; ask for a new one with POST " + JobJson.location(id) + "/link");
            case VALID -> { }
        }
        // A delivered link names no API key (none asked for it): it lasts as long as the file, unless the job is deleted.
        if (!LinkSigner.DELIVERY_FINGERPRINT.equals(v.keyFingerprint())
                && keys.authenticateFingerprint(v.keyFingerprint()).isEmpty()) {
            throw new ApiProblem(403, ProblemCode.LINK_REVOKED, "token", "the API key that made this download link was revoked "
                    + "(or removed); ask for a new one with POST " + JobJson.location(id) + "/link");
        }
        ctx.attribute(SIGNED_BY, v.principal());
        ctx.attribute(LINK_EXPIRES, v.expiresAt());
        Optional<Job> job = jobs.get(id);
        if (job.isPresent()) return new Http.Caller(job.get().principal(), null);
        if (jobs.store().deletedOwner(id).isPresent()) {
            throw ApiProblem.gone(ProblemCode.DELETED, "export job '" + id + "' was deleted");
        }
        throw ApiProblem.notFound("no export job '" + id + "'");
    }

    /** POST /export/jobs/{id}/link: 201 {url, expires_at} for a completed job whose file is there. */
    void create(Context ctx) throws IOException {
        Http.Caller caller = Http.caller(ctx);
        Job job = Http.visibleJob(ctx, jobs);
        Duration ttl = expiresIn(Http.body(ctx, limits.maxBody(caller.principal(), settings.maxRequestBytes())));
        if (job.status() != JobStatus.COMPLETED || jobs.files().size(job.storageKey()).isEmpty()) {
            throw ApiProblem.conflict(ProblemCode.NOT_READY, "job " + job.id() + " is " + job.status().wireName()
                    + (job.status() == JobStatus.COMPLETED ? " but its file is gone" : "")
                    + "; links are for completed jobs whose file can be downloaded");
        }
        if (!signer.enabled()) {
            throw new ApiProblem(503, ProblemCode.LINKS_DISABLED, null, "signed links are not configured on this server");
        }
        if (caller.keySha256() == null) {
            throw new ApiProblem(403, ProblemCode.FORBIDDEN, null, "links are made with an API key or a browser session");
        }
        LinkSigner.Link link = signer.sign(job.id(), caller.name(), ApiKeys.fingerprint(caller.keySha256()), ttl);
        String path = JobJson.location(job.id()) + "/download?token=" + link.token();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", settings.publicUrl() == null ? path : settings.publicUrl() + path);
        body.put("expires_at", JobJson.ts(link.expiresAt()));
        audit.record(AuditEvent.of(AuditEvent.LINK_CREATED, caller.principal(), job.request()).withJob(job.id())
                .from(ctx.ip()).withDetail("expires " + JobJson.ts(link.expiresAt())));
        Http.json(ctx, 201, body);
    }

    /** The optional body {"expires_in": seconds}; none (or {}) means server.signed_links.default_ttl. */
    private Duration expiresIn(byte[] body) {
        if (new String(body, StandardCharsets.UTF_8).isBlank()) return signer.defaultTtl();
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiProblem.badRequest(ProblemCode.MALFORMED_JSON, null, "the request body is not valid JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiProblem.badRequest(ProblemCode.MALFORMED_JSON, null, "the request body could not be read");
        }
        if (root == null || !root.isObject()) {
            throw ApiProblem.badRequest(ProblemCode.INVALID_TYPE, null, "the request body must be a JSON object such as "
                    + "{\"expires_in\": 300}, or empty");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("expires_in")) {
                throw ApiProblem.badRequest(ProblemCode.UNKNOWN_FIELD, name, Messages.unknown("field", name,
                        List.of("expires_in")));
            }
        }
        JsonNode n = root.get("expires_in");
        if (n == null || n.isNull()) return signer.defaultTtl();
        long max = signer.maxTtl().toSeconds();
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 1 || n.longValue() > max) {
            throw ApiProblem.badRequest(ProblemCode.INVALID_EXPIRES_IN, "expires_in", "expires_in must be a whole number of "
                    + "seconds from 1 to " + max + ", got " + Messages.shorten(n.toString()));
        }
        return Duration.ofSeconds(n.longValue());
    }
}
