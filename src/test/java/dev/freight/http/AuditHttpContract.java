package dev.freight.http;

import dev.freight.auth.Authentication;
import dev.freight.access.Limits;
import dev.freight.access.AccessPolicy;
import dev.freight.export.ExportMetrics;
import dev.freight.export.ExportService;
import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.job.JdbcJobStore;
import dev.freight.job.JobService;
import dev.freight.job.Sweeper;
import dev.freight.job.WorkerPool;
import dev.freight.auth.AdminKey;
import dev.freight.auth.ApiKeyCheck;
import dev.freight.audit.JdbcAuditLog;
import dev.freight.auth.Principal;
import dev.freight.source.DemoData;
import dev.freight.source.Dialect;
import dev.freight.source.JdbcSource;
import dev.freight.source.SourceRegistry;
import dev.freight.storage.LocalFileStore;
import dev.freight.testing.Await;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.freight.http.HttpApiContract.assertProblem;
import static dev.freight.http.HttpApiContract.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit log over real HTTP: exports created, refused, completed, downloaded, deleted and cancelled end up in a
 * real job store (H2 or PostgreSQL, per subclass) and are read back through GET /api/v1/audit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuditHttpContract {
    static final String JOBS = "/api/v1/export/jobs";
    static final String AUDIT = "/api/v1/audit";
    static final long ORDERS = 1_000;

    Path dir;
    SourceRegistry sources;
    JdbcJobStore store;
    WorkerPool workers;
    FreightServer server;
    ApiClient admin;

    abstract JdbcJobStore openStore(Path dir);

    void dropStore() {
    }

    @BeforeAll
    void startServer() throws Exception {
        dir = Files.createTempDirectory("freight-audit");
        String url = "jdbc:h2:file:" + dir.resolve("demo");
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            DemoData.load(c, Dialect.H2, ORDERS);
        }
        sources = SourceRegistry.of(Map.of("demo", JdbcSource.open("demo", url, "sa", "", 4)));
        store = openStore(dir);
        LocalFileStore files = new LocalFileStore(dir.resolve("files"));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AdminKey adminCheck = AdminKey.loadOrCreate(store.dataSource(), dir);
        ApiKeyCheck users = token -> token.startsWith("key-") && token.length() > 4
                ? Optional.of(Principal.user(token.substring(4))) : Optional.empty();
        ExportService exports = new ExportService(sources, AccessPolicy.unrestricted(), Limits.unlimited(), new JdbcAuditLog(store.dataSource()), new ExportMetrics(registry), ExportService.Settings.DEFAULTS);
        var settings = HttpApiContract.settings(false);
        workers = new WorkerPool(store, files, exports, settings, Clock.systemUTC());
        workers.start();
        JobService jobs = new JobService(store, files, exports, settings, workers);
        server = new FreightServer(sources, jobs, new Sweeper(store, files, settings, Clock.systemUTC()), registry,
                Authentication.of(ApiKeyCheck.firstOf(adminCheck, users)), HttpApiContract.serverSettings()).start();
        admin = new ApiClient(server.port(), adminCheck.newKey().orElseThrow());
    }

    @AfterAll
    void stopServer() {
        if (server != null) server.close();
        if (workers != null) workers.close();
        if (store != null) store.close();
        if (sources != null) sources.close();
        dropStore();
        if (dir != null) TestSources.deleteTree(dir);
    }

    ApiClient client(String principal) {
        return new ApiClient(server.port(), "key-" + principal);
    }

    /** The events the admin reads with these query parameters (name, value, ...), newest first. */
    JsonNode events(String... params) {
        HttpResponse<byte[]> r = admin.get(AUDIT + query(params));
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        return ApiClient.json(r).get("events");
    }

    static String query(String... params) {
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < params.length; i += 2) {
            q.append(q.isEmpty() ? "?" : "&").append(params[i]).append('=')
                    .append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
        }
        return q.toString();
    }

    static List<String> actions(JsonNode events) {
        List<String> a = new ArrayList<>();
        events.forEach(e -> a.add(e.get("action").asText()));
        return a;
    }

    /** Events are written after the response in some paths (a worker finishing): wait for the count. */
    JsonNode awaitEvents(int count, String... params) {
        return Await.until(count + " audit events of " + List.of(params), Duration.ofSeconds(10), () -> events(params),
                e -> e.size() >= count);
    }

    String asyncExport(ApiClient c, String body) {
        HttpResponse<byte[]> r = c.post(JOBS, body);
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        String id = ApiClient.json(r).get("id").asText();
        awaitStatus(c, id, "completed");
        return id;
    }

    @Test
    void anAsyncExportIsAuditedFromCreationThroughDownloadToDeletion() {
        ApiClient erin = client("erin");
        String id = asyncExport(erin, """
                {"dataset": "orders", "format": "csv", "columns": ["id", "status"], "delivery": "async",
                 "filters": [{"column": "status", "op": "eq", "value": "shipped"}], "row_limit": 100}""");
        HttpResponse<byte[]> download = erin.get(JOBS + "/" + id + "/download");
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(erin.delete(JOBS + "/" + id).statusCode()).isEqualTo(204);

        JsonNode events = awaitEvents(4, "job_id", id);
        assertThat(actions(events)).containsExactly("export_deleted", "export_downloaded", "export_completed",
                "export_created");
        JsonNode created = events.get(3);
        assertThat(created.get("principal").asText()).isEqualTo("erin");
        assertThat(created.get("role").asText()).isEqualTo("user");
        assertThat(created.get("dataset").asText()).isEqualTo("orders");
        assertThat(created.get("format").asText()).isEqualTo("csv");
        assertThat(created.get("columns").toString()).isEqualTo("[\"id\",\"status\"]");
        assertThat(created.get("filters").toString()).isEqualTo(
                "{\"filters\":[{\"column\":\"status\",\"op\":\"eq\",\"value\":\"shipped\"}],\"row_limit\":100}");
        assertThat(created.get("client_address").asText()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(Instant.parse(created.get("at").asText())).isBefore(Instant.now().plusSeconds(1));
        JsonNode completed = events.get(2);
        long rows = completed.get("row_count").asLong();
        assertThat(rows).isPositive().isLessThanOrEqualTo(100);
        assertThat(completed.get("bytes").asLong()).isEqualTo(download.body().length);
        JsonNode downloaded = events.get(1);
        assertThat(downloaded.get("bytes").asLong()).isEqualTo(download.body().length);
        assertThat(downloaded.get("principal").asText()).isEqualTo("erin");
        assertThat(events.get(0).get("principal").asText()).isEqualTo("erin");
    }

    @Test
    void aRangeDownloadIsRecordedOncePerRequestWithTheBytesServed() {
        ApiClient fay = client("fay");
        String id = asyncExport(fay, "{\"dataset\": \"orders\", \"row_limit\": 200, \"delivery\": \"async\"}");
        HttpResponse<byte[]> part = fay.get(JOBS + "/" + id + "/download", "Range", "bytes=10-109");
        assertThat(part.statusCode()).isEqualTo(206);

        JsonNode downloads = awaitEvents(1, "job_id", id, "action", "export_downloaded");
        assertThat(downloads).hasSize(1);
        assertThat(downloads.get(0).get("bytes").asLong()).isEqualTo(100);
        assertThat(downloads.get(0).get("detail").asText()).startsWith("range 10-109/");
    }

    @Test
    void aSyncExportIsAuditedWithoutAJobIdWithItsRowsAndBytes() {
        ApiClient gus = client("gus");
        HttpResponse<byte[]> r = gus.post(JOBS, "{\"dataset\": \"orders\", \"format\": \"ndjson\", "
                + "\"row_limit\": 25, \"delivery\": \"sync\"}");
        assertThat(r.statusCode()).isEqualTo(200);

        JsonNode events = awaitEvents(2, "principal", "gus");
        assertThat(actions(events)).containsExactly("export_completed", "export_created");
        assertThat(events.get(0).get("job_id").isNull()).isTrue();
        assertThat(events.get(0).get("row_count").asLong()).isEqualTo(25);
        assertThat(events.get(0).get("bytes").asLong()).isEqualTo(r.body().length);
        assertThat(events.get(1).get("columns").size()).as("all columns exported, named").isGreaterThan(3);
    }

    @Test
    void aRefusedExportIsAuditedWithItsProblemCodeAndNoJobIsCreated() {
        ApiClient hal = client("hal");
        assertProblem(hal.post(JOBS, "{\"dataset\": \"orders\", \"columns\": [\"id\", \"secret_sauce\"], "
                + "\"delivery\": \"async\"}"), 400, "unknown_column");
        assertProblem(hal.post(JOBS, "{\"dataset\": "), 400, "malformed_json");

        JsonNode events = events("principal", "hal");
        assertThat(actions(events)).containsExactly("export_refused", "export_refused");
        assertThat(events.get(1).get("code").asText()).isEqualTo("unknown_column");
        assertThat(events.get(1).get("detail").asText()).contains("secret_sauce");
        assertThat(events.get(1).get("dataset").asText()).isEqualTo("orders");
        assertThat(events.get(1).get("job_id").isNull()).isTrue();
        assertThat(events.get(0).get("code").asText()).isEqualTo("malformed_json");
        assertThat(events.get(0).get("dataset").isNull()).isTrue();
        assertThat(ApiClient.json(hal.get(JOBS)).get("jobs")).isEmpty();
    }

    @Test
    void cancellingAPendingJobIsAuditedAsTheCallersAction() {
        ApiClient ivy = client("ivy");
        // A job nobody will run soon: the workers are busy elsewhere or fast, so cancel whatever state it is in.
        HttpResponse<byte[]> r = ivy.post(JOBS, "{\"dataset\": \"orders\", \"delivery\": \"async\"}");
        String id = ApiClient.json(r).get("id").asText();
        HttpResponse<byte[]> cancel = ivy.post(JOBS + "/" + id + "/cancel", "");
        if (cancel.statusCode() == 409) return; // finished first: nothing to cancel, nothing to audit
        assertThat(cancel.statusCode()).isEqualTo(202);
        JsonNode cancelled = awaitEvents(1, "job_id", id, "action", "export_cancelled");
        assertThat(cancelled.get(0).get("principal").asText()).isEqualTo("ivy");
    }

    @Test
    void pagesFollowTheCursorNewestFirstWithoutGapsOrRepeats() {
        ApiClient jo = client("jo");
        for (int i = 0; i < 5; i++) {
            assertProblem(jo.post(JOBS, "{\"dataset\": \"nope_" + i + "\"}"), 400, "unknown_dataset");
        }
        List<Long> ids = new ArrayList<>();
        List<String> datasets = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<byte[]> r = admin.get(AUDIT + query("principal", "jo", "limit", "2")
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode page = ApiClient.json(r);
            assertThat(page.get("events").size()).isLessThanOrEqualTo(2);
            page.get("events").forEach(e -> {
                ids.add(e.get("id").asLong());
                datasets.add(e.get("dataset").asText());
            });
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(datasets).containsExactly("nope_4", "nope_3", "nope_2", "nope_1", "nope_0");
        assertThat(new HashSet<>(ids)).hasSize(5);
        assertProblem(admin.get(AUDIT + "?cursor=not-a-cursor"), 400, "invalid_cursor");
    }

    @Test
    void filtersNarrowByActionDatasetAndTime() {
        ApiClient kim = client("kim");
        Instant before = Instant.now().minusSeconds(1);
        asyncExport(kim, "{\"dataset\": \"customers\", \"row_limit\": 5, \"delivery\": \"async\"}");
        assertProblem(kim.post(JOBS, "{\"dataset\": \"orders\", \"columns\": [\"zzz\"]}"), 400, "unknown_column");

        awaitEvents(3, "principal", "kim");
        assertThat(actions(events("principal", "kim", "action", "export_refused"))).containsExactly("export_refused");
        assertThat(actions(events("principal", "kim", "dataset", "customers")))
                .containsExactly("export_completed", "export_created");
        assertThat(events("principal", "kim", "from", before.toString())).hasSize(3);
        assertThat(events("principal", "kim", "to", before.toString())).isEmpty();
        assertThat(events("principal", "kim", "from", Instant.now().plusSeconds(60).toString())).isEmpty();
    }

    @Test
    void invalidActionTimeAndLimitAreProblems() {
        assertProblem(admin.get(AUDIT + "?action=export_stolen"), 400, "invalid_action");
        assertThat(ApiClient.json(admin.get(AUDIT + "?action=export_stolen")).get("detail").asText())
                .contains("export_created", "export_downloaded");
        assertProblem(admin.get(AUDIT + "?from=yesterday"), 400, "invalid_time");
        assertProblem(admin.get(AUDIT + "?to=2024-13-01T00:00:00Z"), 400, "invalid_time");
        assertProblem(admin.get(AUDIT + "?limit=501"), 400, "invalid_limit");
        assertThat(admin.get(AUDIT + "?from=2024-01-01").statusCode()).isEqualTo(200);
    }

    @Test
    void nonAdminsReadOnlyTheTrailOfTheirOwnJobs() {
        ApiClient lou = client("lou");
        String id = asyncExport(lou, "{\"dataset\": \"orders\", \"row_limit\": 10, \"delivery\": \"async\"}");

        assertProblem(lou.get(AUDIT), 403, "forbidden");
        assertProblem(lou.get(AUDIT + "?principal=lou"), 403, "forbidden");
        JsonNode own = ApiClient.json(lou.get(AUDIT + "?job_id=" + id)).get("events");
        assertThat(actions(own)).contains("export_created");
        assertThat(own).allSatisfy(e -> assertThat(e.get("job_id").asText()).isEqualTo(id));
        assertProblem(client("mia").get(AUDIT + "?job_id=" + id), 404, "not_found");
        assertProblem(client("mia").get(AUDIT + "?job_id=../../etc"), 404, "not_found");
        assertThat(new ApiClient(server.port(), null).get(AUDIT).statusCode()).isEqualTo(401);
    }

    @Test
    void theAuditRouteIsInTheOpenApiDocument() {
        JsonNode doc = ApiClient.json(admin.get("/api/v1/openapi.json"));
        Set<String> params = new HashSet<>();
        doc.get("paths").get(AUDIT).get("get").get("parameters").forEach(p -> params.add(p.get("name").asText()));
        assertThat(params).containsExactlyInAnyOrder("principal", "action", "dataset", "job_id", "from", "to",
                "cursor", "limit");
        assertThat(server.routes()).contains(new FreightServer.Route("GET", AUDIT));
    }
}
