package dev.freight.testing;

import dev.freight.engine.ExportPlan;
import dev.freight.engine.CancellationToken;
import dev.freight.engine.ExportEngine;
import dev.freight.engine.ExportListener;
import dev.freight.engine.ExportResult;
import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.query.ExportRequest;
import dev.freight.query.QueryPlan;
import dev.freight.query.QueryPlanner;
import dev.freight.source.JdbcSource;

import java.io.ByteArrayOutputStream;

/** Runs a whole export in-process, the way the CLI and the server do: plan, engine, bytes. */
public final class ExportRunner {
    private ExportRunner() {
    }

    public record Output(byte[] bytes, ExportResult result, QueryPlan plan) {
        public String text() {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    public static Output export(JdbcSource source, ExportRequest request) {
        return export(source, new QueryPlanner(source.catalog(), source.dialect()).plan(request), request);
    }

    /**
     * The same export through the JDBC cursor and the format writer, never PostgreSQL's COPY (CSV or binary): what
     * the fast paths must equal.
     */
    public static Output exportThroughCursor(JdbcSource source, ExportRequest request) {
        return export(source, new QueryPlanner(source.catalog(), source.dialect()).plan(request), request,
                ExportEngine.cursorOnly());
    }

    /** Runs a plan made elsewhere, e.g. for what a principal's access lets through. */
    public static Output export(JdbcSource source, QueryPlan plan, ExportRequest request) {
        return export(source, plan, request, new ExportEngine());
    }

    private static Output export(JdbcSource source, QueryPlan plan, ExportRequest request, ExportEngine engine) {
        ExportFormat format = ExportFormat.fromId(request.format());
        ExportPlan job = new ExportPlan(source, plan, format, FormatOptions.parse(format, request.options()),
                request.compress());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExportResult result = engine.export(job, out, ExportListener.NONE, new CancellationToken());
        return new Output(out.toByteArray(), result, plan);
    }

    public static JdbcSource open(String jdbcUrl) {
        return JdbcSource.open("test", jdbcUrl, null, null, 2);
    }
}
