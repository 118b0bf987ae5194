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
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.List;
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
    private interface CellReader {
        Object read(ResultSet rs, int index) throws SQLException;
    }

    @Override
    public long stream(RowConsumer consumer) throws IOException {
        Dialect dialect = source.dialect();
        Connection connection = null;
        boolean reusable = false;
        try {
            connection = source.connection();
            dialect.prepareForStreaming(connection);
            try (PreparedStatement statement = connection.prepareStatement(plan.sql(),
                    ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                statement.setFetchSize(dialect.fetchSize());
                List<Object> params = plan.parameters();
                for (int i = 0; i < params.size(); i++) dialect.bind(statement, i + 1, params.get(i));
                long rows;
                try (CancellationToken.Registration ignored = cancel.interruptWith(statement::cancel);
                     ResultSet rs = statement.executeQuery()) {
                    rows = readAll(rs, consumer);
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

    private long readAll(ResultSet rs, RowConsumer consumer) throws SQLException, IOException {
        List<Column> columns = plan.columns();
        CellReader[] readers = new CellReader[columns.size()];
        for (int i = 0; i < readers.length; i++) readers[i] = reader(columns.get(i));
        Object[] row = new Object[readers.length];
        long rows = 0;
        while (rs.next()) {
            for (int i = 0; i < readers.length; i++) row[i] = readers[i].read(rs, i + 1);
            consumer.accept(row);
            rows++;
        }
        return rows;
    }

    /** Typed getters chosen once per column: no per-cell type dispatch, decimals never through double. */
    private CellReader reader(Column column) {
        Dialect dialect = source.dialect();
        ColumnType type = column.type();
        return switch (type) {
            case INTEGER -> (rs, i) -> {
                long v = rs.getLong(i);
                return rs.wasNull() ? null : v;
            };
            case DECIMAL -> ResultSet::getBigDecimal;
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
            case DATE -> (rs, i) -> rs.getObject(i, LocalDate.class);
            case TIME -> (rs, i) -> rs.getObject(i, LocalTime.class);
            case TIMESTAMP -> dialect == Dialect.MARIADB
                    ? mariadbDateTime()
                    : (rs, i) -> rs.getObject(i, LocalDateTime.class);
            case TIMESTAMP_TZ -> {
                if (dialect != Dialect.MARIADB) yield (rs, i) -> rs.getObject(i, OffsetDateTime.class);
                CellReader utcDateTime = mariadbDateTime();
                yield (rs, i) -> {
                    LocalDateTime utc = (LocalDateTime) utcDateTime.read(rs, i);
                    return utc == null ? null : utc.atOffset(ZoneOffset.UTC);
                };
            }
            case BINARY -> ResultSet::getBytes;
            case STRING, TEXT_LIKE -> ResultSet::getString;
        };
    }

    /**
     * MariaDB's driver builds a LocalDateTime by way of the JVM's default zone, so a wall-clock time inside that
     * zone's DST gap (02:30 on 2024-03-31 under Europe/Paris) comes back an hour late. Read through a UTC calendar,
     * which has no gaps, and take the wall-clock fields back out in UTC.
     */
    private static CellReader mariadbDateTime() {
        Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        return (rs, i) -> {
            Timestamp t = rs.getTimestamp(i, utc);
            return t == null ? null : LocalDateTime.ofInstant(t.toInstant(), ZoneOffset.UTC);
        };
    }

    private ExportFailedException failure(SQLException e) {
        return new ExportFailedException(JdbcSourceErrors.code(e), "source '" + source.name() + "' failed: "
                + e.getMessage(), JdbcSourceErrors.isTransient(e), e);
    }
}
