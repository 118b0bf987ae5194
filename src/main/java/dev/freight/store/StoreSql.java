package dev.freight.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Statements on the job-store database for one family of tables (jobs, sessions, API keys, the audit log …): each
 * call borrows a connection and returns it, and a failing one becomes a {@link StoreException} worded
 * {@code job store (<what>): <driver message>}, which callers answer as an outage (HTTP 503), never as "not found".
 * Parameters are bound with {@link PreparedStatement#setObject}: pass {@link #utc} for times.
 */
public final class StoreSql {
    /** Reads one row; may throw SQLException (a malformed stored value, too), which becomes a StoreException. */
    @FunctionalInterface
    public interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Work on one borrowed connection (see {@link #inTransaction} and {@link #withConnection}). */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource dataSource;
    private final String what;

    /** {@code what} names the tables in failure messages, e.g. {@code sessions}. */
    public StoreSql(DataSource dataSource, String what) {
        this.dataSource = dataSource;
        this.what = what;
    }

    /** The number of rows the statement changed. */
    public int update(String sql, Object... params) {
        return withConnection(c -> update(c, sql, params));
    }

    public <T> List<T> query(String sql, Row<T> row, Object... params) {
        return withConnection(c -> query(c, sql, row, params));
    }

    /** The first row, if any. */
    public <T> Optional<T> queryOne(String sql, Row<T> row, Object... params) {
        return withConnection(c -> queryOne(c, sql, row, params));
    }

    /** Runs {@code work} on one connection, in auto-commit. */
    public <T> T withConnection(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws (a RuntimeException
     * is rethrown as it is, an SQLException as a StoreException). The pool restores auto-commit on return.
     */
    public <T> T inTransaction(Work<T> work) {
        return withConnection(c -> {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        });
    }

    /** The one wording of a job-store failure. */
    public StoreException failure(SQLException e) {
        return new StoreException("job store (" + what + "): " + e.getMessage(), e);
    }

    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params)) {
            return s.executeUpdate();
        }
    }

    public static <T> List<T> query(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params); ResultSet rs = s.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) rows.add(row.read(rs));
            return rows;
        }
    }

    public static <T> Optional<T> queryOne(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params); ResultSet rs = s.executeQuery()) {
            return rs.next() ? Optional.of(row.read(rs)) : Optional.empty();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) s.setObject(i + 1, params[i]);
            return s;
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Whether this failure is a unique-constraint violation (SQLState 23505 on H2 and PostgreSQL). */
    public static boolean isUniqueViolation(StoreException e) {
        return e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState());
    }

    /** A time as both databases store it ({@code TIMESTAMP WITH TIME ZONE}); null stays null. */
    public static OffsetDateTime utc(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    public static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
