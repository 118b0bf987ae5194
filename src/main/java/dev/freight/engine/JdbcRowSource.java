package dev.freight.engine;

import dev.freight.query.QueryPlan;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;
import dev.freight.source.Dialect;
import dev.freight.source.JdbcSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;

/**
 * Runs a plan in one read-only transaction through a server-side cursor and hands each row on as soon as it
 * is read. Memory is one fetch batch, whatever the row count.
 */
public final class JdbcRowSource implements RowSource {
    private final JdbcSource source;
    private final QueryPlan plan;
    private final CancellationToken cancel;

    public JdbcRowSource(JdbcSource source, QueryPlan plan, CancellationToken cancel) {
        this.source = source;
        this.plan = plan;
        this.cancel = cancel;
    }

    @FunctionalInterface
    interface CellReader {
        Object read(ResultSet rs, int index) throws SQLException;
    }

    /** Reads a whole result set; returns the number of rows. */
    @FunctionalInterface
    interface ResultReader {
        long read(ResultSet rs, PreparedStatement statement) throws SQLException, IOException;
    }

    @Override
    public long stream(RowConsumer consumer) throws IOException {
        return run((rs, statement) -> readAll(rs, statement, consumer));
    }

    /**
     * Runs the plan's statement, its values bound, in one read-only transaction, and hands the streaming result set
     * to {@code reader}; a cancel interrupts the statement, and the connection is reused only after a clean end.
     */
    long run(ResultReader reader) throws IOException {
        Dialect dialect = source.dialect();
        Connection connection = null;
        boolean reusable = false;
        try {
            connection = source.connection();
            dialect.prepareForStreaming(connection);
            try (PreparedStatement statement = connection.prepareStatement(plan.sql(),
                    ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                statement.setFetchSize(fetchSize(dialect.fetchSize(), Runtime.getRuntime().maxMemory()));
                List<Object> params = plan.parameters();
                for (int i = 0; i < params.size(); i++) dialect.bind(statement, i + 1, params.get(i));
                long rows;
                try (CancellationToken.Registration ignored = cancel.interruptWith(statement::cancel);
                     ResultSet rs = statement.executeQuery()) {
                    rows = reader.read(rs, statement);
                }
                connection.rollback();
                reusable = !cancel.isCancelled();
                return rows;
            }
        } catch (SQLException e) {
            if (cancel.isCancelled()) throw new ExportCancelledException();
            throw failure(e);
        } finally {
            source.release(connection, reusable);
        }
    }

    /**
     * The dialect's rows per fetch, fewer in a small heap: a fetch's rows stay reachable until the last is written,
     * and in a 64 MB heap 10,000 of them outgrow the young generation's survivor space, are promoted and end in
     * full collections (a JSON export at -Xmx64m spent 0.9 s of CPU in GC instead of 0.1 s). About 25 KB of heap per
     * row fetched: 2,600 rows at 64 MB, the dialect's 10,000 from 256 MB.
     */
    static int fetchSize(int dialectRows, long maxHeapBytes) {
        return (int) Math.min(dialectRows, Math.max(500, maxHeapBytes / 25_000));
    }

    private static final int BATCH_ROWS = 256;
    /** Batches in flight between the reading and the writing thread: bounds the memory of the hand-over. */
    private static final int BATCHES_IN_FLIGHT = 4;

    /** Rows read ahead, {@code size} of them in use. */
    private record Batch(Object[][] rows, int size) {
    }

    /**
     * Reads rows on a second thread ({@link ReadAhead}) while this one formats and writes them, at most
     * {@value #BATCHES_IN_FLIGHT} batches of {@value #BATCH_ROWS} rows in flight.
     */
    private long readAll(ResultSet rs, PreparedStatement statement, RowConsumer consumer) throws SQLException, IOException {
        List<Column> columns = plan.columns();
        CellReader[] readers = new CellReader[columns.size()];
        for (int i = 0; i < readers.length; i++) readers[i] = reader(columns.get(i));
        long[] rows = {0};
        ReadAhead.<Batch>run("freight-reader", BATCHES_IN_FLIGHT, out -> read(rs, readers, out), batch -> {
            for (int i = 0; i < batch.size(); i++) {
                consumer.accept(batch.rows()[i]);
                rows[0]++;
            }
        }, statement::cancel);
        return rows[0];
    }

    private static void read(ResultSet rs, CellReader[] readers, ReadAhead.Out<Batch> out) throws SQLException {
        Object[][] batch = new Object[BATCH_ROWS][];
        int size = 0;
        while (!out.stopped() && rs.next()) {
            Object[] row = new Object[readers.length];
            for (int i = 0; i < readers.length; i++) row[i] = readers[i].read(rs, i + 1);
            batch[size++] = row;
            if (size == BATCH_ROWS) {
                if (!out.put(new Batch(batch, size))) return;
                batch = new Object[BATCH_ROWS][];
                size = 0;
            }
        }
        if (size > 0) out.put(new Batch(batch, size));
    }

    /** Typed getters chosen once per column: no per-cell type dispatch, decimals never through double. */
    CellReader reader(Column column) {
        Dialect dialect = source.dialect();
        ColumnType type = column.type();
        return switch (type) {
            case INTEGER -> (rs, i) -> {
                long v = rs.getLong(i);
                return rs.wasNull() ? null : v;
            };
            case DECIMAL -> JdbcRowSource::decimal;
            case FLOAT -> column.jdbcType() == Types.REAL
                    ? (rs, i) -> {
                        float v = rs.getFloat(i);
                        return rs.wasNull() ? null : v;
                    }
                    : (rs, i) -> {
                        double v = rs.getDouble(i);
                        return rs.wasNull() ? null : v;
                    };
            case BOOLEAN -> (rs, i) -> {
                boolean v = rs.getBoolean(i);
                return rs.wasNull() ? null : v;
            };
            case DATE -> dialect == Dialect.MARIADB ? orZeroDate((rs, i) -> rs.getObject(i, LocalDate.class))
                    : (rs, i) -> rs.getObject(i, LocalDate.class);
            case TIME -> dialect == Dialect.MARIADB ? JdbcRowSource::mariadbTime : (rs, i) -> rs.getObject(i, LocalTime.class);
            case TIMESTAMP -> dialect == Dialect.MARIADB
                    ? orZeroDate(mariadbDateTime())
                    : (rs, i) -> rs.getObject(i, LocalDateTime.class);
            case TIMESTAMP_TZ -> {
                if (dialect != Dialect.MARIADB) yield (rs, i) -> rs.getObject(i, OffsetDateTime.class);
                CellReader utcDateTime = orZeroDate(mariadbDateTime());
                yield (rs, i) -> {
                    Object v = utcDateTime.read(rs, i);
                    return v instanceof LocalDateTime utc ? utc.atOffset(ZoneOffset.UTC) : v;
                };
            }
            case BINARY -> ResultSet::getBytes;
            case STRING, TEXT_LIKE -> ResultSet::getString;
        };
    }

    /**
     * A BigDecimal, or for a numeric NaN or ±Infinity (PostgreSQL, H2's DECFLOAT, SQLite), which no BigDecimal holds and the
     * drivers refuse to convert, the Double {@link dev.freight.format.NonFinite} stands for it with.
     */
    private static Object decimal(ResultSet rs, int i) throws SQLException {
        try {
            return rs.getBigDecimal(i);
        } catch (SQLException e) {
            // PostgreSQL and H2 spell them NaN and Infinity, SQLite's driver Inf.
            String text = rs.getString(i);
            return switch (text == null ? "" : text.toLowerCase(Locale.ROOT)) {
                case "nan" -> Double.NaN;
                case "infinity", "+infinity", "inf", "+inf" -> Double.POSITIVE_INFINITY;
                case "-infinity", "-inf" -> Double.NEGATIVE_INFINITY;
                default -> throw e;
            };
        }
    }

    /**
     * MariaDB's zero dates ({@code 0000-00-00}, and with a zero month or day, {@code 2024-02-00 10:00:00}, which a
     * non-strict sql_mode lets in) are no dates: the driver fails on them, or reads them as NULL. They are handed
     * over as MariaDB's text ({@link dev.freight.format.NonFinite#isStoredText}).
     */
    private static CellReader orZeroDate(CellReader typed) {
        return (rs, i) -> {
            Object value;
            try {
                value = typed.read(rs, i);
            } catch (DateTimeException | SQLException e) {
                String text = rs.getString(i);
                if (isZeroDate(text)) return text;
                throw e;
            }
            if (value != null) return value;
            // The driver reports a zero date as SQL NULL (wasNull is true): only its text tells them apart.
            String text = rs.getString(i);
            return isZeroDate(text) ? text : null;
        };
    }

    private static boolean isZeroDate(String text) {
        return text != null && text.length() >= 10 && text.charAt(4) == '-'
                && (text.startsWith("0000") || text.startsWith("00", 5) || text.startsWith("00", 8));
    }

    /**
     * MariaDB's TIME is a duration (-838:59:59 to 838:59:59), which its driver wraps into a LocalTime (-01:30:00
     * became 22:30:00). A time of day is a LocalTime; any other is its text, fraction zeros dropped as a LocalTime's
     * text drops them ({@link dev.freight.format.NonFinite#isStoredText}).
     */
    private static Object mariadbTime(ResultSet rs, int i) throws SQLException {
        String text = rs.getString(i);
        if (text == null) return null;
        int colon = text.indexOf(':');
        boolean timeOfDay = colon == 2 && text.charAt(0) != '-' && (text.charAt(0) < '2' || text.charAt(1) < '4');
        if (timeOfDay) return LocalTime.parse(text);
        int dot = text.indexOf('.');
        if (dot < 0) return text;
        int end = text.length();
        while (end > dot + 1 && text.charAt(end - 1) == '0') end--;
        return text.substring(0, end == dot + 1 ? dot : end);
    }

    /**
     * MariaDB's driver builds a LocalDateTime by way of the JVM's default zone, so a wall-clock time inside that
     * zone's DST gap (02:30 on 2024-03-31 under Europe/Paris) comes back an hour late. Read through a UTC calendar,
     * which has no gaps, and take the wall-clock fields back out in UTC. A default zone without DST (UTC, as on
     * most servers) has no gap: there the driver's LocalDateTime is the same value without the two calendar
     * computations per cell, except before the Gregorian reform, which the driver's LocalDateTime is not trusted with.
     */
    private static CellReader mariadbDateTime() {
        // Proleptic Gregorian, as java.time is: a default GregorianCalendar counts Julian days before 1582-10-15,
        // which moved 1500-03-01 to 1500-03-11.
        GregorianCalendar utc = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        utc.setGregorianChange(new Date(Long.MIN_VALUE));
        CellReader throughCalendar = (rs, i) -> {
            Timestamp t = rs.getTimestamp(i, utc);
            // ofEpochSecond, not ofInstant: ZoneOffset.getRules() makes new ZoneRules (with a map) on every call.
            return t == null ? null : LocalDateTime.ofEpochSecond(Math.floorDiv(t.getTime(), 1000), t.getNanos(), ZoneOffset.UTC);
        };
        if (!ZoneId.systemDefault().getRules().isFixedOffset()) return throughCalendar;
        return (rs, i) -> {
            LocalDateTime t = rs.getObject(i, LocalDateTime.class);
            return t == null || t.getYear() > GREGORIAN_REFORM_YEAR ? t : throughCalendar.read(rs, i);
        };
    }

    private static final int GREGORIAN_REFORM_YEAR = 1582;

    private ExportFailedException failure(SQLException e) {
        return new ExportFailedException(JdbcSourceErrors.code(e), "source '" + source.name() + "' failed: "
                + JdbcSourceErrors.describe(e), JdbcSourceErrors.isTransient(e), e,
                "source '" + source.name() + "' failed: " + e.getMessage());
    }
}
