package dev.freight.source;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/** A named, pooled JDBC connection to one database, with its dialect and catalog. */
public final class JdbcSource implements AutoCloseable {
    private final String name;
    private final Dialect dialect;
    private final HikariDataSource pool;
    private final Catalog catalog;

    private JdbcSource(String name, Dialect dialect, HikariDataSource pool) {
        this.name = name;
        this.dialect = dialect;
        this.pool = pool;
        this.catalog = new Catalog(this);
    }

    /**
     * Opens a pool and checks that one connection can be made, so an unreachable source is reported at once.
     * The password is passed separately so that it never ends up in a URL that is logged.
     */
    public static JdbcSource open(String name, String jdbcUrl, String user, String password, int maxPoolSize) {
        Dialect dialect = Dialect.fromJdbcUrl(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setPoolName("freight-source-" + name);
        config.setJdbcUrl(withStreamingDefaults(dialect, jdbcUrl));
        if (user != null) config.setUsername(user);
        if (password != null) config.setPassword(password);
        config.setMaximumPoolSize(Math.max(1, maxPoolSize));
        config.setMinimumIdle(0);
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(1);
        if (dialect.connectionInitSql() != null) config.setConnectionInitSql(dialect.connectionInitSql());
        try {
            return new JdbcSource(name, dialect, new HikariDataSource(config));
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new SourceUnavailableException("cannot connect to source '" + name + "' (" + redact(jdbcUrl) + "): "
                    + firstLine(cause.getMessage()), cause);
        }
    }

    /** Driver options that keep memory flat: lazy H2 results, no client-side result buffering. */
    static String withStreamingDefaults(Dialect dialect, String url) {
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        if (dialect == Dialect.H2 && !lower.contains("lazy_query_execution")) {
            return url + ";LAZY_QUERY_EXECUTION=TRUE";
        }
        // MariaDB Connector/J, the only MySQL-protocol driver shipped, refuses jdbc:mysql: URLs without this flag.
        if (lower.startsWith("jdbc:mysql:") && !lower.contains("permitmysqlscheme")) {
            return url + (url.indexOf('?') < 0 ? "?" : "&") + "permitMysqlScheme";
        }
        return url;
    }

    public static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    static String firstLine(String message) {
        if (message == null) return "unknown error";
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).trim();
    }

    public Connection connection() throws SQLException {
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            if (isConnectionFailure(e)) {
                throw new SourceUnavailableException("cannot connect to source '" + name + "': " + firstLine(e.getMessage()), e);
            }
            throw e;
        }
    }

    /**
     * Whether every connection the pool may hold is in use, so {@link #connection()} would wait. Work that may be
     * skipped (a row estimate) checks this first rather than queue behind exports.
     */
    public boolean saturated() {
        var stats = pool.getHikariPoolMXBean();
        return stats != null && stats.getActiveConnections() >= pool.getMaximumPoolSize();
    }

    /**
     * Returns a connection to the pool, or, when it is not {@code reusable}, closes it for good. After a cancelled
     * or failed export the session may still receive a late cancel request or be mid-protocol; reusing it could
     * break the next export.
     */
    public void release(Connection connection, boolean reusable) {
        if (connection == null) return;
        try {
            if (reusable) {
                connection.close();
            } else {
                // Cut the session now: a graceful close of a connection broken mid-stream can wait on the server,
                // and the pool's own close would then wait 10 s for it.
                abortQuietly(connection);
                pool.evictConnection(connection);
            }
        } catch (SQLException | RuntimeException ignored) {
            // already broken: the pool replaces it
        }
    }

    private static void abortQuietly(Connection connection) {
        try {
            connection.unwrap(Connection.class).abort(Runnable::run);
        } catch (SQLException | RuntimeException | AbstractMethodError notSupported) {
            // the driver cannot abort (SQLite): the pool closes it as usual
        }
    }

    /** SQLSTATE class 08 is "connection exception" in every supported database. */
    public static boolean isConnectionFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) return true;
        }
        return false;
    }

    public String name() {
        return name;
    }

    public Dialect dialect() {
        return dialect;
    }

    public Catalog catalog() {
        return catalog;
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "JdbcSource[" + name + ", " + dialect.id() + ", " + redact(Objects.toString(pool.getJdbcUrl())) + "]";
    }
}
