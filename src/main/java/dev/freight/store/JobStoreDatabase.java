package dev.freight.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.Locale;

/**
 * The job-store database (H2 embedded by default, PostgreSQL to scale out): its connection pool, migrated to the
 * current schema on {@link #open}, and its {@link DatabaseClock}. The job store, the audit log, browser sessions,
 * stored API keys and the admin key all live in it and borrow its {@link #dataSource()}; it is closed once, by its
 * owner.
 */
public final class JobStoreDatabase implements AutoCloseable {
    /** The databases a job store can be. */
    public enum Kind {
        H2("h2"), POSTGRESQL("postgresql");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** @throws IllegalArgumentException for a URL of any other database */
        public static Kind ofUrl(String url) {
            String u = url.toLowerCase(Locale.ROOT);
            if (u.startsWith("jdbc:h2:")) return H2;
            if (u.startsWith("jdbc:postgresql:")) return POSTGRESQL;
            int scheme = u.indexOf(':', "jdbc:".length());
            throw new IllegalArgumentException("job_store.url must be an H2 (jdbc:h2:) or PostgreSQL (jdbc:postgresql:) "
                    + "JDBC URL, got " + (u.startsWith("jdbc:") && scheme > 0 ? u.substring(0, scheme + 1) : "another URL"));
        }
    }

    private final HikariDataSource pool;
    private final Kind kind;
    private final DatabaseClock clock;

    private final String url;
    private final java.util.Properties credentials = new java.util.Properties();

    private JobStoreDatabase(HikariDataSource pool, Kind kind, Clock localClock, String url, String user, String password) {
        this.pool = pool;
        this.kind = kind;
        this.clock = new DatabaseClock(pool, localClock);
        this.url = url;
        if (user != null) credentials.setProperty("user", user);
        if (password != null) credentials.setProperty("password", password);
    }

    /**
     * A connection of its own, outside the pool, for a session that lasts as long as the node (PostgreSQL's LISTEN):
     * held by a pool it would be one connection fewer for everything else. The caller closes it.
     */
    public java.sql.Connection openDedicated() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(url, credentials);
    }

    /**
     * Connects and migrates. {@code localClock}: the node's own clock, only compared with the database's to warn of
     * a skew.
     */
    public static JobStoreDatabase open(String url, String user, String password, int poolSize, Clock localClock) {
        Kind kind = Kind.ofUrl(url);
        HikariConfig config = new HikariConfig();
        config.setPoolName("freight-jobstore");
        config.setJdbcUrl(url);
        if (user != null) config.setUsername(user);
        if (password != null) config.setPassword(password);
        config.setMaximumPoolSize(Math.max(2, poolSize));
        config.setInitializationFailTimeout(1);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            JobStoreMigrations.migrate(pool, kind);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new JobStoreDatabase(pool, kind, localClock, url, user, password);
    }

    /** The pool, for the tables that live here; owned by this database: closed with it, never by a borrower. */
    public DataSource dataSource() {
        return pool;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The database's clock ({@link DatabaseClock}): every time the store writes or compares comes from it, and the
     * workers and the sweeper of a node use it for the times they hand the store (run_after, expires_at).
     */
    public Clock clock() {
        return clock;
    }

    /** Statements on this database, failures named after {@code what} (e.g. {@code jobs}). */
    public StoreSql sql(String what) {
        return new StoreSql(pool, what);
    }

    @Override
    public void close() {
        pool.close();
    }
}
