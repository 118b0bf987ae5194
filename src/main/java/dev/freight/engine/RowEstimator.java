package dev.freight.engine;

import dev.freight.query.QueryPlan;
import dev.freight.source.Dialect;
import dev.freight.source.JdbcSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalLong;

/**
 * Estimates how many rows a plan will export, cheaply: PostgreSQL's planner statistics for an unfiltered table,
 * otherwise a COUNT that stops at {@code cap} rows and gives up after a few seconds. Unknown is a valid answer.
 */
public final class RowEstimator {
    public static final long DEFAULT_CAP = 10_000_000L;
    private static final int TIMEOUT_SECONDS = 5;

    private RowEstimator() {
    }

    public static OptionalLong estimate(JdbcSource source, QueryPlan plan, long cap) {
        try (Connection c = source.connection()) {
            c.setReadOnly(source.dialect() != Dialect.SQLITE);
            OptionalLong estimate = source.dialect() == Dialect.POSTGRESQL && !plan.filtered() && plan.table().sql() == null
                    ? postgresStatistics(c, plan) : OptionalLong.empty();
            Long rowLimit = plan.rowLimit();
            if (estimate.isEmpty()) {
                // Counting past row_limit is wasted work: "more rows than the limit" means exactly the limit.
                boolean limitWithinCap = rowLimit != null && rowLimit <= cap;
                estimate = boundedCount(c, source.dialect(), plan, limitWithinCap ? rowLimit : cap);
                if (estimate.isEmpty() && limitWithinCap) return OptionalLong.of(rowLimit);
            }
            if (estimate.isPresent() && rowLimit != null) {
                return OptionalLong.of(Math.min(estimate.getAsLong(), rowLimit));
            }
            return estimate;
        } catch (SQLException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Whether the plan is known to produce more than {@code max} rows: by PostgreSQL's statistics, else by a COUNT
     * that stops at {@code max + 1}. Unknown (a slow count, an error) is false: only a known excess refuses.
     */
    public static boolean exceeds(JdbcSource source, QueryPlan plan, long max) {
        Long rowLimit = plan.rowLimit();
        if (rowLimit != null && rowLimit <= max) return false;
        try (Connection c = source.connection()) {
            c.setReadOnly(source.dialect() != Dialect.SQLITE);
            OptionalLong statistics = source.dialect() == Dialect.POSTGRESQL && !plan.filtered() && plan.table().sql() == null
                    ? postgresStatistics(c, plan) : OptionalLong.empty();
            if (statistics.isPresent()) return statistics.getAsLong() > max;
            return countUpTo(c, source.dialect(), plan, max + 1) > max;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static OptionalLong postgresStatistics(Connection c, QueryPlan plan) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(?)")) {
            s.setString(1, Dialect.POSTGRESQL.qualifiedName(plan.table()));
            try (ResultSet rs = s.executeQuery()) {
                // reltuples is -1 (or 0 on old servers) until the table has been analysed or vacuumed.
                if (rs.next() && rs.getLong(1) > 0) return OptionalLong.of(rs.getLong(1));
            }
        }
        return OptionalLong.empty();
    }

    private static OptionalLong boundedCount(Connection c, Dialect dialect, QueryPlan plan, long cap) throws SQLException {
        long n = countUpTo(c, dialect, plan, cap + 1);
        return n > cap ? OptionalLong.empty() : OptionalLong.of(n);
    }

    /** The plan's rows, counting no further than {@code limit}. */
    private static long countUpTo(Connection c, Dialect dialect, QueryPlan plan, long limit) throws SQLException {
        String sql = "SELECT COUNT(*) FROM (SELECT 1 AS one" + plan.fromAndWhere() + " LIMIT ?) capped";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setQueryTimeout(TIMEOUT_SECONDS);
            try {
                List<Object> params = plan.whereParameters();
                for (int i = 0; i < params.size(); i++) dialect.bind(s, i + 1, params.get(i));
                s.setLong(params.size() + 1, limit);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            } finally {
                // H2 keeps a statement's timeout for the whole session (SET QUERY_TIMEOUT): left on the pooled
                // connection, it would cut off the next export that borrows it a few seconds into its query.
                s.setQueryTimeout(0);
            }
        }
    }
}
