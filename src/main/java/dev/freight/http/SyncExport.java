package dev.freight.http;

import dev.freight.engine.CancellationToken;
import dev.freight.engine.ExportEngine;
import dev.freight.engine.ExportFailedException;
import dev.freight.engine.ExportListener;
import dev.freight.engine.ExportResult;
import dev.freight.engine.Exports;
import dev.freight.error.ProblemCode;
import dev.freight.job.JobMetrics;
import dev.freight.error.InvalidRequestException;
import dev.freight.audit.AuditEvent;
import dev.freight.audit.AuditLog;
import dev.freight.source.SourceUnavailableException;
import dev.freight.export.FileSizeCap;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;

/**
 * A sync export: the engine writes straight into the response (chunked, constant memory). Until the response is
 * committed a failure can still become a problem+json; after that the only honest signal is to abort the
 * connection, so the client sees a broken transfer instead of a clean end that looks like a complete file.
 */
final class SyncExport {
    private static final Logger LOG = LoggerFactory.getLogger(SyncExport.class);

    private final JobMetrics metrics;
    private final AuditLog audit;

    SyncExport(JobMetrics metrics, AuditLog audit) {
        this.metrics = metrics;
        this.audit = audit;
    }

    /**
     * {@code created} is the audit event of the request; its outcome is recorded as completed or failed.
     * {@code maxFileBytes}: the caller's max_file_bytes; a longer export is cut off like a late failure.
     */
    void stream(Context ctx, Exports.Prepared prepared, AuditEvent created, long maxFileBytes) throws IOException {
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setHeader("Content-Type", prepared.contentType());
        res.setHeader("Content-Disposition", ContentDisposition.attachment(prepared.fileName(Instant.now(), null)));
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("X-Content-Type-Options", "nosniff");
        ClientStream out = new ClientStream(res.getOutputStream());
        FileSizeCap capped = new FileSizeCap(out, maxFileBytes);
        CancellationToken cancel = new CancellationToken();
        try {
            ExportResult result = new ExportEngine().export(prepared.job(), capped, ExportListener.NONE, cancel);
            out.flushNow();
            metrics.streamed(result.rows(), result.bytes(), result.elapsedNanos());
            audit.record(created.withAction(AuditEvent.EXPORT_COMPLETED).withResult(result.rows(), out.written).withDetail("sync"));
        } catch (RuntimeException e) {
            audit.record(created.withAction(AuditEvent.EXPORT_FAILED).withResult(null, out.written)
                    .withProblem(out.clientFailure != null ? ProblemCode.CLIENT_DISCONNECTED.code() : failureCode(e), e.getMessage()));
            if (out.clientFailure != null) {
                // The client went away; there is nobody to tell. The engine already stopped reading rows.
                LOG.info("[{}] sync export of {} stopped: client disconnected after {} bytes", Http.requestId(ctx),
                        prepared.dataset(), out.written);
                abort(ctx, out.clientFailure);
                return;
            }
            if (!res.isCommitted()) {
                // Nothing reached the client yet: drop the buffered bytes and headers, answer with a problem.
                res.reset();
                res.setHeader("X-Request-Id", Http.requestId(ctx));
                if (capped.exceeded()) throw ApiProblem.badRequest(ProblemCode.FILE_TOO_LARGE, null, capped.message());
                throw e;
            }
            LOG.warn("[{}] sync export of {} failed after {} bytes were sent; aborting the response: {}",
                    Http.requestId(ctx), prepared.dataset(), out.written, e.getMessage());
            abort(ctx, e);
        }
    }

    private static String failureCode(RuntimeException e) {
        if (e instanceof ExportFailedException f) return f.code();
        if (e instanceof InvalidRequestException i) return i.code();
        if (e instanceof SourceUnavailableException) return ProblemCode.SOURCE_UNAVAILABLE.code();
        return ProblemCode.INTERNAL_ERROR.code();
    }

    /**
     * Closes the connection without the final chunk: a truncated transfer the client cannot mistake for a file.
     * The connection is closed rather than the servlet channel aborted, which would leave Javalin's own
     * end-of-request handling failing on an aborted request.
     */
    private static void abort(Context ctx, Throwable cause) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request != null) request.getServletChannel().getEndPoint().close(cause);
    }

    /**
     * Counts bytes, remembers a write failure (the client is gone), and holds back the flushes the writers make
     * (the CSV header, for one) during the first second: until the response is committed, a query that fails at
     * once can still be answered with a proper problem+json instead of a broken transfer. Jetty still sends as
     * soon as its buffer fills, and everything buffered goes out once the second is over.
     */
    private static final class ClientStream extends FilterOutputStream {
        private static final long HOLD_NANOS = 1_000_000_000L;
        private final long started = System.nanoTime();
        private boolean holding = true;
        long written;
        IOException clientFailure;

        ClientStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
                written += len;
                if (holding && System.nanoTime() - started >= HOLD_NANOS) {
                    holding = false;
                    out.flush();
                }
            } catch (IOException e) {
                clientFailure = e;
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            if (!holding) flushNow();
        }

        void flushNow() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                clientFailure = e;
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
