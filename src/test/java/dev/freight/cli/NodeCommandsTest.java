package dev.freight.cli;

import dev.freight.auth.Principal;
import dev.freight.job.Job;
import dev.freight.job.JobStatus;
import dev.freight.job.JobStore;
import dev.freight.query.ExportRequest;
import dev.freight.query.Filter;
import dev.freight.source.DemoData;
import dev.freight.source.Dialect;
import dev.freight.testing.Await;
import dev.freight.testing.ForkedCli;
import dev.freight.testing.ForkedNode;
import dev.freight.testing.TestDatabases;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node commands (worker, queue, jobs, cleanup) on a real configuration file: a PostgreSQL source exposing
 * only {@code orders}, a named SQL dataset and a table alias, an H2 job store and a local file store.
 */
class NodeCommandsTest {
    @TempDir
    static Path dir;
    static Path config;


    @BeforeAll
    static void configure() throws Exception {
        try (Connection c = TestDatabases.connect(TestDatabases.postgres())) {
            DemoData.load(c, Dialect.POSTGRESQL, 2_000);
        }
        config = dir.resolve("freight.yml");
        Files.writeString(config, """
                data_dir: %s
                job_store:
                  url: jdbc:h2:file:%s
                storage:
                  path: %s
                exports:
                  pdf_max_rows: 50
                  default_format: ndjson
                sources:
                  shop:
                    url: "%s"
                    include: ["orders"]
                datasets:
                  big_orders:
                    source: shop
                    sql: SELECT id, status, quantity FROM orders WHERE quantity > 15
                  sales:
                    source: shop
                    table: orders
                    time_column: created_at
                    key: id
                """.formatted(dir, dir.resolve("jobs"), dir.resolve("exports"), TestDatabases.postgres()));
    }

    @BeforeEach
    void emptyQueue() {
        try (FreightRuntime runtime = FreightRuntime.storesOnly(FreightRuntime.loadConfig(config))) {
            for (Job j : runtime.store.list(null, null, null, 1000).jobs()) runtime.store.delete(j.id());
        }
    }

    static Cli.Output freight(String... args) {
        return Cli.capture(args);
    }

    private static Job submit(ExportRequest request) {
        try (FreightRuntime runtime = FreightRuntime.full(FreightRuntime.loadConfig(config), false, false)) {
            return runtime.service.submit(Principal.user("cli-test"), null, request).job();
        }
    }

    private static Job job(String id) {
        try (FreightRuntime runtime = FreightRuntime.storesOnly(FreightRuntime.loadConfig(config))) {
            return runtime.store.get(id).orElseThrow();
        }
    }

    @Test
    void workerOnceRunsTheQueuedJobsAndExits() throws Exception {
        Job sql = submit(ExportRequest.of("big_orders", "csv"));
        Job alias = submit(ExportRequest.of("sales", "ndjson").withIds(List.of(1, 2, 3)));
        // Another test's delivery may have signed a link (and made the key) in the directory these tests share.
        Files.deleteIfExists(dir.resolve("link-key"));

        Cli.Output run = freight("worker", "--once", "--config", config.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("Ran 2 job(s)");
        // Workers sign links only for deliveries: with none, no node key appears in the data directory.
        assertThat(dir.resolve("link-key")).doesNotExist();

        Job sqlDone = job(sql.id());
        assertThat(sqlDone.status()).isEqualTo(JobStatus.COMPLETED);
        long expected = java.util.stream.LongStream.rangeClosed(1, 2_000)
                .filter(id -> (Integer) DemoData.order(id)[4] > 15).count();
        List<String> lines = Files.readAllLines(dir.resolve("exports").resolve(sql.id()));
        assertThat(lines.get(0)).isEqualTo("id,status,quantity");
        assertThat(lines).hasSize((int) expected + 1);
        assertThat(sqlDone.fileName()).startsWith("big_orders-");

        Job aliasDone = job(alias.id());
        assertThat(aliasDone.rowCount()).isEqualTo(3);
        assertThat(Files.readAllLines(dir.resolve("exports").resolve(alias.id()))).hasSize(3)
                .allMatch(l -> l.startsWith("{\"id\":"));
    }

    @Test
    void aNamedQueryTakesFiltersAndTheConfiguredTimeColumnApplies() throws Exception {
        Job filtered = submit(ExportRequest.of("big_orders", "csv").withFilters(List.of(new Filter("status", "eq", "paid"))));
        Job dated = submit(ExportRequest.of("sales", "csv").withColumns(List.of("id")).withDateRange("2024-01-01T01:00:00Z", "2024-01-01T02:00:00Z"));
        assertThat(freight("worker", "--once", "--config", config.toString()).exit()).isZero();

        assertThat(Files.readAllLines(dir.resolve("exports").resolve(filtered.id())).subList(1, (int) (long) job(filtered.id()).rowCount() + 1))
                .allMatch(l -> l.contains(",paid,"));
        // Orders are 5 minutes apart from 2024-01-01T00:00Z: 01:00 to 02:00 holds about twelve of them.
        assertThat(job(dated.id()).rowCount()).isBetween(10L, 14L);
    }

    @Test
    void tablesOutsideTheIncludePatternsAreNotDatasets() {
        try (FreightRuntime runtime = FreightRuntime.full(FreightRuntime.loadConfig(config), false, false)) {
            assertThat(runtime.registry.datasetNames()).contains("orders", "big_orders", "sales").doesNotContain("customers");
            assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(dev.freight.error.InvalidRequestException.class,
                    () -> runtime.service.submit(Principal.user("x"), null, ExportRequest.of("customers", "csv"))).code())
                    .isEqualTo("unknown_dataset");
        }
    }

