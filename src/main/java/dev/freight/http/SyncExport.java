package dev.freight.http;

import dev.freight.engine.CancellationToken;
import dev.freight.engine.ExportFailedException;
import dev.freight.engine.ExportListener;
import dev.freight.engine.ExportResult;
import dev.freight.error.ProblemCode;
import dev.freight.export.ExportService;
import dev.freight.export.ExportSink;
import dev.freight.export.PreparedExport;
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

    private final ExportService exports;

    SyncExport(ExportService exports) {
        this.exports = exports;
    }

    /** Streams {@code prepared} as the response; the export service limits, audits and measures it. */
    void stream(Context ctx, PreparedExport prepared) throws IOException {
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setHeader("Content-Type", prepared.contentType());
        res.setHeader("Content-Disposition", ContentDisposition.attachment(prepared.fileName(Instant.now(), null)));
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("X-Content-Type-Options", "nosniff");
        ResponseSink sink = new ResponseSink(res);
        try {
            exports.run(prepared, sink, ExportListener.NONE, new CancellationToken());
        } catch (RuntimeException e) {
            if (sink.clientFailure != null) {
                // The client went away; there is nobody to tell. The engine already stopped reading rows.
                LOG.info("[{}] sync export of {} stopped: client disconnected after {} bytes", Http.requestId(ctx),
                        prepared.dataset(), sink.written());
                abort(ctx, sink.clientFailure);
                return;
            }
            if (!res.isCommitted()) {
                // Nothing reached the client yet: drop the buffered bytes and headers, answer with a problem.
                res.reset();
                res.setHeader("X-Request-Id", Http.requestId(ctx));
                if (e instanceof ExportFailedException f && ProblemCode.FILE_TOO_LARGE.code().equals(f.code())) {
                    throw ApiProblem.badRequest(f.code(), null, f.getMessage());
                }
                throw e;
            }
            LOG.warn("[{}] sync export of {} failed after {} bytes were sent; aborting the response: {}",
                    Http.requestId(ctx), prepared.dataset(), sink.written(), e.getMessage());
            abort(ctx, e);
        }
    }

    /** The response body as an export's destination; a write that fails is the client's failure, not the export's. */
    private static final class ResponseSink implements ExportSink {
        private final HttpServletResponse res;
        private ClientStream out;
        private IOException clientFailure;

        ResponseSink(HttpServletResponse res) {
            this.res = res;
        }

        @Override
        public OutputStream open() throws IOException {
            out = new ClientStream(res.getOutputStream(), this);
            return out;
        }

        @Override
        public boolean commit(ExportResult result) throws IOException {
            out.flushNow();
            return true;
        }

        @Override
        public void discard() {
            // Bytes sent cannot be taken back: the caller resets an uncommitted response or aborts the connection.
        }

        long written() {
            return out == null ? 0 : out.written;
        }

        @Override
        public boolean destinationFailed() {
            return clientFailure != null;
        }
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
        private final ResponseSink sink;
        private boolean holding = true;
        long written;

        ClientStream(OutputStream out, ResponseSink sink) {
            super(out);
            this.sink = sink;
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
                sink.clientFailure = e;
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
                sink.clientFailure = e;
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
