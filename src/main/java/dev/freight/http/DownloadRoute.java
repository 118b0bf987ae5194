package dev.freight.http;

import dev.freight.error.ProblemCode;
import dev.freight.job.Job;
import dev.freight.job.JobService;
import dev.freight.job.Sweeper;
import dev.freight.audit.AuditEvent;
import dev.freight.audit.AuditLog;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * GET (and HEAD) /export/jobs/{id}/download: the finished file, streamed from the file store in constant memory, with
 * single-range support (206) so interrupted downloads of big files can resume.
 *
 * <p>Status codes: 404 unknown job; 409 {@code not_finished} while pending or running; 410 {@code gone} once
 * expired or when the file is missing; 410 {@code no_file} for failed and cancelled jobs, which never had a file
 * and never will (retry creates a new job); 416 for a range past the end.
 *
 * <p>A file store that serves files itself (S3 with {@code download: redirect}) gets the GET: 307 to a presigned URL
 * that answers with the same file name, valid for {@link #REDIRECT_VALIDITY} (a signed link's: until the link
 * expires), never past the file's expiry; ranges and ETags then come from the store. HEAD is answered here.
 */
final class DownloadRoute {
    private static final Logger LOG = LoggerFactory.getLogger(DownloadRoute.class);
    private static final int BUFFER = 64 * 1024;
    /**
     * A redirect is followed at once, and the store checks the URL only when a transfer starts: a short life keeps a
     * leaked URL (a log, a history) from opening the file later. A client that resumes later comes back here.
     */
    static final Duration REDIRECT_VALIDITY = Duration.ofMinutes(5);

    private final JobService jobs;
    private final Sweeper sweeper;
    private final AuditLog audit;

    DownloadRoute(JobService jobs, Sweeper sweeper, AuditLog audit) {
        this.jobs = jobs;
        this.sweeper = sweeper;
        this.audit = audit;
    }

