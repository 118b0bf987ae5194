package dev.freight.source;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * A named JDBC connection to one database, with its dialect and catalog: a pool for nodes, which run many exports,
 * or a single connection for a one-shot command, which runs one.
 */
public final class JdbcSource implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_SECONDS = 10;

    private final String name;
    private final Dialect dialect;
    private final String url;
    private final Connections connections;
    private final Catalog catalog;

    private JdbcSource(String name, Dialect dialect, String url, Connections connections) {
        this.name = name;
        this.dialect = dialect;
        this.url = url;
        this.connections = connections;
        this.catalog = new Catalog(this);
    }

    /** Where connections come from: {@link #connection()} borrows one, {@link #release} gives it back. */
    private interface Connections {
        Connection borrow() throws SQLException;

        void giveBack(Connection connection, boolean reusable) throws SQLException;

        boolean saturated();

        /** How many connections it lends at most. */
        int size();

        /** How long a borrower waits for a busy source, in words. */
        String waitText();

        void close();
    }

    /**
     * Opens a pool and checks that one connection can be made, so an unreachable source is reported at once.
     * The password is passed separately so that it never ends up in a URL that is logged.
     */
    public static JdbcSource open(String name, String jdbcUrl, String user, String password, int maxPoolSize) {
        return open(name, jdbcUrl, user, password, maxPoolSize, Duration.ofSeconds(CONNECT_TIMEOUT_SECONDS));
    }

    /** {@link #open}, waiting at most {@code wait} for a connection when all are lent (and to connect). */
    public static JdbcSource open(String name, String jdbcUrl, String user, String password, int maxPoolSize,
                                  Duration wait) {
        Dialect dialect = Dialect.fromJdbcUrl(jdbcUrl);
        return new JdbcSource(name, dialect, jdbcUrl, Pooled.open(name, dialect, jdbcUrl, user, password, maxPoolSize,
                wait));
    }

    /**
     * Opens one connection, checked at once like a pool's first, and lends it to every step of one export in turn
     * (catalog, estimate, rows). A one-shot export would spend more on starting a pool (its threads, its classes)
     * than on the export; the connection is closed with the source.
     */
    public static JdbcSource openSingle(String name, String jdbcUrl, String user, String password) {
        Dialect dialect = Dialect.fromJdbcUrl(jdbcUrl);
        Properties properties = new Properties();
        if (user != null) properties.setProperty("user", user);
        if (password != null) properties.setProperty("password", password);
        Single single = new Single(driver(dialect), withStreamingDefaults(dialect, jdbcUrl), properties,
                dialect.connectionInitSql());
        try {
            single.giveBack(single.borrow(), true);
        } catch (SQLException e) {
            throw unreachable(name, jdbcUrl, e);
        }
        return new JdbcSource(name, dialect, jdbcUrl, single);
    }

    /**
     * The dialect's driver, made directly: DriverManager would first load and start every driver on the class path
     * (and, through SQLite's, the logging library), which a one-shot export pays for in start-up time.
     */
    private static Driver driver(Dialect dialect) {
        return switch (dialect) {
            case POSTGRESQL -> new org.postgresql.Driver();
            case MARIADB -> new org.mariadb.jdbc.Driver();
            case H2 -> new org.h2.Driver();
            case SQLITE -> new org.sqlite.JDBC();
        };
    }

    private static SourceUnavailableException unreachable(String name, String jdbcUrl, Throwable cause) {
        return new SourceUnavailableException("cannot connect to source '" + name + "' (" + redact(jdbcUrl) + "): "
                + firstLine(cause.getMessage()), cause);
    }

    /**
     * pgJDBC switches a statement to binary transfer on its fifth run on a connection, and reads an array received
     * in binary as {"1",NULL,"3"} where the server's text is {1,NULL,3}: the same export would change its output
     * on a pooled connection. Arrays stay text (the types pgJDBC would receive in binary).
     */
    private static final String PG_TEXT_ARRAYS = "binaryTransferDisable=BYTEA_ARRAY,INT2_ARRAY,INT4_ARRAY,INT8_ARRAY,"
            + "OID_ARRAY,FLOAT4_ARRAY,FLOAT8_ARRAY,VARCHAR_ARRAY,TEXT_ARRAY";

    /** Driver options that keep memory flat and output stable: lazy H2 results, no client-side buffering, text arrays. */
    static String withStreamingDefaults(Dialect dialect, String url) {
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        if (dialect == Dialect.H2 && !lower.contains("lazy_query_execution")) {
            return url + ";LAZY_QUERY_EXECUTION=TRUE";
        }
        if (dialect == Dialect.POSTGRESQL && !lower.contains("binarytransferdisable")) {
            return url + (url.indexOf('?') < 0 ? "?" : "&") + PG_TEXT_ARRAYS;
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

    /**
     * A connection of the source. Either unreachable or busy (every pooled connection lent for as long as the pool
     * waits), the source is unavailable for now: a caller gets a 503 to retry, never a server error.
     */
    public Connection connection() throws SQLException {
        try {
            return connections.borrow();
        } catch (SQLException e) {
            if (isConnectionFailure(e)) {
                throw new SourceUnavailableException("cannot connect to source '" + name + "': " + firstLine(e.getMessage()), e);
            }
            // Hikari's "Connection is not available, request timed out": reachable, but every connection is in use.
            if (e instanceof SQLTransientConnectionException) {
                throw new SourceUnavailableException("source '" + name + "' is busy: all " + connections.size()
                        + " of its connections (pool_size) stayed in use for " + connections.waitText()
                        + "; try again shortly", e);
            }
            throw e;
        }
    }

    /** What to do on a borrowed connection; it may throw SQLException. */
    @FunctionalInterface
    public interface Work<T> {
        T on(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} on a borrowed connection and gives it back; after a failure the connection is not reused.
     * Closing a borrowed connection would also give it back to a pool, but would end a single connection.
     */
    public <T> T withConnection(Work<T> work) throws SQLException {
        Connection c = connection();
        boolean reusable = false;
        try {
            T result = work.on(c);
            reusable = true;
            return result;
        } finally {
            release(c, reusable);
        }
    }

    /**
     * Whether every connection the source may hold is in use, so {@link #connection()} would wait (or, for a single
     * connection, open another). Work that may be skipped (a row estimate) checks this first rather than queue
     * behind exports.
     */
    public boolean saturated() {
        return connections.saturated();
    }

    /**
     * Gives a borrowed connection back for the next borrower, or, when it is not {@code reusable}, closes it for
     * good. After a cancelled or failed export the session may still receive a late cancel request or be
     * mid-protocol; reusing it could break the next export.
     */
    public void release(Connection connection, boolean reusable) {
        if (connection == null) return;
        try {
            connections.giveBack(connection, reusable);
        } catch (SQLException | RuntimeException ignored) {
            // already broken: the pool replaces it, a single connection is opened again
        }
    }

    private static void abortQuietly(Connection connection) {
        try {
            connection.unwrap(Connection.class).abort(Runnable::run);
        } catch (SQLException | RuntimeException | AbstractMethodError notSupported) {
            // the driver cannot abort (SQLite): the pool closes it as usual
        }
    }

    /**
     * Hikari: connections return to the pool when closed; a broken one is evicted. Hikari's classes are named here
     * only, so that a single-connection source never loads them.
     */
    private record Pooled(HikariDataSource pool) implements Connections {
        static Pooled open(String name, Dialect dialect, String jdbcUrl, String user, String password, int maxPoolSize,
                           Duration wait) {
            HikariConfig config = new HikariConfig();
            config.setPoolName("freight-source-" + name);
            config.setJdbcUrl(withStreamingDefaults(dialect, jdbcUrl));
            if (user != null) config.setUsername(user);
            if (password != null) config.setPassword(password);
            config.setMaximumPoolSize(Math.max(1, maxPoolSize));
            config.setMinimumIdle(0);
            config.setConnectionTimeout(wait.toMillis());
            config.setInitializationFailTimeout(1);
            if (dialect.connectionInitSql() != null) config.setConnectionInitSql(dialect.connectionInitSql());
            try {
                return new Pooled(new HikariDataSource(config));
            } catch (HikariPool.PoolInitializationException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw unreachable(name, jdbcUrl, cause);
            }
        }

        @Override
        public Connection borrow() throws SQLException {
            return pool.getConnection();
        }

        @Override
        public void giveBack(Connection connection, boolean reusable) throws SQLException {
            if (reusable) {
                connection.close();
            } else {
                // Cut the session now: a graceful close of a connection broken mid-stream can wait on the server,
                // and the pool's own close would then wait 10 s for it.
                abortQuietly(connection);
                pool.evictConnection(connection);
            }
        }

        @Override
        public boolean saturated() {
            var stats = pool.getHikariPoolMXBean();
            return stats != null && stats.getActiveConnections() >= pool.getMaximumPoolSize();
        }

        @Override
        public int size() {
            return pool.getMaximumPoolSize();
        }

        @Override
        public String waitText() {
            long ms = pool.getConnectionTimeout();
            return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
        }

        @Override
        public void close() {
            pool.close();
        }
    }

    /**
     * One driver connection, kept open between borrowers. Should a second borrower come while it is lent, that one
     * gets a connection of its own, closed when given back: correct, if not the one-shot case this is made for.
     */
    private static final class Single implements Connections {
        private final Driver driver;
        private final String url;
        private final Properties properties;
        private final String initSql;
        private Connection kept;
        private boolean lent;

        Single(Driver driver, String url, Properties properties, String initSql) {
            this.driver = driver;
            this.url = url;
            this.properties = properties;
            this.initSql = initSql;
        }

        @Override
        public synchronized Connection borrow() throws SQLException {
            if (kept != null && kept.isClosed()) {
                // A borrower closed it (try-with-resources, as with a pool) rather than give it back.
                kept = null;
                lent = false;
            }
            if (lent) return connect();
            if (kept == null) kept = connect();
            lent = true;
            return kept;
        }

        private Connection connect() throws SQLException {
            // The pool's bound on a connection attempt; DriverManager's timeout is process-wide, as Hikari sets it too.
            DriverManager.setLoginTimeout(CONNECT_TIMEOUT_SECONDS);
            Connection c = driver.connect(url, properties);
            if (c == null) throw new SQLException("the " + driver.getClass().getName() + " driver does not take this URL");
            if (initSql != null) {
                try (Statement s = c.createStatement()) {
                    s.execute(initSql);
                } catch (SQLException e) {
                    c.close();
                    throw e;
                }
            }
            return c;
        }

        @Override
        public synchronized void giveBack(Connection connection, boolean reusable) throws SQLException {
            if (connection != kept) {
                connection.close();
                return;
            }
            lent = false;
            if (!reusable) {
                kept = null;
                abortQuietly(connection);
                connection.close();
            } else if (!connection.isClosed() && !connection.getAutoCommit()) {
                // As a pool does: the next borrower starts outside any transaction (an export ends with rollback).
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }

        @Override
        public synchronized boolean saturated() {
            return lent;
        }

        /** A second borrower gets a connection of its own, so a single connection never keeps anyone waiting. */
        @Override
        public int size() {
            return 1;
        }

        @Override
        public String waitText() {
            return "0 s";
        }

        @Override
        public synchronized void close() {
            if (kept == null) return;
            try {
                kept.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
            kept = null;
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
        connections.close();
    }

    @Override
    public String toString() {
        return "JdbcSource[" + name + ", " + dialect.id() + ", " + redact(Objects.toString(url)) + "]";
    }
}
