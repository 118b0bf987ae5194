package dev.freight.source;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tables, views and their columns as JDBC metadata reports them. This is the only place identifiers come from:
 * a name a user typed is looked up here and replaced by the catalog's own spelling before any SQL is built.
 */
public final class Catalog {
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("information_schema", "pg_catalog", "pg_toast",
            "mysql", "performance_schema", "sys");

    private final JdbcSource source;
    private final Map<String, Table> described = new ConcurrentHashMap<>();

    Catalog(JdbcSource source) {
        this.source = source;
    }

    /** Dataset names in alphabetical order, mapped to the exact catalog location of each table or view. */
    public List<String> datasetNames() {
        return List.copyOf(locations().keySet());
    }

    /**
     * Finds a table by dataset name: the exact spelling first, then a case-insensitive match if it is unique
     * (so {@code orders} finds H2's {@code ORDERS}).
     */
    public Optional<Table> find(String datasetName) {
        if (datasetName == null || datasetName.isEmpty()) return Optional.empty();
        Table cached = described.get(datasetName);
        if (cached != null) return Optional.of(cached);
        TableLocation location = named(datasetName);
        if (location == null) {
            Map<String, TableLocation> all = locations();
            location = all.get(datasetName);
            if (location == null) {
                List<String> matches = all.keySet().stream()
                        .filter(n -> n.equalsIgnoreCase(datasetName)).toList();
                if (matches.size() != 1) return Optional.empty();
                location = all.get(matches.get(0));
            }
        }
        Table table = describe(location);
        described.put(datasetName, table);
        return Optional.of(table);
    }

    /**
     * Describes a named query from the configuration by preparing it with a condition that returns no rows: the
     * driver reports the result's columns and types without running the query for real.
     */
    public Table describeQuery(String name, String sql) {
        Dialect dialect = source.dialect();
        String probe = "SELECT * FROM (" + sql + ") " + dialect.quote("q") + " WHERE 1 = 0";
        try {
            return source.withConnection(c -> {
                try (java.sql.PreparedStatement s = c.prepareStatement(probe); ResultSet rs = s.executeQuery()) {
                    java.sql.ResultSetMetaData md = rs.getMetaData();
                    List<Column> columns = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        String typeName = md.getColumnTypeName(i);
                        int jdbcType = md.getColumnType(i);
                        columns.add(new Column(md.getColumnLabel(i), dialect.columnType(jdbcType, typeName,
                                md.getPrecision(i), md.getScale(i)), typeName, jdbcType,
                                md.isNullable(i) != java.sql.ResultSetMetaData.columnNoNulls,
                                md.getPrecision(i), md.getScale(i)));
                    }
                    return new Table(name, null, null, name, "QUERY", columns, List.of(), sql, null);
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("dataset '" + name + "': its query fails on source '" + source.name() + "': "
                    + JdbcSource.firstLine(e.getMessage()), e);
        }
    }

    private record TableLocation(String name, String catalog, String schema, String table, String kind) {
    }

    private Map<String, TableLocation> locations() {
        try {
            return source.withConnection(c -> locations(c, "%"));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the catalog of source '" + source.name() + "': " + e.getMessage(), e);
        }
    }

    /**
     * The table of the default schema spelled exactly {@code datasetName}, asked of the catalog by that name rather
     * than by listing every table (a one-shot export against a large catalog would wait for all of them), or null.
     * A name with a dot, whether a schema's or the table's own, is left to the whole listing, as is a name that
     * only matches case-insensitively. So is a name the catalog refuses to be asked about (MariaDB's, in utf8mb3,
     * cannot compare a name holding a 4-byte character, an emoji): no table has it, and the listing says so.
     */
    private TableLocation named(String datasetName) {
        if (datasetName.indexOf('.') >= 0) return null;
        try {
            return source.withConnection(c -> locations(c, escapeLike(c.getMetaData(), datasetName)).get(datasetName));
        } catch (SQLException e) {
            // A source that is down fails the listing the same way, and that failure is the one reported.
            return null;
        }
    }

    /** The catalog's tables and views whose name matches the LIKE pattern {@code tables}, by dataset name. */
    private Map<String, TableLocation> locations(Connection c, String tables) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        String defaultSchema = defaultSchema(c);
        String catalogFilter = source.dialect() == Dialect.MARIADB ? c.getCatalog() : null;
        Map<String, TableLocation> result = new TreeMap<>();
        try (ResultSet rs = md.getTables(catalogFilter, null, tables, null)) {
            while (rs.next()) {
                String schema = source.dialect() == Dialect.MARIADB ? null : rs.getString("TABLE_SCHEM");
                String table = rs.getString("TABLE_NAME");
                String kind = rs.getString("TABLE_TYPE");
                if (!isUserTable(schema, table, kind)) continue;
                boolean inDefault = schema == null || schema.equals(defaultSchema);
                String name = inDefault ? table : schema + "." + table;
                result.putIfAbsent(name, new TableLocation(name, rs.getString("TABLE_CAT"), schema, table, kind));
            }
        }
        return result;
    }

    private String defaultSchema(Connection c) throws SQLException {
        return switch (source.dialect()) {
            case MARIADB, SQLITE -> null;
            default -> c.getSchema();
        };
    }

    private static boolean isUserTable(String schema, String table, String kind) {
        if (kind == null) return false;
        String k = kind.toUpperCase(Locale.ROOT);
        if (k.contains("SYSTEM") || k.contains("INDEX") || k.contains("SEQUENCE") || k.contains("TYPE")) return false;
        if (!(k.contains("TABLE") || k.contains("VIEW"))) return false;
        if (schema != null && SYSTEM_SCHEMAS.contains(schema.toLowerCase(Locale.ROOT))) return false;
        return !table.startsWith("sqlite_");
    }

    private Table describe(TableLocation loc) {
        try {
            return source.withConnection(c -> describe(c, loc));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot describe '" + loc.name() + "': " + e.getMessage(), e);
        }
    }

    private Table describe(Connection c, TableLocation loc) throws SQLException {
        Dialect dialect = source.dialect();
        DatabaseMetaData md = c.getMetaData();
        List<Column> columns = new ArrayList<>();
        try (ResultSet rs = md.getColumns(loc.catalog(), loc.schema(), escapeLike(md, loc.table()), "%")) {
            while (rs.next()) {
                if (!loc.table().equals(rs.getString("TABLE_NAME"))) continue;
                String typeName = rs.getString("TYPE_NAME");
                int jdbcType = rs.getInt("DATA_TYPE");
                int precision = rs.getInt("COLUMN_SIZE");
                int scale = rs.getInt("DECIMAL_DIGITS");
                columns.add(new Column(rs.getString("COLUMN_NAME"),
                        dialect.columnType(jdbcType, typeName, precision, scale), typeName, jdbcType,
                        rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls, precision, scale));
            }
        }
        TreeMap<Short, String> pk = new TreeMap<>();
        try (ResultSet rs = md.getPrimaryKeys(loc.catalog(), loc.schema(), loc.table())) {
            while (rs.next()) pk.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
        }
        return new Table(loc.name(), loc.catalog(), loc.schema(), loc.table(), loc.kind(), columns,
                new ArrayList<>(pk.values()));
    }

    /** getTables and getColumns take LIKE patterns; a table called {@code a_b} must not also match {@code axb}. */
    private static String escapeLike(DatabaseMetaData md, String name) throws SQLException {
        String escape = md.getSearchStringEscape();
        if (escape == null || escape.isEmpty()) return name;
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }
}
