package dev.freight.engine;

import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.format.FormatWriter;
import dev.freight.query.QueryPlan;
import dev.freight.source.Column;
import dev.freight.source.Dialect;
import org.postgresql.jdbc.PgConnection;
import org.postgresql.copy.CopyOut;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * PostgreSQL → CSV/TSV through {@code COPY (SELECT …) TO STDOUT}: the server renders the CSV, which is close to
 * the fastest way out of PostgreSQL. The SELECT list renders every cell exactly as the generic path does
 * (ISO-8601 timestamps with offset, base64 binary, true/false, formula neutralisation) so both paths produce
 * the same values. COPY cannot take bind parameters: filter values, a role's row-filter attributes and the row
 * limit are bound as transaction-local settings instead ({@link SettingParameters}), so values are never written into
 * SQL text and a filtered, sorted or limited export is as fast as a whole table. Plans with masked columns never
 * qualify: masks are applied by the Java path only.
 */
final class PostgresCopyExport {
    private static final Map<Character, String> DELIMITERS = Map.of(',', "','", '\t', "E'\\t'", ';', "';'", '|', "'|'");

    private final ExportPlan job;
    private final CancellationToken cancel;

    PostgresCopyExport(ExportPlan job, CancellationToken cancel) {
        this.job = job;
        this.cancel = cancel;
    }

    static boolean applies(ExportPlan job) {
        FormatOptions o = job.options();
        return job.source().dialect() == Dialect.POSTGRESQL
                && (job.format() == ExportFormat.CSV || job.format() == ExportFormat.TSV)
                && SettingParameters.supports(job.plan())
                // The server would write masked columns in clear; masks are applied by the Java path only.
                && job.plan().masks().isEmpty()
                && o.nullText().isEmpty()
                // Presentation options are applied by the Java writer only.
                && o.dateFormat() == null && o.timestampFormat() == null && o.numberLocale() == null && o.boolText() == null
                && DELIMITERS.containsKey(o.delimiter())
                && (!(o.timeZone() instanceof ZoneOffset) || o.timeZone().equals(ZoneOffset.UTC));
    }

    long export(OutputStream out, ExportEngine.Tracker tracker) throws IOException {
        QueryPlan plan = job.plan();
        FormatOptions o = job.options();
        String select = plan.columns().stream().map(PostgresCopyExport::expression).collect(Collectors.joining(", "));
        String query = "SELECT " + select + plan.fromAndWhere() + SettingParameters.orderAndLimit(plan);
        writePreamble(out);
        Connection connection = null;
        boolean reusable = false;
        try {
            connection = job.source().connection();
            Dialect.POSTGRESQL.prepareForStreaming(connection);
            try (PreparedStatement set = connection.prepareStatement(
                    "SELECT set_config('TimeZone', ?, true), set_config('DateStyle', 'ISO, YMD', true),"
                            + " set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '1', true)")) {
                set.setString(1, o.timeZone().equals(ZoneOffset.UTC) ? "UTC" : o.timeZone().getId());
                set.execute();
            }
            PgConnection pg = connection.unwrap(PgConnection.class);
            String sql = "COPY (" + SettingParameters.bind(connection, query, SettingParameters.values(plan),
                    pg.getStandardConformingStrings()) + ") TO STDOUT (FORMAT csv, DELIMITER "
                    + DELIMITERS.get(o.delimiter()) + ")";
            long rows;
            // A server that is slow to send the next row is interrupted by a cancel request on the side channel.
            try (CancellationToken.Registration ignored = cancel.interruptWith(pg::cancelQuery)) {
                CopyOut copy = pg.getCopyAPI().copyOut(sql);
                rows = pump(copy, out, tracker, o.lineEnding().equals("\r\n"));
            }
            connection.rollback();
            reusable = !cancel.isCancelled();
            return rows;
        } catch (SQLException e) {
            if (cancel.isCancelled()) throw new ExportCancelledException();
            throw new ExportFailedException(JdbcSourceErrors.code(e), "source '" + job.source().name() + "' failed: "
                    + JdbcSourceErrors.describe(e), JdbcSourceErrors.isTransient(e), e,
                    "source '" + job.source().name() + "' failed: " + e.getMessage());
        } finally {
            job.source().release(connection, reusable);
        }
    }

    /** BOM and header are written by the generic writer itself (a writer with no rows), so both paths agree. */
    private void writePreamble(OutputStream out) throws IOException {
        FormatWriter writer = job.format().writer(out, job.plan().columns(), job.plan().labels(), job.options(),
                ExportEngine.context(job));
        writer.begin();
        writer.finish();
    }

    private long pump(CopyOut copy, OutputStream out, ExportEngine.Tracker tracker, boolean crlf)
            throws SQLException, IOException {
        FormatOptions o = job.options();
        CopyCsvRewriter rewriter = new CopyCsvRewriter(job.plan().columns(), o.delimiter(), o.sanitizeFormulas(), crlf);
        long rows = 0;
        try {
            byte[] chunk;
            while ((chunk = copy.readFromCopy()) != null) {
                long completed = rewriter.rewrite(chunk, out);
                if (completed > 0) {
                    rows += completed;
                    tracker.rowsWritten(completed);
                }
            }
        } catch (ExportCancelledException e) {
            if (copy.isActive()) copy.cancelCopy();
            throw e;
        }
        rewriter.flush(out);
        return rows;
    }

    /** Plain columns, so the server does no more than for a bare COPY; only binary needs a SQL function. */
    private static String expression(Column column) {
        String c = Dialect.POSTGRESQL.quote(column.name());
        return column.type() == dev.freight.source.ColumnType.BINARY
                ? "translate(encode(" + c + ", 'base64'), E'\\n', '') AS " + c : c;
    }
}