    private static Path withRoles(String roles) throws Exception {
        return Files.writeString(dir.resolve("freight-roles.yml"), Files.readString(config) + "roles:\n" + roles);
    }

    @Test
    void theConfiguredRolesApplyToTheNodesExports() throws Exception {
        Path withRoles = withRoles("""
                  analyst:
                    datasets:
                      sales: {columns_allowed: [id, status], row_filter: "status = :status"}
                """);
        try (FreightRuntime runtime = FreightRuntime.full(FreightRuntime.loadConfig(withRoles), false, false)) {
            Principal analyst = new Principal("ann", "analyst", java.util.Map.of("status", "paid"));
            assertThat(runtime.exports.datasetNames(analyst)).containsExactly("sales");
            assertThat(runtime.exports.prepare(ExportRequest.of("sales", "csv"), analyst).plan().plan().columns())
                    .extracting(c -> c.name()).containsExactly("id", "status");
            assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(dev.freight.error.InvalidRequestException.class,
                    () -> runtime.service.submit(analyst, null, ExportRequest.of("orders", "csv"))).code())
                    .isEqualTo("unknown_dataset");
        }
    }

    @Test
    void aRoleNamingAColumnThatDoesNotExistStopsTheNode() throws Exception {
        Path withRoles = withRoles("""
                  analyst:
                    datasets:
                      sales: {columns_denied: [internal_notes]}
                """);
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(dev.freight.config.ConfigException.class,
                () -> FreightRuntime.full(FreightRuntime.loadConfig(withRoles), false, false)).key())
                .isEqualTo("roles.analyst.datasets.sales.columns_denied");
    }

    @Test
    void queueStatusCountsJobsByStatus() {
        submit(ExportRequest.of("orders", "csv"));
        submit(ExportRequest.of("orders", "csv"));
        Cli.Output out = freight("queue", "status", "--config", config.toString());
        assertThat(out.exit()).isZero();
        assertThat(out.out()).contains("pending    2").contains("running    0").contains("oldest pending: ");
        assertThat(out.out()).doesNotContain("oldest pending: none");
    }

    @Test
    void jobsShowPrintsTheConditionAndTheDeliveryLog() {
        Job job;
        try (FreightRuntime runtime = FreightRuntime.full(FreightRuntime.loadConfig(config), false, false)) {
            job = runtime.service.submit(Principal.user("cli-test"), null, runtime.exports.prepare(
                    ExportRequest.of("orders", "csv").withRowLimit(3L), Principal.user("cli-test")),
                    dev.freight.job.JobStore.Admission.UNLIMITED, new dev.freight.delivery.DeliveryPlan(List.of(
                            new dev.freight.delivery.DeliveryTarget.Webhook("https://hooks.example.com/freight")), "rows > 0"),
                    null).job();
        }
        // Run, and its webhook tried once by worker --once: refused, as this configuration allows no webhook host.
        Cli.Output run = freight("worker", "--once", "--config", config.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        Cli.Output show = freight("jobs", "show", job.id(), "--config", config.toString());
        assertThat(show.exit()).isZero();
        assertThat(show.out()).contains("condition:     rows > 0 (met)\n")
                .containsPattern("deliveries:\n  export\\.completed  webhook  https://hooks\\.example\\.com/freight  failed  "
                        + "1 attempt  last: refused: host hooks\\.example\\.com is no longer in webhooks\\.allowed_hosts at \\S+\n");
    }

    @Test
    void jobsListShowAndCancel() {
        Job job = submit(ExportRequest.of("orders", "tsv"));
        Cli.Output list = freight("jobs", "list", "--config", config.toString());
        assertThat(list.out()).contains(job.id()).contains("pending").contains("orders").contains("tsv");

        Cli.Output show = freight("jobs", "show", job.id(), "--config", config.toString());
        assertThat(show.exit()).isZero();
        assertThat(show.out()).contains("status:        pending").contains("\"dataset\":\"orders\"");

        Cli.Output cancel = freight("jobs", "cancel", job.id(), "--config", config.toString());
        assertThat(cancel.exit()).isZero();
        assertThat(job(job.id()).status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(freight("jobs", "cancel", job.id(), "--config", config.toString()).exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(freight("jobs", "show", "../../etc/passwd", "--config", config.toString()).err())
                .isEqualTo("freight: error: no job '../../etc/passwd'\n");
        assertThat(freight("jobs", "list", "--status", "weird", "--config", config.toString()).exit()).isEqualTo(Main.EXIT_BAD_INPUT);
    }

    @Test
    void exportTakesAConfiguredDatasetOneShot() throws Exception {
        Path out = dir.resolve("big_orders.csv");
        Cli.Output run = freight("export", "--config", config.toString(), "--table", "big_orders", "--where", "status eq paid",
                "-o", out.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).isEqualTo("id,status,quantity");
        assertThat(lines.subList(1, lines.size())).isNotEmpty().allMatch(l -> l.contains(",paid,"));
        assertThat(freight("export", "--config", config.toString(), "--table", "customers", "-o", out.toString()).err())
                .contains("unknown dataset 'customers'").contains("big_orders");
    }

    @Test
    void theConfiguredPdfRowCapIsEnforcedUpFrontAndByTheWriter() throws Exception {
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(dev.freight.error.InvalidRequestException.class,
                () -> submit(ExportRequest.of("orders", "pdf"))).code()).isEqualTo("too_many_rows_for_pdf");
        Job fits = submit(ExportRequest.of("orders", "pdf").withRowLimit(50L));
        assertThat(freight("worker", "--once", "--config", config.toString()).exit()).isZero();
        Job done = job(fits.id());
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.rowCount()).isEqualTo(50);
        assertThat(Files.readString(dir.resolve("exports").resolve(fits.id()), StandardCharsets.ISO_8859_1)).startsWith("%PDF");
    }

    @Test
    void aRequestWithoutAFormatTakesTheConfiguredDefault() throws Exception {
        Job job = submit(ExportRequest.of("orders", null).withRowLimit(3L));
        assertThat(job.request().format()).isEqualTo("ndjson");
        assertThat(freight("worker", "--once", "--config", config.toString()).exit()).isZero();
        Job done = job(job.id());
        assertThat(done.fileName()).endsWith(".ndjson");
        assertThat(Files.readAllLines(dir.resolve("exports").resolve(job.id()))).hasSize(3).allMatch(l -> l.startsWith("{"));
    }

    @Test
    void cleanupReportsWhatItSwept() {
        Cli.Output out = freight("cleanup", "--config", config.toString());
        assertThat(out.exit()).isZero();
        assertThat(out.err()).startsWith("Expired 0 file(s), purged 0 job record(s)");
    }

    // ---------------------------------------------------------------- a node's log: its standard error, in a JVM of its own

    /** slf4j-simple's line as a node writes it: time, thread, level, logger, message. */
    private static final String LOG_PREFIX = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) \\[[^]]+\\] ";

    @Test
    void aWorkerLogsAFailedJobAtWarnWithItsIdCodeAndMessage() throws Exception {
        Job bad;
        try (FreightRuntime runtime = FreightRuntime.storesOnly(FreightRuntime.loadConfig(config))) {
            // Straight into the job table: valid when it was queued, but the column has been dropped since.
            bad = runtime.store.create(new JobStore.NewJob(Principal.user("cli-test"), null,
                    ExportRequest.of("orders", "csv").withColumns(List.of("no_such_column")), null, 3)).job();
        }
        String log = ForkedCli.run("256m", Duration.ofMinutes(2), "worker", "--once", "--config", config.toString());
        assertThat(log.lines()).as(log).anySatisfy(line -> assertThat(line).matches(LOG_PREFIX
                + "WARN dev\\.freight\\.job\\.JobRunner - job " + bad.id()
                + " failed on attempt 1 of 3: unknown_column: .*no_such_column.*\\(dataset orders, format csv, owner cli-test\\)"));
        assertThat(job(bad.id()).status()).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void onSigtermServeLogsItsShutdownAndTheJobsItReleased() throws Exception {
        TestDatabases.execute(TestDatabases.postgres(), "DROP TABLE IF EXISTS serve_locked",
                "CREATE TABLE serve_locked AS SELECT g AS id FROM generate_series(1, 1000) g", "ANALYZE serve_locked");
        Path serveConfig = Files.writeString(dir.resolve("freight-serve.yml"), """
                data_dir: %s
                exports:
                  shutdown_grace: 1s
                sources:
                  shop:
                    url: "%s"
                    include: ["serve_locked"]
                """.formatted(dir.resolve("serve-node"), TestDatabases.postgres()));
        String id;
        String log;
        try (Connection locker = TestDatabases.connect(TestDatabases.postgres());
             ForkedNode node = ForkedNode.start("serve", "--config", serveConfig.toString(), "--port", "0")) {
            String base = node.await(java.util.regex.Pattern.compile("Freight is serving \\d+ dataset\\(s\\) at (http://\\S+)"),
                    Duration.ofMinutes(2)).group(1);
            String key = node.await(java.util.regex.Pattern.compile("Admin API key \\(shown once, stored hashed\\): (\\S+)"),
                    Duration.ofSeconds(10)).group(1);
            // Another session holds the table: the job runs, waiting for it, until the node stops.
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.execute("LOCK TABLE serve_locked IN ACCESS EXCLUSIVE MODE");
            }
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/export/jobs"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"dataset\": \"serve_locked\", \"delivery\": \"async\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
            id = new ObjectMapper().readTree(created.body()).get("id").asText();
            HttpRequest status = HttpRequest.newBuilder(URI.create(base + "/api/v1/export/jobs/" + id))
                    .header("Authorization", "Bearer " + key).build();
            Await.until("job " + id + " running", Duration.ofSeconds(30),
                    () -> http.send(status, HttpResponse.BodyHandlers.ofString()).body(),
                    j -> j.contains("\"status\":\"running\""));
            assertThat(node.stop(Duration.ofSeconds(30))).as("a clean stop").isZero();
            log = node.output();
            locker.rollback();
        }
        assertThat(log.lines().filter(l -> l.matches(LOG_PREFIX + "INFO dev\\.freight\\.job\\.(WorkerPool|JobRunner) - .*"))
                .map(l -> l.substring(l.indexOf("] INFO ") + 2)).toList()).as(log).containsSubsequence(
                "INFO dev.freight.job.WorkerPool - stopping workers: no new jobs are claimed; 1 job(s) running, "
                        + "waiting up to 1s (shutdown_grace) for them to finish: [" + id + "]",
                "INFO dev.freight.job.WorkerPool - shutdown_grace of 1s over: stopping 1 job(s) still running: [" + id + "]",
                "INFO dev.freight.job.JobRunner - job " + id + " released at shutdown after 0 rows: pending again, "
                        + "this attempt not counted",
                "INFO dev.freight.job.WorkerPool - released 1 job(s) back to the queue, for another node or the next "
                        + "start: [" + id + "]");
        try (FreightRuntime runtime = FreightRuntime.storesOnly(FreightRuntime.loadConfig(serveConfig))) {
            Job released = runtime.store.get(id).orElseThrow();
            assertThat(released.status()).isEqualTo(JobStatus.PENDING);
            assertThat(released.attempts()).isZero();
        }
    }

    @Test
    void aConfigErrorIsOneLineAndExitTwo() throws Exception {
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, "exports:\n  sync_max_rows: ten\n");
        Cli.Output out = freight("queue", "status", "--config", bad.toString());
        assertThat(out.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(out.err().strip()).startsWith("freight: error: ").contains("exports.sync_max_rows").doesNotContain("\n");
    }
}
