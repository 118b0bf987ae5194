package dev.freight.engine;

import dev.freight.query.QueryPlan;
import dev.freight.source.Dialect;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bound values for a statement that cannot take bind parameters: PostgreSQL's {@code COPY (SELECT …) TO STDOUT}.
 * Each value is set as a transaction-local setting ({@code set_config('freight.pN', ?, true)}, itself a bound
 * parameter, so no value is ever part of SQL text) and each {@code ?} of the query becomes
 * {@code (SELECT current_setting('freight.pN')::type)}. The type is the one pgJDBC binds the Java value as, so the
 * server compares, casts and matches exactly as for the same query run with bind parameters; a value bound untyped
 * (a role's row-filter attribute) gets the type the server infers for it in the query, as it does for a literal.
 * The scalar sub-select makes the value an init plan, computed once per query instead of once per row (a plain
 * {@code current_setting(…)} in a WHERE clause is re-evaluated for every row: ten times slower with an IN list).
 * <p>
 * The {@code ?} placeholders are found by pgJDBC's own parser, the one that would have bound them: a question mark
 * in a quoted identifier, a string literal, a comment or a dollar-quoted string is not a placeholder.
 */
final class SettingParameters {
    /**
     * The most values taken this way. A long IN list is compared value by value on every row here, where bound as
     * parameters PostgreSQL hashes it; past a few hundred values the cursor path is the faster one.
     */
    static final int MAX_VALUES = 256;

    /** The PostgreSQL type pgJDBC binds each Java value class as ({@code setObject}); String is varchar. */
    private static final Map<Class<?>, String> TYPES = Map.ofEntries(
            Map.entry(String.class, "varchar"), Map.entry(Long.class, "int8"), Map.entry(Integer.class, "int4"),
            Map.entry(Short.class, "int2"), Map.entry(BigDecimal.class, "numeric"), Map.entry(Double.class, "float8"),
            Map.entry(Float.class, "float4"), Map.entry(Boolean.class, "bool"), Map.entry(LocalDate.class, "date"),
            Map.entry(LocalTime.class, "time"), Map.entry(LocalDateTime.class, "timestamp"),
            Map.entry(OffsetDateTime.class, "timestamptz"));

    private SettingParameters() {
    }

    /**
     * Whether the plan's values can be bound this way to the query {@code SELECT … FROM … WHERE … ORDER BY … LIMIT ?}
     * built from its parts: each a known type or untyped text, and not too many. A plan made another way (whose
     * parameters are not {@link #values}) keeps the JDBC path.
     */
    static boolean supports(QueryPlan plan) {
        return supports(plan.parameters()) && plan.parameters().equals(values(plan));
    }

    /** The values of the query built from the plan's parts, in placeholder order: the WHERE clause's, then the limit. */
    static List<Object> values(QueryPlan plan) {
        if (plan.rowLimit() == null) return plan.whereParameters();
        List<Object> values = new ArrayList<>(plan.whereParameters());
        values.add(plan.rowLimit());
        return values;
    }

    /** The query's tail after the FROM and WHERE clauses: the order and the limit, as a placeholder. */
    static String orderAndLimit(QueryPlan plan) {
        return (plan.orderBy().isEmpty() ? "" : " ORDER BY " + plan.orderBy()) + (plan.rowLimit() == null ? "" : " LIMIT ?");
    }

    private static boolean supports(List<Object> values) {
        if (values.size() > MAX_VALUES) return false;
        for (Object v : values) {
            if (v != null && !(v instanceof Dialect.UntypedText) && !TYPES.containsKey(v.getClass())) return false;
        }
        return true;
    }

    /**
     * Sets the values in the connection's current transaction and returns {@code sql} with each placeholder replaced
     * by its setting. Must run inside the transaction that runs the returned SQL: the settings end with it.
     */
    static String bind(Connection connection, String sql, List<Object> values, boolean standardConformingStrings)
            throws SQLException {
        return bind(connection, sql, values, standardConformingStrings, true);
    }

    /** The plan's query bound: its scan is chosen for the values only where they can change it. */
    static String bind(Connection connection, QueryPlan plan, String sql, boolean standardConformingStrings)
            throws SQLException {
        // A row limit alone (no filter, no order) stops a scan that no value makes another: one round trip less
        // than explaining it, on what is often a one-row export.
        boolean scanDependsOnValues = !plan.whereParameters().isEmpty() || !plan.orderBy().isEmpty();
        return bind(connection, sql, values(plan), standardConformingStrings, scanDependsOnValues);
    }

    private static String bind(Connection connection, String sql, List<Object> values, boolean standardConformingStrings,
                               boolean scanForValues) throws SQLException {
        if (values.isEmpty()) return sql;
        NativeQuery parsed = Parser.parseJdbcSql(sql, standardConformingStrings, true, false, false, false).get(0);
        if (parsed.bindPositions.length != values.size()) {
            throw new IllegalStateException("query has " + parsed.bindPositions.length + " placeholders for "
                    + values.size() + " values");
        }
        List<String> types = types(connection, parsed.nativeSql, values);
        set(connection, values);
        if (scanForValues) scanAsForTheValues(connection, parsed, values, types);
        StringBuilder rewritten = new StringBuilder(parsed.nativeSql.length() + values.size() * 48);
        int from = 0;
        for (int i = 0; i < values.size(); i++) {
            int at = parsed.bindPositions[i];
            rewritten.append(parsed.nativeSql, from, at);
            rewritten.append(values.get(i) == null || values.get(i) instanceof Dialect.UntypedText t && t.value() == null
                    ? "(SELECT NULL::" + types.get(i) + ")"
                    : "(SELECT current_setting('freight.p" + (i + 1) + "')::" + types.get(i) + ")");
            from = at + 1 + Integer.toString(i + 1).length();   // past "$n"
        }
        return rewritten.append(parsed.nativeSql, from, parsed.nativeSql.length()).toString();
    }

    /**
     * The rewritten query is planned without its values (a setting is unknown to the planner, which assumes a third of
     * the rows pass a range filter): for {@code id > 0}, which every row passes, PostgreSQL walked the whole table by
     * its primary key index, 10-15% slower than the sequential scan it chooses when it sees the value (and far slower
     * on a table not in memory). So the query is first explained with the values bound, as the JDBC path runs it; when
     * that plan uses no index, neither does the export's (index scans are switched off for the transaction). When it
     * does use one, the query is left to the planner as it is.
     */
    private static void scanAsForTheValues(Connection connection, NativeQuery parsed, List<Object> values,
                                           List<String> types) throws SQLException {
        StringBuilder arguments = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) arguments.append(", ");
            arguments.append(text(values.get(i)) == null ? "NULL"
                    : "current_setting('freight.p" + (i + 1) + "')::" + types.get(i));
        }
        String plan;
        try (Statement s = connection.createStatement()) {
            // A prepared statement's first executions are planned for their values (a custom plan).
            s.execute("PREPARE freight_scan (" + String.join(", ", types) + ") AS " + parsed.nativeSql);
            try (ResultSet rs = s.executeQuery("EXPLAIN (FORMAT JSON) EXECUTE freight_scan(" + arguments + ")")) {
                rs.next();
                plan = rs.getString(1);
            } finally {
                deallocate(s);
            }
            if (plan.contains("\"Index Scan\"") || plan.contains("\"Index Only Scan\"")
                    || plan.contains("\"Bitmap Heap Scan\"")) {
                return;
            }
            s.execute("SELECT set_config('enable_indexscan', 'off', true), set_config('enable_indexonlyscan', 'off', true),"
                    + " set_config('enable_bitmapscan', 'off', true)");
        }
    }

    /**
     * After a failure (a value its type does not read) the transaction refuses this too: the export fails with the
     * first error, and its connection, which keeps the statement, is closed rather than pooled.
     */
    private static void deallocate(Statement s) {
        try {
            s.execute("DEALLOCATE freight_scan");
        } catch (SQLException ignored) {
            // the export's own error is the one to report
        }
    }

    /**
     * One type name per value. Untyped ones are resolved by the server: the query is prepared with their type
     * {@code unknown}, and {@code pg_prepared_statements} reports what each became, spelled as SQL (schema-qualified
     * and quoted where needed).
     */
    private static List<String> types(Connection connection, String nativeSql, List<Object> values) throws SQLException {
        List<String> declared = new ArrayList<>(values.size());
        boolean untyped = false;
        for (Object v : values) {
            String type = v == null || v instanceof Dialect.UntypedText ? null : TYPES.get(v.getClass());
            untyped |= type == null;
            declared.add(type == null ? "unknown" : type);
        }
        if (!untyped) return declared;
        try (Statement s = connection.createStatement()) {
            s.execute("PREPARE freight_parameter_types (" + String.join(", ", declared) + ") AS " + nativeSql);
            try {
                try (ResultSet rs = s.executeQuery("SELECT parameter_types::text[] FROM pg_prepared_statements"
                        + " WHERE name = 'freight_parameter_types'")) {
                    rs.next();
                    Array resolved = rs.getArray(1);
                    return List.of((String[]) resolved.getArray());
                }
            } finally {
                s.execute("DEALLOCATE freight_parameter_types");
            }
        }
    }

    private static void set(Connection connection, List<Object> values) throws SQLException {
        String[] texts = new String[values.size()];
        for (int i = 0; i < texts.length; i++) texts[i] = text(values.get(i));
        try (PreparedStatement set = connection.prepareStatement("SELECT count(set_config('freight.p' || n, v, true))"
                + " FROM unnest(?::text[]) WITH ORDINALITY AS p(v, n) WHERE v IS NOT NULL")) {
            set.setArray(1, connection.createArrayOf("text", texts));
            set.execute();
        }
    }

    /**
     * The value in the text form PostgreSQL reads for its type, as pgJDBC would send it: numbers in plain notation,
     * date-times in ISO-8601 rounded to the microsecond as pgJDBC rounds (half up).
     */
    static String text(Object value) {
        if (value == null) return null;
        if (value instanceof Dialect.UntypedText t) return t.value();
        if (value instanceof BigDecimal d) return d.toPlainString();
        if (value instanceof LocalTime t) return micros(t).toString();
        if (value instanceof LocalDateTime t) return micros(t).toString();
        if (value instanceof OffsetDateTime t) return micros(t).toString();
        return value.toString();
    }

    @SuppressWarnings("unchecked")
    private static <T extends Temporal> T micros(T t) {
        int nanos = (int) t.getLong(java.time.temporal.ChronoField.NANO_OF_SECOND);
        Temporal rounded = nanos % 1000 >= 500 ? t.plus(1, ChronoUnit.MICROS) : t;
        return (T) (rounded instanceof LocalTime lt ? lt.truncatedTo(ChronoUnit.MICROS)
                : rounded instanceof LocalDateTime ldt ? ldt.truncatedTo(ChronoUnit.MICROS)
                : ((OffsetDateTime) rounded).truncatedTo(ChronoUnit.MICROS));
    }
}
