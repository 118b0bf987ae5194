package dev.freight.engine;

import dev.freight.query.QueryPlan;
import dev.freight.source.Dialect;
import dev.freight.source.JdbcSource;
import dev.freight.source.StatementDeadline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * Estimates how many rows a plan will export, cheaply: PostgreSQL's planner statistics for an unfiltered table,
 * otherwise a COUNT that stops at {@code cap} rows and gives up after a few seconds. Unknown is a valid answer,
 * and never the same as "too many".
 */
public final class RowEstimator {
    public static final long DEFAULT_CAP = 10_000_000L;
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private RowEstimator() {
    }

    /** The plan's rows: known, more than {@code cap}, or unknown. */
    public static RowCount count(JdbcSource source, QueryPlan plan, long cap) {
        return count(source, plan, cap, TIMEOUT);
    }

    static RowCount count(JdbcSource source, QueryPlan plan, long cap, Duration timeout) {
        Long rowLimit = plan.rowLimit();
        RowCount counted = measure(source, plan, cap, timeout);
        if (rowLimit == null) return counted;
        return switch (counted.kind()) {
            case KNOWN -> RowCount.known(Math.min(counted.rows(), rowLimit));
            // "More rows than the limit" means exactly the limit; without a count, the limit is still a bound.
            case MORE_THAN, UNKNOWN -> rowLimit <= cap ? RowCount.known(rowLimit) : counted;
        };
    }

    private static RowCount measure(JdbcSource source, QueryPlan plan, long cap, Duration timeout) {
        Long rowLimit = plan.rowLimit();
        // Counting past row_limit is wasted work.
        long countCap = rowLimit != null && rowLimit <= cap ? rowLimit : cap;
        // An estimate is optional: it never queues behind the exports that hold every connection.
        if (source.saturated()) return RowCount.unknown();
        try {
            return onReadOnlyConnection(source, c -> {
                OptionalLong statistics = statistics(c, source, plan);
                if (statistics.isPresent()) return RowCount.known(statistics.getAsLong());
                long n = countUpTo(source, c, plan, countCap + 1, timeout);
                return n > countCap ? RowCount.moreThan(countCap) : RowCount.known(n);
            });
        } catch (SQLException | RuntimeException e) {
            return RowCount.unknown();
        }
    }

    /**
     * Whether counting the plan up to {@code cap} could show more than {@code max} rows: planner statistics can
     * (they have no cap), a capped COUNT only when {@code max} is within its cap. When it cannot, the count would
     * be a scan for nothing before the export's first byte (default max_rows is ten times the default cap).
     */
    public static boolean canExceed(JdbcSource source, QueryPlan plan, long cap, long max) {
        return max <= cap || hasStatistics(source, plan);
    }

    /** The rows when known and within {@code cap}; empty when there are more or they are unknown. */
    public static OptionalLong estimate(JdbcSource source, QueryPlan plan, long cap) {
        return count(source, plan, cap).value();
    }

    private interface Work<T> {
        T on(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} on a pooled connection of the source. A connection on which a statement was cancelled
     * (a deadline fired, a failure midway) is evicted rather than pooled, so nothing of this count can reach a later
     * export on the same connection.
     */
    private static <T> T onReadOnlyConnection(JdbcSource source, Work<T> work) throws SQLException {
        Connection c = source.connection();
        boolean reusable = false;
        try {
            c.setReadOnly(source.dialect() != Dialect.SQLITE);
            T result = work.on(c);
            reusable = true;
            return result;
        } finally {
            source.release(c, reusable);
        }
    }

    private static boolean hasStatistics(JdbcSource source, QueryPlan plan) {
        return source.dialect() == Dialect.POSTGRESQL && !plan.filtered() && plan.table().sql() == null;
    }

    private static OptionalLong statistics(Connection c, JdbcSource source, QueryPlan plan) throws SQLException {
        if (!hasStatistics(source, plan)) return OptionalLong.empty();
        try (PreparedStatement s = c.prepareStatement("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(?)")) {
            s.setString(1, Dialect.POSTGRESQL.qualifiedName(plan.table()));
            try (ResultSet rs = s.executeQuery()) {
                // reltuples is -1 (or 0 on old servers) until the table has been analysed or vacuumed.
                if (rs.next() && rs.getLong(1) > 0) return OptionalLong.of(rs.getLong(1));
            }
        }
        return OptionalLong.empty();
    }

    /** The plan's rows, counting no further than {@code limit}; {@link TimedOut} when the count ran out of time. */
    private static long countUpTo(JdbcSource source, Connection c, QueryPlan plan, long limit, Duration timeout)
            throws SQLException {
        Dialect dialect = source.dialect();
        String sql = "SELECT COUNT(*) FROM (SELECT 1 AS one" + plan.fromAndWhere() + " LIMIT ?) capped";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            List<Object> params = plan.whereParameters();
            for (int i = 0; i < params.size(); i++) dialect.bind(s, i + 1, params.get(i));
            s.setLong(params.size() + 1, limit);
            try (StatementDeadline deadline = StatementDeadline.start(s, timeout)) {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                } finally {
                    // Also when the count came back just as the deadline fired: the cancel may be on its way.
                    if (deadline.fired()) throw new TimedOut();
                }
            }
        }
    }

    /** The count's deadline fired: the connection may still receive the cancel, so it must not be reused. */
    private static final class TimedOut extends RuntimeException {
        TimedOut() {
            super("row count timed out", null, false, false);
        }
    }
}
