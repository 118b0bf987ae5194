package dev.freight.http;

import dev.freight.source.DemoData;
import dev.freight.source.Dialect;
import dev.freight.source.JdbcSource;
import dev.freight.source.SourceRegistry;
import dev.freight.testing.TestDatabases;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sources every HTTP test serves, built once per JVM and shared by the H2- and PostgreSQL-backed suites:
 * <ul>
 *   <li>{@code demo}: the embedded H2 demo (100,000 orders);</li>
 *   <li>{@code pg}: PostgreSQL with {@value #PG_ORDERS} demo orders, {@code big} ({@value #BIG_ROWS} rows, for jobs
 *   that run for a second or more), {@code big_paced} (the same rows, 10 s at least, for jobs a test must find
 *   running) and two views that fail on purpose: {@code boom_early} on its first row and
 *   {@code boom_late} after {@value #BOOM_AFTER} rows; {@code long_text}, whose rows of 2,000 characters each
 *   fill a good part of a PDF page; and {@value #LOCKABLE}, analysed (its estimate comes from the statistics
 *   without touching it), for a test that locks it to make an export's query wait;</li>
 *   <li>{@code maria}: MariaDB with {@value #MARIA_ORDERS} demo orders.</li>
 * </ul>
 */
final class TestSources {
    static final long PG_ORDERS = 20_000;
    static final long MARIA_ORDERS = 2_000;
    static final long BIG_ROWS = 2_000_000;
    static final long BOOM_AFTER = 200_000;
    static final String LOCKABLE = "lockable";

    private static SourceRegistry registry;
    private static String pgUrl;

    private TestSources() {
    }

    static synchronized SourceRegistry registry() {
        if (registry != null) return registry;
        try {
            Path dir = Files.createTempDirectory("freight-http-demo");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            JdbcSource demo = JdbcSource.open("demo", DemoData.ensureEmbedded(dir), "sa", "", 4);

            // A schema of its own: other suites load `orders` with other row counts into the run's schema.
            String schema = TestDatabases.runId() + "_http";
            TestDatabases.execute(TestDatabases.postgres(), "CREATE SCHEMA IF NOT EXISTS " + schema);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                } catch (RuntimeException ignored) {
                    // the server may be gone already
                }
            }));
            pgUrl = TestDatabases.postgres().replaceAll("currentSchema=[^&]*", "currentSchema=" + schema);
            try (Connection c = TestDatabases.connect(pgUrl)) {
                DemoData.load(c, Dialect.POSTGRESQL, PG_ORDERS);
            }
            TestDatabases.execute(pgUrl,
                    "DROP TABLE IF EXISTS big CASCADE",
                    "CREATE TABLE big AS SELECT g::bigint AS id, md5(g::text) AS payload FROM generate_series(1, "
                            + BIG_ROWS + ") g",
                    "ANALYZE big",
                    // Exports of big take about a second now: big_paced pauses 0.1 s every 20,000 rows (10 s in all),
                    // so a job is still running when a test looks, whatever the path and the machine's speed.
                    "CREATE OR REPLACE VIEW big_paced AS SELECT id, payload,"
                            + " CASE WHEN id % 20000 = 0 THEN pg_sleep(0.1)::text END AS pause FROM big",
                    "CREATE OR REPLACE VIEW boom_early AS SELECT g AS id, 1 / (g - 1) AS x FROM generate_series(1, 1000) g",
                    "CREATE OR REPLACE VIEW boom_late AS SELECT g AS id, 'row ' || g AS label, 1 / (g - " + BOOM_AFTER
                            + ") AS x FROM generate_series(1, " + (BOOM_AFTER + 1000) + ") g",
                    "DROP TABLE IF EXISTS long_text",
                    "CREATE TABLE long_text AS SELECT g AS id, repeat(md5(g::text) || ' ', 60) AS body "
                            + "FROM generate_series(1, 10000) g",
                    "DROP TABLE IF EXISTS " + LOCKABLE,
                    "CREATE TABLE " + LOCKABLE + " AS SELECT g AS id FROM generate_series(1, 1000) g",
                    "ANALYZE " + LOCKABLE);
            JdbcSource pg = JdbcSource.open("pg", pgUrl, null, null, 4);

            String mariaUrl = TestDatabases.mariadb();
            try (Connection c = TestDatabases.connect(mariaUrl)) {
                DemoData.load(c, Dialect.MARIADB, MARIA_ORDERS);
            }
            JdbcSource maria = JdbcSource.open("maria", mariaUrl, null, null, 4);

            Map<String, JdbcSource> sources = new LinkedHashMap<>();
            sources.put("demo", demo);
            sources.put("pg", pg);
            sources.put("maria", maria);
            registry = SourceRegistry.of(sources);
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The PostgreSQL schema behind source {@code pg}. */
    static String pgUrl() {
        registry();
        return pgUrl;
    }

    static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
