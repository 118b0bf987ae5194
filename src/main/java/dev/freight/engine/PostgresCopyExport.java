package dev.freight.engine;

import dev.freight.format.FormatOptions;
import dev.freight.query.QueryPlan;
import dev.freight.source.Column;
import dev.freight.source.Dialect;
import org.postgresql.jdbc.PgConnection;
import org.postgresql.copy.CopyOut;
import org.postgresql.core.PGStream;
import org.postgresql.core.QueryExecutor;
import org.postgresql.core.QueryExecutorBase;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

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
    /** Rows read at once from the connection when its stream is reachable (see {@link #copyDataStream}). */
    private static final int BATCH = 64 * 1024;
    private static final java.lang.reflect.Field PG_STREAM = pgStreamField();
    private static final Map<Character, String> DELIMITERS = Map.of(',', "','", '\t', "E'\\t'", ';', "';'", '|', "'|'");

    private final ExportPlan job;
    private final CancellationToken cancel;

    PostgresCopyExport(ExportPlan job, CancellationToken cancel) {
        this.job = job;
        this.cancel = cancel;
    }

    static boolean applies(ExportPlan job) {
        FormatOptions o = job.options();
        // plainText: the server would also write masked columns in clear.
        return job.source().dialect() == Dialect.POSTGRESQL
                && job.plainText()
                && SettingParameters.supports(job.plan())
                && DELIMITERS.containsKey(o.delimiter())
                && (!(o.timeZone() instanceof ZoneOffset) || o.timeZone().equals(ZoneOffset.UTC));
    }

    /**
     * Whether a resumable export's checkpoints can take its key from COPY's rows: integers and text print there as
     * a filter on the key reads them back.
     */
    static boolean readsKey(ExportPlan job, Resumption resumption) {
        return switch (job.plan().columns().get(resumption.keyColumn()).type()) {
            case INTEGER, STRING, TEXT_LIKE, DECIMAL -> true;
            default -> false;
        };
    }

    long export(OutputStream out, ExportEngine.Tracker tracker) throws IOException {
        return export(out, tracker, true, -1);
    }

    /**
     * {@code preamble}: false when continuing a file, which has its BOM and header; {@code keyColumn}: where the key
     * of a resumable export is, for its checkpoints (-1: none).
     */
    long export(OutputStream out, ExportEngine.Tracker tracker, boolean preamble, int keyColumn) throws IOException {
        QueryPlan plan = job.plan();
        FormatOptions o = job.options();
        String select = plan.columns().stream().map(PostgresCopyExport::expression).collect(Collectors.joining(", "));
        String query = "SELECT " + select + plan.fromAndWhere() + SettingParameters.orderAndLimit(plan);
        if (preamble) job.writePreamble(out);
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
            String sql = "COPY (" + SettingParameters.bind(connection, plan, query,
                    pg.getStandardConformingStrings()) + ") TO STDOUT (FORMAT csv, DELIMITER "
                    + DELIMITERS.get(o.delimiter()) + ")";
            long rows;
            // A server that is slow to send the next row is interrupted by a cancel request on the side channel.
            try (CancellationToken.Registration ignored = cancel.interruptWith(pg::cancelQuery)) {
                CopyOut copy = pg.getCopyAPI().copyOut(sql);
                rows = pump(copy, pg, out, tracker, o.lineEnding().equals("\r\n"), keyColumn);
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

    private long pump(CopyOut copy, PgConnection pg, OutputStream out, ExportEngine.Tracker tracker, boolean crlf,
                      int keyColumn) throws SQLException, IOException {
        FormatOptions o = job.options();
        CopyCsvRewriter rewriter = new CopyCsvRewriter(job.plan().columns(), o.delimiter(), o.sanitizeFormulas(), crlf);
        PGStream stream = copyDataStream(pg);
        CopyDataReader reader = stream == null ? null : new CopyDataReader(stream);
        long rows = 0;
        try {
            // One loop for the whole COPY, here, in a method run once: C2 compiles it once, at this loop. A loop
            // over the messages in a method called for every batch was compiled twice (at its loop, then as a
            // method), 0.05-0.1 s of compiler time each, taken on two cores from the database sending the rows.
            while (true) {
                if (reader != null) {
                    if (reader.append()) continue;
                    if (reader.length > 0) {
                        rows += rewrite(rewriter, reader.batch, reader.length, out, tracker);
                        if (keyColumn >= 0) {
                            checkpoint(rewriter, reader.batch, reader.lastRow, reader.length, keyColumn, out, tracker);
                        }
                        reader.length = 0;
                        continue;
                    }
                }
                // Every other message (a notice, CopyDone, the command's end, an error) is the driver's to read.
                byte[] row = copy.readFromCopy();
                if (row == null) break;
                rows += rewrite(rewriter, row, row.length, out, tracker);
                if (keyColumn >= 0) checkpoint(rewriter, row, 0, row.length, keyColumn, out, tracker);
            }
        } catch (ExportCancelledException e) {
            if (copy.isActive()) copy.cancelCopy();
            throw e;
        }
        rewriter.flush(out);
        return rows;
    }

    private static long rewrite(CopyCsvRewriter rewriter, byte[] rows, int length, OutputStream out,
                                ExportEngine.Tracker tracker) throws IOException {
        long completed = rewriter.rewrite(rows, 0, length, out);
        if (completed > 0) tracker.rowsWritten(completed);
        return completed;
    }

    /**
     * At the end of a batch of whole rows, when one is wanted: the rows flushed through, and the last row's key read
     * from COPY's own bytes of that row ({@code chunk[row, end)}), before any rewriting.
     */
    private void checkpoint(CopyCsvRewriter rewriter, byte[] chunk, int row, int end, int keyColumn, OutputStream out,
                            ExportEngine.Tracker tracker) throws IOException {
        if (!tracker.checkpointWanted()) return;
        rewriter.flush(out);
        out.flush();
        String key = csvField(chunk, row, end, (byte) job.options().delimiter(), keyColumn);
        boolean integer = job.plan().columns().get(keyColumn).type() == dev.freight.source.ColumnType.INTEGER;
        tracker.checkpoint(integer ? (Object) Long.valueOf(key) : key);
    }

    /** Field {@code index} of one CSV row as COPY writes it: quoted with doubled quotes inside, or bare. */
    static String csvField(byte[] row, int from, int end, byte delimiter, int index) {
        int i = from;
        for (int f = 0; ; f++) {
            java.io.ByteArrayOutputStream value = f == index ? new java.io.ByteArrayOutputStream() : null;
            if (i < end && row[i] == '"') {
                i++;
                while (i < end) {
                    if (row[i] == '"') {
                        if (i + 1 < end && row[i + 1] == '"') {
                            if (value != null) value.write('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (value != null) value.write(row[i]);
                    i++;
                }
            } else {
                while (i < end && row[i] != delimiter && row[i] != '\n' && row[i] != '\r') {
                    if (value != null) value.write(row[i]);
                    i++;
                }
            }
            if (value != null) return value.toString(java.nio.charset.StandardCharsets.UTF_8);
            if (i >= end || row[i] != delimiter) throw new IllegalStateException("COPY row has no column " + index);
            i++;
        }
    }

    /** Whole CopyData messages, read from the connection's stream into one buffer. */
    private static final class CopyDataReader {
        private final PGStream stream;
        byte[] batch = new byte[BATCH];
        /** Bytes of whole messages in the batch. */
        int length;
        /** Where the batch's last row begins. */
        int lastRow;
        /** Length of a message whose header is read but whose data did not fit behind the rows before it. */
        private int pending = -1;

        CopyDataReader(PGStream stream) {
            this.stream = stream;
        }

        /**
         * Appends the next message to the batch if it is CopyData and there is room: true if it did. False when the
         * batch is to be rewritten now (full, or the rows received so far are all in it, so a slow query's rows
         * still flow through as they come) or when the next message is not CopyData (then with an empty batch).
         */
        boolean append() throws SQLException {
            try {
                if (pending >= 0) {
                    if (length > 0) return false;
                    if (pending > batch.length) batch = new byte[pending];
                    stream.receive(batch, 0, pending);
                    lastRow = 0;
                    length = pending;
                    pending = -1;
                    return true;
                }
                if (length >= batch.length || length > 0 && !stream.hasMessagePending()) return false;
                if (stream.peekChar() != 'd') return false;
                stream.receiveChar();
                int size = stream.receiveInteger4() - 4;
                if (size > batch.length - length) {
                    if (length > 0) {
                        pending = size;
                        return false;
                    }
                    batch = new byte[size];
                }
                lastRow = length;
                stream.receive(batch, length, size);
                length += size;
                return true;
            } catch (IOException e) {
                throw new PSQLException("Database connection failed when reading from copy", PSQLState.CONNECTION_FAILURE, e);
            }
        }
    }

    /**
     * The connection's protocol stream, to read CopyData messages straight into one buffer: pgJDBC's
     * {@link CopyOut#readFromCopy()} allocates an array per row and takes the connection's lock for each (a million
     * of each for a million rows). Safe while the COPY holds the connection: nothing else reads from it, and only
     * whole CopyData messages are taken, so the driver finds the protocol where it expects it. Null (row by row
     * through the driver) when this driver version keeps the stream elsewhere.
     */
    static PGStream copyDataStream(PgConnection pg) {
        try {
            QueryExecutor executor = pg.getQueryExecutor();
            if (!(executor instanceof QueryExecutorBase)) return null;
            return (PGStream) PG_STREAM.get(executor);
        } catch (RuntimeException | IllegalAccessException e) {
            return null;
        }
    }

    private static java.lang.reflect.Field pgStreamField() {
        try {
            java.lang.reflect.Field field = QueryExecutorBase.class.getDeclaredField("pgStream");
            if (field.getType() != PGStream.class) return null;
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Plain columns, so the server does no more than for a bare COPY; only binary needs a SQL function. */
    private static String expression(Column column) {
        String c = Dialect.POSTGRESQL.quote(column.name());
        return column.type() == dev.freight.source.ColumnType.BINARY
                ? "translate(encode(" + c + ", 'base64'), E'\\n', '') AS " + c : c;
    }
}