    void download(Context ctx) throws IOException {
        Job job = Http.visibleJob(ctx, jobs);
        switch (job.status()) {
            case PENDING, RUNNING -> throw ApiProblem.conflict(ProblemCode.NOT_FINISHED, "job " + job.id() + " is "
                    + job.status().wireName() + "; download once it is completed (watch " + JobJson.location(job.id())
                    + "/events)");
            case EXPIRED -> throw ApiProblem.gone(ProblemCode.GONE, "the file of job " + job.id() + " has expired and was deleted");
            case FAILED, CANCELLED -> throw ApiProblem.gone(ProblemCode.NO_FILE, "job " + job.id() + " is "
                    + job.status().wireName() + " and has no file; retry it to export again");
            case COMPLETED -> { }
        }
        Optional<Long> stored = jobs.files().size(job.storageKey());
        if (stored.isEmpty()) throw ApiProblem.gone(ProblemCode.GONE, "the file of job " + job.id() + " is no longer available");
        long size = stored.get();
        String etag = "\"" + job.id() + "-" + size + "\"";

        String fileName = job.fileName() == null ? job.id() : job.fileName();
        String contentType = job.contentType() == null ? "application/octet-stream" : job.contentType();
        if (ctx.method() == HandlerType.GET && redirected(ctx, job, fileName, contentType)) return;

        HttpServletResponse res = ctx.res();
        res.setHeader("ETag", etag);
        res.setHeader("Accept-Ranges", "bytes");
        res.setHeader("Cache-Control", "private, no-cache");
        res.setHeader("X-Content-Type-Options", "nosniff");
        if (job.completedAt() != null) {
            res.setHeader("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(job.completedAt().atOffset(ZoneOffset.UTC)));
        }
        if (matches(ctx.header("If-None-Match"), etag)) {
            ctx.status(304);
            return;
        }
        // If-Range: the range applies only to the very file the client has part of; otherwise send it whole.
        String ifRange = ctx.header("If-Range");
        boolean rangeApplies = ifRange == null || ifRange.trim().equals(etag);
        ByteRange.Request wanted = rangeApplies ? ByteRange.parse(ctx.header("Range"), size) : new ByteRange.Whole();
        if (wanted instanceof ByteRange.Unsatisfiable) {
            throw new ApiProblem(416, ProblemCode.RANGE_NOT_SATISFIABLE, "Range", "the requested range is outside the file of "
                    + size + " bytes").withHeader("Content-Range", "bytes */" + size);
        }
        res.setHeader("Content-Type", contentType);
        res.setHeader("Content-Disposition", ContentDisposition.attachment(fileName));
        long start = 0;
        long length = size;
        if (wanted instanceof ByteRange.Part part) {
            start = part.range().start();
            length = part.range().length();
            res.setStatus(206);
            res.setHeader("Content-Range", "bytes " + part.range().start() + "-" + part.range().end() + "/" + size);
        } else {
            res.setStatus(200);
        }
        res.setContentLengthLong(length);
        // HEAD: the same headers (size, ETag, ranges) so download managers can plan, and no body.
        if (ctx.method() == HandlerType.HEAD) return;
        long sent = copy(ctx, job, start, length);
        boolean complete = sent == length;
        // Once per request, a range request included: the bytes that reached the client, and which part it was.
        String part = wanted instanceof ByteRange.Part p ? "range " + p.range().start() + "-" + p.range().end() + "/" + size : null;
        audit.record(AuditEvent.of(AuditEvent.EXPORT_DOWNLOADED, Http.caller(ctx).principal(), job.request())
                .withJob(job.id()).withResult(job.rowCount(), sent).from(ctx.ip())
                .withDetail(complete ? part : (part == null ? "" : part + ", ") + "interrupted after " + sent + " bytes"));
        if (complete && wanted instanceof ByteRange.Whole) finished(job);
    }

    /** 307 to the store's own URL for the file, when it has one; false to serve the file here. */
    private boolean redirected(Context ctx, Job job, String fileName, String contentType) throws IOException {
        Instant now = jobs.store().clock().instant();
        Instant linkExpires = ctx.attribute(LinkRoute.LINK_EXPIRES);
        Instant until = linkExpires != null ? linkExpires : now.plus(REDIRECT_VALIDITY);
        if (job.expiresAt() != null && job.expiresAt().isBefore(until)) until = job.expiresAt();
        Optional<URI> url = jobs.files().downloadUrl(job.storageKey(), ContentDisposition.attachment(fileName),
                contentType, Duration.between(now, until));
        if (url.isEmpty()) return false;
        HttpServletResponse res = ctx.res();
        // The URL opens the file without a key until it expires: no cache or referrer should keep it.
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("Referrer-Policy", "no-referrer");
        res.setHeader("Location", url.get().toString());
        ctx.status(307);
        // What reaches the client is between it and the store: recorded as handed over, bytes unknown.
        audit.record(AuditEvent.of(AuditEvent.EXPORT_DOWNLOADED, Http.caller(ctx).principal(), job.request())
                .withJob(job.id()).withResult(job.rowCount(), null).from(ctx.ip())
                .withDetail("redirected to the file store, URL valid until " + JobJson.ts(until)));
        try {
            jobs.store().markDownloaded(job.id());
        } catch (RuntimeException e) {
            LOG.warn("job {} was downloaded but recording it failed: {}", job.id(), e.getMessage());
        }
        return true;
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) return false;
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) return true;
        }
        return false;
    }

    /** Copies at most {@code length} bytes; how many reached the client (fewer when it went away first). */
    private long copy(Context ctx, Job job, long start, long length) throws IOException {
        OutputStream out = ctx.res().getOutputStream();
        byte[] buffer = new byte[BUFFER];
        long left = length;
        try (InputStream in = jobs.files().open(job.storageKey(), start, length)) {
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) throw new IOException("file of job " + job.id() + " ended " + left + " bytes early");
                try {
                    out.write(buffer, 0, n);
                } catch (IOException clientGone) {
                    LOG.info("[{}] download of job {} interrupted by the client", Http.requestId(ctx), job.id());
                    return length - left;
                }
                left -= n;
            }
            out.flush();
            return length;
        } catch (IOException e) {
            if (ctx.res().isCommitted()) {
                LOG.info("[{}] download of job {} interrupted: {}", Http.requestId(ctx), job.id(), e.getMessage());
                return length - left;
            }
            throw e;
        }
    }

    /** A complete download of the whole file: record it, and delete the file now if so configured. */
    private void finished(Job job) {
        try {
            jobs.store().markDownloaded(job.id());
            if (jobs.settings().deleteAfterDownload()) sweeper.expireNow(job);
        } catch (RuntimeException e) {
            LOG.warn("job {} was downloaded but recording it failed: {}", job.id(), e.getMessage());
        }
    }
}
