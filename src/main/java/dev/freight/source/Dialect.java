package dev.freight.source;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.sql.Types;
import java.util.Locale;

/** What differs between the supported databases: quoting, streaming set-up and a few type quirks. */
public enum Dialect {
    POSTGRESQL("postgresql", '"', 10_000, new SeriesSql.Postgres()),
    MARIADB("mariadb", '`', 10_000, new SeriesSql.MariaDb()),
    H2("h2", '"', 10_000, new SeriesSql.H2()),
    SQLITE("sqlite", '"', 10_000, new SeriesSql.Sqlite());

    private final String id;
    private final char quote;
    private final int fetchSize;
    private final SeriesSql series;

    Dialect(String id, char quote, int fetchSize, SeriesSql series) {
        this.id = id;
        this.quote = quote;
        this.fetchSize = fetchSize;
        this.series = series;
    }

    /** The database's SQL for time series: one class per database, chosen here once. */
    public SeriesSql series() {
        return series;
    }

    public String id() {
        return id;
    }

    public int fetchSize() {
        return fetchSize;
    }

    public static Dialect fromJdbcUrl(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:postgresql:")) return POSTGRESQL;
        if (u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:")) return MARIADB;
        if (u.startsWith("jdbc:h2:")) return H2;
        if (u.startsWith("jdbc:sqlite:")) return SQLITE;
        throw new IllegalArgumentException("unsupported JDBC URL '" + url
                + "': expected jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql:, jdbc:h2: or jdbc:sqlite:");
    }

    /** Quotes an identifier that came from the catalog; embedded quote characters are doubled. */
    public String quote(String identifier) {
        String q = String.valueOf(quote);
        return q + identifier.replace(q, q + q) + q;
    }

    /** What follows FROM: the quoted table, or a named query as a derived table. */
    public String fromItem(Table table) {
        return table.sql() == null ? qualifiedName(table) : "(" + table.sql() + ") " + quote("q");
    }

    public String qualifiedName(Table table) {
        if (this == MARIADB || this == SQLITE || table.schema() == null || table.schema().isEmpty()) {
            return quote(table.tableName());
        }
        return quote(table.schema()) + "." + quote(table.tableName());
    }

    /**
     * Makes the connection stream rows through a server-side cursor inside one read-only transaction.
     * PostgreSQL only uses a cursor with autocommit off and a fetch size; MariaDB streams when a fetch size is set.
     * REPEATABLE READ: every statement of the export's transaction reads the snapshot of its first (SQLite's one
     * writer-free transaction is a snapshot already).
     */
    public void prepareForStreaming(Connection connection) throws SQLException {
        if (this != SQLITE) {
            // SQLite's driver rejects read-only changes on an open connection; its cursor streams anyway.
            connection.setReadOnly(true);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        connection.setAutoCommit(false);
    }

    /**
     * SQL run on every new connection. MariaDB sessions are pinned to UTC so that TIMESTAMP columns (instants)
     * read and bind as UTC date-times whatever the server's or the JVM's zone.
     */
    public String connectionInitSql() {
        return this == MARIADB ? "SET time_zone = '+00:00'" : null;
    }

    /**
     * Text whose SQL type the statement decides, e.g. a principal attribute bound into a role's row filter
     * ({@code tenant_id = :tenant_id} with an integer {@code tenant_id}). PostgreSQL would refuse {@code bigint =
     * varchar}, so there it is sent untyped, as a literal would be; the other databases convert text themselves.
     */
    public record UntypedText(String value) {
    }

    /** Binds a planner value; everything is a parameter, never text in the SQL. */
    public void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        if (value instanceof UntypedText t) {
            int type = this == POSTGRESQL ? Types.OTHER : Types.VARCHAR;
            if (t.value() == null) {
                statement.setNull(index, type);
            } else {
                statement.setObject(index, t.value(), type);
            }
        } else if (value instanceof OffsetDateTime odt && this == MARIADB) {
            statement.setObject(index, odt.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
        } else if (value instanceof OffsetDateTime odt && this == SQLITE) {
            statement.setString(index, odt.toString());
        } else {
            statement.setObject(index, value);
        }
    }

    /** Maps a catalog column to the export type. */
    private static final java.util.Set<String> MARIADB_GEOMETRY = java.util.Set.of("geometry", "point", "linestring",
            "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection");

    public ColumnType columnType(int jdbcType, String typeName, int precision, int scale) {
        String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        if (this == SQLITE) {
            return sqliteType(name);
        }
        if (this == POSTGRESQL) {
            if (name.equals("timestamptz")) return ColumnType.TIMESTAMP_TZ;
            if (name.equals("bool")) return ColumnType.BOOLEAN;
            if (name.equals("money")) return ColumnType.TEXT_LIKE;
            // A bit string ('101') and a time with an offset have no Java type of their own: the server's text.
            if (name.equals("bit")) return precision > 1 ? ColumnType.TEXT_LIKE : ColumnType.BOOLEAN;
            if (name.equals("varbit") || name.equals("timetz")) return ColumnType.TEXT_LIKE;
            if (name.startsWith("_") || name.equals("json") || name.equals("jsonb") || name.equals("uuid")
                    || name.equals("interval") || name.equals("xml")) {
                return ColumnType.TEXT_LIKE;
            }
        }
        if (this == MARIADB) {
            // TIMESTAMP in MariaDB is an instant stored in UTC; DATETIME is a local date-time.
            if (name.startsWith("timestamp")) return ColumnType.TIMESTAMP_TZ;
            if (name.contains("bigint") && name.contains("unsigned")) return ColumnType.DECIMAL;
            if (name.equals("json")) return ColumnType.TEXT_LIKE;
            if (name.equals("year")) return ColumnType.INTEGER;
            // Spatial values are stored as WKB (with an SRID prefix): binary, not text.
            if (MARIADB_GEOMETRY.contains(name)) return ColumnType.BINARY;
        }
        if (this == H2 && name.startsWith("timestamp with time zone")) return ColumnType.TIMESTAMP_TZ;
        // H2 reports a UUID as BINARY and a time with time zone as TIME: their text is what they are.
        if (this == H2 && (name.equals("json") || name.endsWith("array") || name.startsWith("interval")
                || name.equals("uuid") || name.startsWith("time with time zone"))) {
            return ColumnType.TEXT_LIKE;
        }
        return switch (jdbcType) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> ColumnType.INTEGER;
            case Types.NUMERIC, Types.DECIMAL -> ColumnType.DECIMAL;
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> ColumnType.FLOAT;
            // MariaDB reports BOOLEAN (TINYINT(1)) as BIT too; only a real BIT(n>1) is a bit string.
            case Types.BIT, Types.BOOLEAN -> name.equals("bit") && precision > 1 ? ColumnType.BINARY : ColumnType.BOOLEAN;
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB, Types.NCLOB -> ColumnType.STRING;
            case Types.DATE -> ColumnType.DATE;
            case Types.TIME, Types.TIME_WITH_TIMEZONE -> ColumnType.TIME;
            case Types.TIMESTAMP -> ColumnType.TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> ColumnType.TIMESTAMP_TZ;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> ColumnType.BINARY;
            default -> ColumnType.TEXT_LIKE;
        };
    }

    /** SQLite has type affinities, not types; the declared name is all there is (https://sqlite.org/datatype3.html). */
    private static ColumnType sqliteType(String declared) {
        if (declared.contains("bool")) return ColumnType.BOOLEAN;
        if (declared.contains("int")) return ColumnType.INTEGER;
        if (declared.contains("char") || declared.contains("clob") || declared.contains("text")) return ColumnType.STRING;
        if (declared.contains("blob") || declared.isEmpty()) return declared.isEmpty() ? ColumnType.TEXT_LIKE : ColumnType.BINARY;
        if (declared.contains("real") || declared.contains("floa") || declared.contains("doub")) return ColumnType.FLOAT;
        if (declared.contains("dec") || declared.contains("numeric")) return ColumnType.DECIMAL;
        // Dates and timestamps are whatever text the application stored; they are exported as that text.
        return ColumnType.TEXT_LIKE;
    }
}
