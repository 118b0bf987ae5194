package dev.freight.http;

import dev.freight.error.ProblemCode;
import dev.freight.auth.Authentication;
import dev.freight.audit.AuditLog;
import dev.freight.access.Limits;
import dev.freight.access.AccessPolicy;
import dev.freight.export.ExportMetrics;
import dev.freight.export.ExportService;
import dev.freight.auth.AdminKey;
import dev.freight.auth.ApiKeyCheck;
import dev.freight.auth.Principal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.job.JdbcJobStore;
import dev.freight.job.JobService;
import dev.freight.job.JobSettings;
import dev.freight.job.Sweeper;
import dev.freight.job.WorkerPool;
import dev.freight.source.SourceRegistry;
import dev.freight.storage.LocalFileStore;
import dev.freight.testing.Await;
import dev.freight.testing.TestDatabases;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The REST API over real HTTP against a real server: real job store (H2 or PostgreSQL, per subclass), local file
 * store, worker pool, and sources on H2, PostgreSQL and MariaDB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HttpApiContract {
    static final long SYNC_MAX_ROWS = 500;
    static final Set<String> JOB_FIELDS = Set.of("id", "dataset", "format", "status", "columns", "filters", "sort",
            "row_limit", "ids", "date_from", "date_to", "compress", "options", "owner", "total_rows", "processed_rows", "progress", "row_count",
            "file_name", "file_size_bytes", "content_type", "error_code", "error_message", "attempts", "created_at",
            "started_at", "completed_at", "expires_at", "schedule_id", "condition", "condition_met", "deliveries");
    static final String JOBS = "/api/v1/export/jobs";

    Path dir;
    SourceRegistry sources;
    JdbcJobStore store;
    LocalFileStore files;
    JobSettings settings;
    WorkerPool workers;
    JobService jobs;
    Sweeper sweeper;
    FreightServer server;
    String adminKey;
    ApiClient admin;
    /** A completed CSV job of 5,000 demo orders, for the download tests. */
    JsonNode finished;

    /** The job store under test, created in {@code dir}. */
    abstract JdbcJobStore openStore(Path dir);

    /** Extra cleanup of the job store's database, after the store is closed. */
    void dropStore() {
    }

    @BeforeAll
    void startServer() throws IOException {
        dir = Files.createTempDirectory("freight-http");
        sources = TestSources.registry();
        store = openStore(dir);
        files = new LocalFileStore(dir.resolve("files"));
        settings = settings(false);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ExportService exports = new ExportService(sources, AccessPolicy.unrestricted(), Limits.unlimited(), AuditLog.NONE, new ExportMetrics(registry), ExportService.Settings.DEFAULTS);
        workers = new WorkerPool(store, files, exports, settings, Clock.systemUTC());
        workers.start();
        jobs = new JobService(store, files, exports, settings, workers);
        sweeper = new Sweeper(store, files, settings, Clock.systemUTC());
        AdminKey adminCheck = AdminKey.loadOrCreate(store.dataSource(), dir);
        adminKey = adminCheck.newKey().orElseThrow();
        server = new FreightServer(sources, jobs, sweeper, registry, Authentication.of(keys(adminCheck)), serverSettings()).start();
        admin = new ApiClient(server.port(), adminKey);
        finished = awaitStatus(admin, submit(client("downloader"),
                "{\"dataset\": \"demo.orders\", \"row_limit\": 5000, \"delivery\": \"async\"}").get("id").asText(),
                "completed");
    }

    static JobSettings settings(boolean deleteAfterDownload) {
        return new JobSettings(2, Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofMillis(100),
                Duration.ofMillis(200), 3, Duration.ofHours(1), Duration.ofDays(1), deleteAfterDownload, Duration.ofSeconds(2));
    }

    static FreightServer.Settings serverSettings() {
        return FreightServer.Settings.defaults().withPort(0).withSyncMaxRows(SYNC_MAX_ROWS)
                .withMaxRequestBytes(64 * 1024).withEventPollInterval(Duration.ofMillis(100));
    }

    /** The admin key, plus "key-<name>" for any principal <name>: as many callers as the tests need. */
    static ApiKeyCheck keys(AdminKey adminCheck) {
        return ApiKeyCheck.firstOf(adminCheck, token -> token.startsWith("key-") && token.length() > 4
                ? Optional.of(Principal.user(token.substring(4))) : Optional.empty());
    }

    @AfterAll
    void stopServer() {
        if (server != null) server.close();
        if (workers != null) workers.close();
        if (store != null) store.close();
        dropStore();
        if (dir != null) TestSources.deleteTree(dir);
    }

    ApiClient client(String principal) {
        return new ApiClient(server.port(), "key-" + principal);
    }

    static JsonNode submit(ApiClient c, String body) {
        HttpResponse<byte[]> r = c.post(JOBS, body);
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        return ApiClient.json(r);
    }

    static JsonNode job(ApiClient c, String id) {
        HttpResponse<byte[]> r = c.get(JOBS + "/" + id);
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        return ApiClient.json(r);
    }

    static JsonNode await(ApiClient c, String id, Predicate<JsonNode> condition, String what) {
        return Await.until("job " + id + " " + what, Duration.ofSeconds(30), () -> job(c, id), condition);
    }

    static JsonNode awaitStatus(ApiClient c, String id, String status) {
        return await(c, id, j -> j.get("status").asText().equals(status), "to be " + status);
    }

    static void assertProblem(HttpResponse<byte[]> r, int status, String code) {
        assertThat(ProblemCode.fromCode(code)).as(code + " is listed in ProblemCode").isPresent();
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(status);
        assertThat(ApiClient.header(r, "Content-Type")).startsWith("application/problem+json");
        JsonNode p = ApiClient.json(r);
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("code").asText()).isEqualTo(code);
        assertThat(p.get("type").asText()).isEqualTo("https://freight.dev/problems/" + code);
        assertThat(p.get("title").asText()).isNotBlank();
        assertThat(p.get("detail").asText()).isNotBlank();
        assertThat(ApiClient.text(r)).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** A problem of {@code code}, answered with the status ProblemCode gives it. */
    static void assertProblem(HttpResponse<byte[]> r, ProblemCode code) {
        assertProblem(r, code.status(), code.code());
    }

    static List<String> lines(HttpResponse<byte[]> r) {
        return List.of(ApiClient.text(r).split("\r\n"));
    }

    // ---------------------------------------------------------------- catalog

    @Test
    void formatsListEveryFormatWithItsContentTypeExtensionAndOptions() {
        HttpResponse<byte[]> r = admin.get("/api/v1/export/formats");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode formats = ApiClient.json(r).get("formats");
        List<String> ids = new ArrayList<>();
        formats.forEach(f -> ids.add(f.get("id").asText()));
        assertThat(ids).containsExactlyElementsOf(java.util.Arrays.stream(dev.freight.format.ExportFormat.values())
                .map(dev.freight.format.ExportFormat::id).toList()).contains("csv", "tsv", "json", "ndjson", "xlsx", "parquet", "pdf");
        JsonNode csv = formats.get(0);
        assertThat(csv.get("extension").asText()).isEqualTo("csv");
        assertThat(csv.get("content_type").asText()).isEqualTo("text/csv; charset=utf-8");
        assertThat(csv.get("compressible").asBoolean()).isTrue();
        List<String> options = new ArrayList<>();
        csv.get("options").forEach(o -> options.add(o.get("name").asText()));
        assertThat(options).contains("delimiter", "header", "null_text", "bom", "line_ending", "sanitize_formulas");
        JsonNode tsvDelimiter = null;
        for (JsonNode o : formats.get(1).get("options")) if (o.get("name").asText().equals("delimiter")) tsvDelimiter = o;
        assertThat(tsvDelimiter).isNotNull();
        assertThat(tsvDelimiter.get("default").asText()).isEqualTo("\t");
    }

    @Test
    void formatOptionsAreTypedWithTheirDefaultsChoicesAndBounds() {
        JsonNode formats = ApiClient.json(admin.get("/api/v1/export/formats")).get("formats");
        int i = 0;
        for (dev.freight.format.ExportFormat f : dev.freight.format.ExportFormat.values()) {
            List<String> names = new ArrayList<>();
            formats.get(i++).get("options").forEach(o -> names.add(o.get("name").asText()));
            assertThat(names).as(f.id()).containsExactlyElementsOf(f.optionNames());
        }
        JsonNode fontSize = option(formats, "pdf", "font_size");
        assertThat(fontSize.get("type").asText()).isEqualTo("number");
        assertThat(fontSize.get("default").asInt()).isEqualTo(8);
        assertThat(fontSize.get("min").asInt()).isEqualTo(5);
        assertThat(fontSize.get("max").asInt()).isEqualTo(16);
        assertThat(fontSize.get("common").asBoolean()).isFalse();
        assertThat(fontSize.has("choices")).isFalse();
        JsonNode compression = option(formats, "parquet", "compression");
        assertThat(compression.get("type").asText()).isEqualTo("choice");
        assertThat(compression.get("default").asText()).isEqualTo("snappy");
        assertThat(compression.get("choices").toString()).isEqualTo("[\"snappy\",\"zstd\",\"gzip\",\"none\"]");
        assertThat(compression.has("min")).isFalse();
        JsonNode rowGroup = option(formats, "parquet", "row_group_size");
        assertThat(rowGroup.get("type").asText()).isEqualTo("size");
        assertThat(rowGroup.get("default").asLong()).isEqualTo(16L << 20);
        assertThat(rowGroup.get("min").asLong()).isEqualTo(1L << 20);
        assertThat(rowGroup.get("max").asLong()).isEqualTo(128L << 20);
        JsonNode orientation = option(formats, "pdf", "orientation");
        assertThat(orientation.get("default").isNull()).isTrue();
        assertThat(orientation.get("choices").toString()).isEqualTo("[\"portrait\",\"landscape\"]");
        JsonNode labels = option(formats, "xlsx", "labels");
        assertThat(labels.get("type").asText()).isEqualTo("labels");
        assertThat(labels.get("common").asBoolean()).isTrue();
        assertThat(option(formats, "json", "bool_text").get("type").asText()).isEqualTo("string_list");
        assertThat(option(formats, "csv", "header").get("default").asBoolean()).isTrue();
        assertThat(option(formats, "csv", "line_ending").get("choices").toString()).isEqualTo("[\"crlf\",\"lf\"]");
        assertThat(option(formats, "ndjson", "time_zone").get("default").asText()).isEqualTo("UTC");
        // Accepted for old requests, not advertised.
        assertThat(option(formats, "xlsx", "sanitize_formulas")).isNull();
    }

    private static JsonNode option(JsonNode formats, String format, String name) {
        for (JsonNode f : formats) {
            if (!f.get("id").asText().equals(format)) continue;
            for (JsonNode o : f.get("options")) if (o.get("name").asText().equals(name)) return o;
        }
        return null;
    }

    @Test
    void everyColumnListsTheFilterOperatorsAnExportAcceptsOnIt() {
        assertThat(FilterOperatorsProbe.assertListedOperatorsAreExactlyTheAcceptedOnes(admin, "demo.orders"))
                .isGreaterThanOrEqualTo(6);
        JsonNode orders = null;
        for (JsonNode d : ApiClient.json(admin.get("/api/v1/export/tables")).get("datasets")) {
            if (d.get("name").asText().equals("demo.orders")) orders = d;
        }
        java.util.Map<String, String> operators = new java.util.HashMap<>();
        orders.get("columns").forEach(c -> operators.put(c.get("name").asText(), c.get("operators").toString()));
        assertThat(operators.get("shipped")).isEqualTo("[\"eq\",\"ne\",\"in\",\"not_in\",\"is_null\",\"not_null\"]");
        assertThat(operators.get("sku")).contains("\"like\"", "\"lt\"", "\"between\"");
        assertThat(operators.get("unit_price")).contains("\"between\"").doesNotContain("\"like\"");
    }

    @Test
    void tablesListDatasetsOfEverySourceWithTypedColumnsKeyAndTimeColumn() {
        HttpResponse<byte[]> r = admin.get("/api/v1/export/tables");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode orders = null;
        Set<String> names = new HashSet<>();
        for (JsonNode d : ApiClient.json(r).get("datasets")) {
            names.add(d.get("name").asText());
            if (d.get("name").asText().equals("demo.orders")) orders = d;
        }
        assertThat(names).contains("demo.orders", "demo.customers", "pg.orders", "pg.big", "maria.orders");
        assertThat(orders).isNotNull();
        assertThat(orders.get("primary_key").get(0).asText()).isEqualTo("id");
        assertThat(orders.get("time_column").asText()).isEqualTo("created_at");
        JsonNode id = orders.get("columns").get(0);
        assertThat(id.get("name").asText()).isEqualTo("id");
        assertThat(id.get("type").asText()).isEqualTo("integer");
        assertThat(id.get("nullable").asBoolean()).isFalse();
        assertThat(id.get("sql_type").asText()).isNotBlank();
    }

    @Test
    void previewReturnsTheFirstRowsAsJsonThroughTheEngine() {
        HttpResponse<byte[]> r = admin.get("/api/v1/export/tables/pg.orders/preview?limit=5");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        JsonNode body = ApiClient.json(r);
        assertThat(body.get("dataset").asText()).isEqualTo("pg.orders");
        assertThat(body.get("rows")).hasSize(5);
        assertThat(body.get("columns")).hasSize(10);
        assertThat(body.get("rows").get(0).has("unit_price")).isTrue();
    }

    @Test
    void previewDefaultsToTwentyRows() {
        HttpResponse<byte[]> r = admin.get("/api/v1/export/tables/maria.orders/preview");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        assertThat(ApiClient.json(r).get("rows")).hasSize(20);
    }

    @Test
    void previewRefusesMoreThanAHundredRows() {
        assertProblem(admin.get("/api/v1/export/tables/demo.orders/preview?limit=101"), 400, "invalid_limit");
    }

    @Test
    void previewOfAnUnknownDatasetIsNotFound() {
        HttpResponse<byte[]> r = admin.get("/api/v1/export/tables/demo.nope/preview");
        assertProblem(r, 404, "unknown_dataset");
        assertThat(ApiClient.json(r).get("detail").asText()).contains("demo.orders");
    }

    // ---------------------------------------------------------------- sync / async / auto

    @Test
    void syncExportStreamsTheFileWithAttachmentHeaders() {
        HttpResponse<byte[]> r = client("sync").post(JOBS, "{\"dataset\": \"demo.orders\", \"columns\": [\"id\", "
                + "\"status\"], \"sort\": [{\"column\": \"id\"}], \"row_limit\": 100, \"delivery\": \"sync\"}");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        assertThat(ApiClient.header(r, "Content-Type")).isEqualTo("text/csv; charset=utf-8");
        assertThat(ApiClient.header(r, "Content-Disposition"))
                .matches("attachment; filename=\"demo\\.orders-\\d{8}-\\d{6}\\.csv\"; filename\\*=UTF-8''demo\\.orders-\\d{8}-\\d{6}\\.csv");
        assertThat(ApiClient.header(r, "X-Freight-Delivery")).isEqualTo("sync");
        List<String> lines = lines(r);
        assertThat(lines).hasSize(101);
        assertThat(lines.get(0)).isEqualTo("id,status");
        assertThat(lines.get(1)).startsWith("1,");
        assertThat(lines.get(100)).startsWith("100,");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource({
            "xlsx, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, PK",
            "parquet, application/vnd.apache.parquet, PAR1",
            "pdf, application/pdf, %PDF"})
    void everyFormatStreamsSyncAndRunsAsAJob(String format, String contentType, String magic) {
        ApiClient c = client("formats");
        String body = "{\"dataset\": \"pg.orders\", \"format\": \"" + format + "\", \"row_limit\": 200, "
                + "\"delivery\": \"%s\"}";
        HttpResponse<byte[]> sync = c.post(JOBS, body.formatted("sync"));
        assertThat(sync.statusCode()).as(ApiClient.text(sync)).isEqualTo(200);
        assertThat(ApiClient.header(sync, "Content-Type")).isEqualTo(contentType);
        assertThat(ApiClient.header(sync, "Content-Disposition")).contains("." + format + "\"");
        assertThat(new String(sync.body(), 0, magic.length(), java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo(magic);

        String id = submit(c, body.formatted("async")).get("id").asText();
        JsonNode done = awaitStatus(c, id, "completed");
        assertThat(done.get("file_name").asText()).endsWith("." + format);
        HttpResponse<byte[]> file = c.get(JOBS + "/" + id + "/download");
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(new String(file.body(), 0, magic.length(), java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo(magic);
        assertProblem(c.post(JOBS, "{\"dataset\": \"pg.orders\", \"format\": \"" + format
                + "\", \"compress\": true}"), 400, "invalid_option");
    }

    @Test
    void theSameSyncExportGivesTheSameCsvFromH2PostgresAndMariaDb() {
        String request = "{\"dataset\": \"%s\", \"columns\": [\"id\", \"sku\", \"quantity\", \"status\"], "
                + "\"sort\": [{\"column\": \"id\", \"dir\": \"desc\"}], \"filters\": [{\"column\": \"id\", \"op\": "
                + "\"lte\", \"value\": 1000}], \"row_limit\": 300, \"delivery\": \"sync\"}";
        ApiClient c = client("sync");
        HttpResponse<byte[]> h2 = c.post(JOBS, request.formatted("demo.orders"));
        HttpResponse<byte[]> pg = c.post(JOBS, request.formatted("pg.orders"));
        HttpResponse<byte[]> maria = c.post(JOBS, request.formatted("maria.orders"));
        assertThat(h2.statusCode()).as(ApiClient.text(h2)).isEqualTo(200);
        assertThat(lines(h2)).hasSize(301);
        assertThat(lines(h2).get(1)).startsWith("1000,");
        assertThat(ApiClient.text(pg)).isEqualTo(ApiClient.text(h2));
        assertThat(ApiClient.text(maria)).isEqualTo(ApiClient.text(h2));
    }

    @Test
    void syncExportWithCompressIsGzippedCsv() throws IOException {
        HttpResponse<byte[]> r = client("sync").post(JOBS, "{\"dataset\": \"maria.orders\", \"columns\": [\"id\"], "
                + "\"compress\": true, \"delivery\": \"sync\"}");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        assertThat(ApiClient.header(r, "Content-Type")).isEqualTo("application/gzip");
        assertThat(ApiClient.header(r, "Content-Disposition")).contains(".csv.gz\"");
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
            String csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(csv.split("\r\n")).hasSize((int) TestSources.MARIA_ORDERS + 1);
        }
    }

    @Test
    void autoStreamsWhenTheEstimateIsExactlySyncMaxRows() {
        HttpResponse<byte[]> r = client("auto").post(JOBS, "{\"dataset\": \"demo.orders\", \"columns\": [\"id\"], "
                + "\"filters\": [{\"column\": \"id\", \"op\": \"lte\", \"value\": " + SYNC_MAX_ROWS + "}]}");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        assertThat(ApiClient.header(r, "X-Freight-Delivery")).isEqualTo("sync");
        assertThat(lines(r)).hasSize((int) SYNC_MAX_ROWS + 1);
    }

    @Test
    void autoQueuesAJobWhenTheEstimateIsOneAboveSyncMaxRows() {
        HttpResponse<byte[]> r = client("auto").post(JOBS, "{\"dataset\": \"demo.orders\", \"columns\": [\"id\"], "
                + "\"filters\": [{\"column\": \"id\", \"op\": \"lte\", \"value\": " + (SYNC_MAX_ROWS + 1) + "}]}");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        assertThat(ApiClient.header(r, "X-Freight-Delivery")).isEqualTo("async");
        JsonNode done = awaitStatus(client("auto"), ApiClient.json(r).get("id").asText(), "completed");
        assertThat(done.get("row_count").asLong()).isEqualTo(SYNC_MAX_ROWS + 1);
    }

    @Test
    void autoStreamsWhenRowLimitKeepsABigTableAtOrBelowSyncMaxRows() {
        for (String dataset : List.of("demo.orders", "pg.big", "maria.orders")) {
            HttpResponse<byte[]> r = client("auto").post(JOBS, "{\"dataset\": \"" + dataset + "\", \"columns\": "
                    + "[\"id\"], \"row_limit\": 400}");
            assertThat(r.statusCode()).as(dataset + ": " + ApiClient.text(r)).isEqualTo(200);
            assertThat(lines(r)).as(dataset).hasSize(401);
        }
    }

    @Test
    void autoQueuesAnUnfilteredBigTable() {
        HttpResponse<byte[]> r = client("auto").post(JOBS, "{\"dataset\": \"pg.orders\", \"columns\": [\"id\"]}");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        assertThat(ApiClient.json(r).get("total_rows").asLong()).isEqualTo(TestSources.PG_ORDERS);
    }

    @Test
    void asyncExportAnswers202WithTheJobAndItsLocation() {
        HttpResponse<byte[]> r = client("async").post(JOBS, "{\"dataset\": \"maria.orders\", \"format\": \"ndjson\", "
                + "\"columns\": [\"id\", \"status\"], \"filters\": [{\"column\": \"status\", \"op\": \"in\", \"value\": "
                + "[\"paid\", \"shipped\"]}], \"sort\": [{\"column\": \"id\", \"dir\": \"asc\"}], \"row_limit\": 10, "
                + "\"delivery\": \"async\"}");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        JsonNode job = ApiClient.json(r);
        String id = job.get("id").asText();
        assertThat(ApiClient.header(r, "Location")).isEqualTo(JOBS + "/" + id);
        Set<String> fields = new HashSet<>();
        job.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).isEqualTo(JOB_FIELDS);
        assertThat(job.get("status").asText()).isIn("pending", "running", "completed");
        assertThat(job.get("owner").asText()).isEqualTo("async");
        assertThat(job.get("dataset").asText()).isEqualTo("maria.orders");
        assertThat(job.get("format").asText()).isEqualTo("ndjson");
        assertThat(job.get("filters").get(0).get("value").get(1).asText()).isEqualTo("shipped");
        assertThat(job.get("sort").get(0).get("dir").asText()).isEqualTo("asc");
        assertThat(job.get("row_limit").asLong()).isEqualTo(10);
        assertThat(job.get("created_at").asText()).endsWith("Z");
    }

    @Test
    void aCompletedJobShowsItsFileAndTimestampsInUtc() {
        assertThat(finished.get("row_count").asLong()).isEqualTo(5000);
        assertThat(finished.get("processed_rows").asLong()).isEqualTo(5000);
        assertThat(finished.get("progress").asDouble()).isEqualTo(1.0);
        assertThat(finished.get("file_name").asText()).matches("demo\\.orders-\\d{8}-\\d{6}-[a-z2-7]{26}\\.csv");
        assertThat(finished.get("file_size_bytes").asLong()).isPositive();
        assertThat(finished.get("content_type").asText()).isEqualTo("text/csv; charset=utf-8");
        assertThat(finished.get("format").asText()).isEqualTo("csv");
        assertThat(finished.get("attempts").asInt()).isEqualTo(1);
        for (String ts : List.of("created_at", "started_at", "completed_at", "expires_at")) {
            assertThat(finished.get(ts).asText()).as(ts).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        }
    }

    @Test
    void aRepeatedIdempotencyKeyReturnsTheSameJobWith200() {
        ApiClient c = client("idem");
        String body = "{\"dataset\": \"demo.customers\", \"delivery\": \"async\"}";
        HttpResponse<byte[]> first = c.post(JOBS, body, "Idempotency-Key", "order-export-42");
        HttpResponse<byte[]> second = c.post(JOBS, body, "Idempotency-Key", "order-export-42");
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(second).get("id").asText()).isEqualTo(ApiClient.json(first).get("id").asText());
        assertThat(ApiClient.header(second, "Location")).isEqualTo(ApiClient.header(first, "Location"));
    }

    @Test
    void anIdempotencyKeyReusedWithADifferentRequestIs422AndCreatesNothing() {
        ApiClient c = client("idem-reuse");
        HttpResponse<byte[]> first = c.post(JOBS, "{\"dataset\": \"demo.customers\", \"format\": \"csv\", "
                + "\"delivery\": \"async\"}", "Idempotency-Key", "reused-key");
        assertThat(first.statusCode()).isEqualTo(202);
        int jobsBefore = ApiClient.json(c.get(JOBS)).get("jobs").size();

        HttpResponse<byte[]> json = c.post(JOBS, "{\"dataset\": \"demo.customers\", \"format\": \"json\", "
                + "\"delivery\": \"async\"}", "Idempotency-Key", "reused-key");

        assertProblem(json, 422, "idempotency_key_reused");
        assertThat(ApiClient.json(json).get("detail").asText()).contains("'reused-key'")
                .contains(ApiClient.json(first).get("id").asText());
        assertThat(ApiClient.json(json).get("field").asText()).isEqualTo("Idempotency-Key");
        assertThat(ApiClient.json(c.get(JOBS)).get("jobs").size()).isEqualTo(jobsBefore);
    }

    @Test
    void anIdempotencyKeyRepeatedWithTheSameRequestInAnotherSpellingReturnsTheSameJob() {
        ApiClient c = client("idem-spelling");
        HttpResponse<byte[]> first = c.post(JOBS, "{\"dataset\": \"demo.orders\", \"delivery\": \"async\", "
                + "\"filters\": [{\"column\": \"quantity\", \"op\": \"gte\", \"value\": 2}]}", "Idempotency-Key", "k-2");
        HttpResponse<byte[]> second = c.post(JOBS, "{\"filters\": [{\"op\": \"gte\", \"column\": \"quantity\", "
                + "\"value\": 2}], \"format\": \"csv\", \"dataset\": \"demo.orders\", \"delivery\": \"async\"}",
                "Idempotency-Key", "k-2");
        assertThat(second.statusCode()).as(new String(second.body())).isEqualTo(200);
        assertThat(ApiClient.json(second).get("id").asText()).isEqualTo(ApiClient.json(first).get("id").asText());
    }

    @Test
    void theSameIdempotencyKeyFromTwoCallersCreatesTwoJobs() {
        String body = "{\"dataset\": \"demo.customers\", \"delivery\": \"async\"}";
        HttpResponse<byte[]> alice = client("idem-alice").post(JOBS, body, "Idempotency-Key", "shared-key");
        HttpResponse<byte[]> bob = client("idem-bob").post(JOBS, body, "Idempotency-Key", "shared-key");
        assertThat(alice.statusCode()).isEqualTo(202);
        assertThat(bob.statusCode()).isEqualTo(202);
        assertThat(ApiClient.json(bob).get("id").asText()).isNotEqualTo(ApiClient.json(alice).get("id").asText());
        assertThat(ApiClient.json(bob).get("owner").asText()).isEqualTo("idem-bob");
    }

    // ---------------------------------------------------------------- request validation

    @Test
    void malformedJsonIs400() {
        HttpResponse<byte[]> r = client("bad").post(JOBS, "{\"dataset\": \"demo.orders\",");
        assertProblem(r, 400, "malformed_json");
        assertThat(ApiClient.json(r).get("detail").asText()).contains("line 1");
    }

    @Test
    void anEmptyBodyIs400() {
        assertProblem(client("bad").post(JOBS, ""), 400, "malformed_json");
    }

    @Test
    void aBodyThatIsNotAnObjectIs400() {
        assertProblem(client("bad").post(JOBS, "[1, 2]"), 400, "invalid_type");
    }

    @Test
    void anUnknownFieldIs400NamingTheFieldAndTheValidOnes() {
        HttpResponse<byte[]> r = client("bad").post(JOBS, "{\"dataset\": \"demo.orders\", \"rowlimit\": 10}");
        assertProblem(r, 400, "unknown_field");
        JsonNode p = ApiClient.json(r);
        assertThat(p.get("field").asText()).isEqualTo("rowlimit");
        assertThat(p.get("detail").asText()).contains("'rowlimit'").contains("row_limit");
    }

    @Test
    void anUnknownFieldInsideAFilterIs400WithItsPath() {
        HttpResponse<byte[]> r = client("bad").post(JOBS, "{\"dataset\": \"demo.orders\", \"filters\": "
                + "[{\"column\": \"id\", \"op\": \"eq\", \"value\": 1}, {\"colum\": \"id\", \"op\": \"eq\"}]}");
        assertProblem(r, 400, "unknown_field");
        assertThat(ApiClient.json(r).get("field").asText()).isEqualTo("filters[1].colum");
    }

    @Test
    void aRowLimitThatIsAStringIs400() {
        HttpResponse<byte[]> r = client("bad").post(JOBS, "{\"dataset\": \"demo.orders\", \"row_limit\": \"ten\"}");
        assertProblem(r, 400, "invalid_type");
        JsonNode p = ApiClient.json(r);
        assertThat(p.get("field").asText()).isEqualTo("row_limit");
        assertThat(p.get("detail").asText()).contains("integer").contains("\"ten\"");
    }

    @Test
    void aNumericStringIsNotCoercedToAnInteger() {
        assertProblem(client("bad").post(JOBS, "{\"dataset\": \"demo.orders\", \"row_limit\": \"10\"}"), 400,
                "invalid_type");
    }

    @Test
    void filtersThatAreNotAnArrayAre400() {
        HttpResponse<byte[]> r = client("bad").post(JOBS, "{\"dataset\": \"demo.orders\", \"filters\": "
                + "{\"column\": \"id\", \"op\": \"eq\", \"value\": 1}}");
        assertProblem(r, 400, "invalid_type");
        assertThat(ApiClient.json(r).get("field").asText()).isEqualTo("filters");
    }

    @Test
    void compressThatIsNotABooleanIs400() {
        HttpResponse<byte[]> r = client("bad").post(JOBS, "{\"dataset\": \"demo.orders\", \"compress\": \"yes\"}");
        assertProblem(r, 400, "invalid_type");
        assertThat(ApiClient.json(r).get("field").asText()).isEqualTo("compress");
    }

    @Test
    void anUnknownColumnIs400WithTheColumnsToChooseFrom() {
        HttpResponse<byte[]> r = client("bad").post(JOBS, "{\"dataset\": \"pg.orders\", \"columns\": [\"id\", \"prize\"]}");
        assertProblem(r, 400, "unknown_column");
        JsonNode p = ApiClient.json(r);
        assertThat(p.get("field").asText()).isEqualTo("columns[1]");
        assertThat(p.get("detail").asText()).contains("'prize'").contains("unit_price");
    }

    @Test
    void anUnknownDatasetIs400ListingTheDatasets() {
        HttpResponse<byte[]> r = client("bad").post(JOBS, "{\"dataset\": \"orderz\", \"delivery\": \"async\"}");
        assertProblem(r, 400, "unknown_dataset");
        assertThat(ApiClient.json(r).get("detail").asText()).contains("demo.orders");
    }

    @Test
    void anUnknownDeliveryIs400() {
        HttpResponse<byte[]> r = client("bad").post(JOBS, "{\"dataset\": \"demo.orders\", \"delivery\": \"later\"}");
        assertProblem(r, 400, "invalid_delivery");
        assertThat(ApiClient.json(r).get("detail").asText()).contains("sync, async, auto");
    }

    @Test
    void anInvalidRequestCreatesNoJob() {
        ApiClient c = client("invalid-no-job");
        assertProblem(c.post(JOBS, "{\"dataset\": \"demo.orders\", \"filters\": [{\"column\": \"id\", \"op\": "
                + "\"between\", \"value\": 5}], \"delivery\": \"async\"}"), 400, "invalid_value");
        assertThat(ApiClient.json(c.get(JOBS)).get("jobs")).isEmpty();
    }

    @Test
    void aBodyLargerThanTheLimitIs413() {
        String big = "{\"dataset\": \"demo.orders\", \"columns\": [" + "\"id\",".repeat(20_000) + "\"id\"]}";
        assertProblem(client("bad").post(JOBS, big), 413, "payload_too_large");
    }

    @Test
    void aChunkedBodyLargerThanTheLimitIs413() {
        byte[] big = ("{\"dataset\": \"demo.orders\", \"columns\": [" + "\"id\",".repeat(20_000) + "\"id\"]}")
                .getBytes(StandardCharsets.UTF_8);
        HttpRequest req = client("bad").request(JOBS).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
        assertProblem(client("bad").send(req), 413, "payload_too_large");
    }

    // ---------------------------------------------------------------- sync failures

    @Test
    void aSyncExportThatFailsBeforeTheFirstByteAnswersProblemJson() {
        HttpResponse<byte[]> r = client("boom").post(JOBS, "{\"dataset\": \"pg.boom_early\", \"delivery\": \"sync\"}");
        assertProblem(r, 500, "source_error");
        assertThat(ApiClient.header(r, "Content-Disposition")).isNull();
    }

    @Test
    void aSyncExportThatFailsAfterTheFirstByteBreaksTheTransfer() {
        for (String format : List.of("csv", "json")) {
            HttpRequest req = client("boom").request(JOBS).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"dataset\": \"pg.boom_late\", \"format\": \"" + format
                            + "\", \"delivery\": \"sync\"}")).build();
            assertThatThrownBy(() -> {
                HttpResponse<InputStream> r = client("boom").send(req, HttpResponse.BodyHandlers.ofInputStream());
                assertThat(r.statusCode()).isEqualTo(200);
                try (InputStream in = r.body()) {
                    long n = in.transferTo(OutputStreamSink.INSTANCE);
                    throw new AssertionError(format + ": the transfer ended cleanly after " + n + " bytes");
                }
            }).as(format).isInstanceOf(IOException.class);
        }
    }

    /** Discards bytes; the tests above only care whether the transfer ends cleanly. */
    static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }

    @Test
    void aBigSyncExportStartsStreamingWithinASecond() throws IOException {
        ApiClient c = client("sync");
        HttpRequest req = c.request(JOBS).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"dataset\": \"pg.big\", \"delivery\": \"sync\"}")).build();
        long start = System.nanoTime();
        HttpResponse<InputStream> r = c.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(in.readNBytes(10)).asString(StandardCharsets.UTF_8).startsWith("id,payload");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(activeCopiesOfBig()).as("the export streams while the client reads").isEqualTo(1);
        }
        // Leaving early stops the export: the COPY on the database ends within a few seconds.
        Await.until("the COPY of big to end once the client left", Duration.ofSeconds(5), () -> activeCopiesOfBig() == 0);
        assertThat(admin.get("/health/live").statusCode()).isEqualTo(200);
    }

    static int activeCopiesOfBig() {
        try (java.sql.Connection conn = dev.freight.testing.TestDatabases.connect(dev.freight.testing.TestDatabases.postgres());
             java.sql.PreparedStatement st = conn.prepareStatement("SELECT COUNT(*) FROM pg_stat_activity WHERE "
                     + "state = 'active' AND query LIKE 'COPY (SELECT%' AND query LIKE ?")) {
            st.setString(1, "%" + dev.freight.testing.TestDatabases.runId() + "%big%");
            try (java.sql.ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- listing and reading jobs

    @Test
    void listIsNewestFirstAndPagesByCursor() {
        ApiClient c = client("lister");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(submit(c, "{\"dataset\": \"demo.customers\", \"row_limit\": " + (i + 1)
                    + ", \"delivery\": \"async\"}").get("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<byte[]> r = c.get(JOBS + "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
            JsonNode page = ApiClient.json(r);
            assertThat(page.get("jobs").size()).isLessThanOrEqualTo(2);
            page.get("jobs").forEach(j -> seen.add(j.get("id").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(pages).isEqualTo(3);
        List<String> newestFirst = new ArrayList<>(created);
        java.util.Collections.reverse(newestFirst);
        assertThat(seen).containsExactlyElementsOf(newestFirst);
    }

    @Test
    void listFiltersByStatus() {
        ApiClient c = client("status-lister");
        String id = submit(c, "{\"dataset\": \"demo.customers\", \"delivery\": \"async\"}").get("id").asText();
        awaitStatus(c, id, "completed");
        assertThat(ApiClient.json(c.get(JOBS + "?status=completed")).get("jobs")).hasSize(1);
        assertThat(ApiClient.json(c.get(JOBS + "?status=failed")).get("jobs")).isEmpty();
    }

    @Test
    void listRejectsAnUnknownStatus() {
        HttpResponse<byte[]> r = client("lister").get(JOBS + "?status=done");
        assertProblem(r, 400, "invalid_status");
        assertThat(ApiClient.json(r).get("detail").asText()).contains("completed");
    }

    @Test
    void listRejectsATamperedCursor() {
        assertProblem(client("lister").get(JOBS + "?cursor=not-a-cursor"), 400, "invalid_cursor");
    }

    @Test
    void listRejectsALimitOutsideOneTo500() {
        assertProblem(client("lister").get(JOBS + "?limit=0"), 400, "invalid_limit");
        assertProblem(client("lister").get(JOBS + "?limit=501"), 400, "invalid_limit");
        assertProblem(client("lister").get(JOBS + "?limit=ten"), 400, "invalid_limit");
    }

    @Test
    void callersSeeOnlyTheirOwnJobsAndAdminsSeeAll() {
        String mine = submit(client("owner-a"), "{\"dataset\": \"demo.customers\", \"delivery\": \"async\"}")
                .get("id").asText();
        JsonNode otherList = ApiClient.json(client("owner-b").get(JOBS + "?limit=500"));
        otherList.get("jobs").forEach(j -> assertThat(j.get("owner").asText()).isEqualTo("owner-b"));
        assertProblem(client("owner-b").get(JOBS + "/" + mine), 404, "not_found");
        assertProblem(client("owner-b").get(JOBS + "/" + mine + "/download"), 404, "not_found");
        assertThat(job(admin, mine).get("owner").asText()).isEqualTo("owner-a");
        List<String> all = new ArrayList<>();
        ApiClient.json(admin.get(JOBS + "?limit=500")).get("jobs").forEach(j -> all.add(j.get("owner").asText()));
        assertThat(all).contains("owner-a", "downloader");
    }

    @Test
    void anUnknownJobIs404() {
        assertProblem(admin.get(JOBS + "/" + "a".repeat(26)), 404, "not_found");
    }

    @Test
    void aMalformedJobIdIs404() {
        assertProblem(admin.get(JOBS + "/..%2F..%2Fetc"), 404, "not_found");
        assertProblem(admin.get(JOBS + "/NOT-AN-ID/download"), 404, "not_found");
    }

    // ---------------------------------------------------------------- events

    record Event(String name, JsonNode data) {
    }

    static List<Event> events(ApiClient c, String id) {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            HttpResponse<Stream<String>> r = c.send(c.request(JOBS + "/" + id + "/events").GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(ApiClient.header(r, "Content-Type")).startsWith("text/event-stream");
            List<Event> events = new ArrayList<>();
            String name = null;
            StringBuilder data = new StringBuilder();
            try (Stream<String> lines = r.body()) {
                for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                    String line = it.next();
                    if (line.startsWith("event: ")) name = line.substring(7);
                    else if (line.startsWith("data: ")) data.append(line.substring(6));
                    else if (line.isEmpty() && name != null) {
                        events.add(new Event(name, ApiClient.JSON.readTree(data.toString())));
                        name = null;
                        data.setLength(0);
                    }
                }
            }
            return events;
        });
    }

    @Test
    void eventsFollowARunningJobUntilItsFileIsReadyThenTheStreamEnds() {
        ApiClient c = client("watcher");
        // XLSX: slow enough to report progress more than once (2M rows of JSON through binary COPY take about a second).
        String id = submit(c, "{\"dataset\": \"pg.big\", \"format\": \"xlsx\", \"delivery\": \"async\"}")
                .get("id").asText();
        List<Event> events = events(c, id);
        assertThat(events.get(0).name()).isEqualTo("status");
        assertThat(events.get(0).data().get("id").asText()).isEqualTo(id);
        List<String> names = events.stream().map(Event::name).toList();
        assertThat(names).contains("progress");
        assertThat(names.get(names.size() - 1)).isEqualTo("file_ready");
        Event completed = events.get(events.size() - 2);
        assertThat(completed.name()).isEqualTo("status");
        assertThat(completed.data().get("status").asText()).isEqualTo("completed");
        long previous = -1;
        for (Event e : events) {
            if (!e.name().equals("progress")) continue;
            long rows = e.data().get("processed_rows").asLong();
            assertThat(rows).isGreaterThan(previous);
            // From the planner's statistics after ANALYZE: close to, not necessarily exactly, the row count.
            assertThat(e.data().get("total_rows").asLong()).isBetween(TestSources.BIG_ROWS / 2, TestSources.BIG_ROWS * 2);
            previous = rows;
        }
        JsonNode ready = events.get(events.size() - 1).data();
        assertThat(ready.get("download_url").asText()).isEqualTo(JOBS + "/" + id + "/download");
        assertThat(ready.get("file_size_bytes").asLong()).isPositive();
    }

    @Test
    void aLateSubscriberGetsTheCurrentStateAndFileReadyThenTheStreamEnds() {
        List<Event> events = events(client("downloader"), finished.get("id").asText());
        assertThat(events).extracting(Event::name).containsExactly("status", "file_ready");
        assertThat(events.get(0).data().get("status").asText()).isEqualTo("completed");
        assertThat(events.get(1).data().get("file_name").asText()).isEqualTo(finished.get("file_name").asText());
    }

    @Test
    void eventsOfAFailedJobEndWithItsStatus() {
        ApiClient c = client("boom");
        String id = submit(c, "{\"dataset\": \"pg.boom_early\", \"delivery\": \"async\"}").get("id").asText();
        awaitStatus(c, id, "failed");
        List<Event> events = events(c, id);
        assertThat(events).extracting(Event::name).containsExactly("status");
        assertThat(events.get(0).data().get("error_code").asText()).isEqualTo("source_error");
    }

    @Test
    void eventsOfAnUnknownJobAre404ProblemJson() {
        assertProblem(admin.get(JOBS + "/" + "b".repeat(26) + "/events"), 404, "not_found");
    }

    // ---------------------------------------------------------------- download

    byte[] storedFile() throws IOException {
        return Files.readAllBytes(files.root().resolve(finished.get("id").asText()));
    }

    String download() {
        return JOBS + "/" + finished.get("id").asText() + "/download";
    }

    @Test
    void downloadSendsTheWholeFileWithItsHeaders() throws IOException {
        HttpResponse<byte[]> r = client("downloader").get(download());
        assertThat(r.statusCode()).isEqualTo(200);
        byte[] file = storedFile();
        assertThat(r.body()).isEqualTo(file);
        assertThat(ApiClient.header(r, "Content-Length")).isEqualTo(String.valueOf(file.length));
        assertThat(ApiClient.header(r, "Content-Type")).isEqualTo("text/csv; charset=utf-8");
        String name = finished.get("file_name").asText();
        assertThat(ApiClient.header(r, "Content-Disposition"))
                .isEqualTo("attachment; filename=\"" + name + "\"; filename*=UTF-8''" + name);
        assertThat(ApiClient.header(r, "ETag")).isEqualTo("\"" + finished.get("id").asText() + "-" + file.length + "\"");
        assertThat(ApiClient.header(r, "Accept-Ranges")).isEqualTo("bytes");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).startsWith("id,customer_id,");
    }

    @Test
    void rangePiecesReassembleToTheWholeFile() throws IOException {
        byte[] file = storedFile();
        int size = file.length;
        ApiClient c = client("downloader");
        HttpResponse<byte[]> head = c.get(download(), "Range", "bytes=0-999");
        HttpResponse<byte[]> middle = c.get(download(), "Range", "bytes=1000-" + (size - 101));
        HttpResponse<byte[]> tail = c.get(download(), "Range", "bytes=-100");
        for (HttpResponse<byte[]> r : List.of(head, middle, tail)) assertThat(r.statusCode()).isEqualTo(206);
        assertThat(ApiClient.header(head, "Content-Range")).isEqualTo("bytes 0-999/" + size);
        assertThat(ApiClient.header(middle, "Content-Range")).isEqualTo("bytes 1000-" + (size - 101) + "/" + size);
        assertThat(ApiClient.header(tail, "Content-Range")).isEqualTo("bytes " + (size - 100) + "-" + (size - 1) + "/" + size);
        assertThat(ApiClient.header(tail, "Content-Length")).isEqualTo("100");
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        whole.write(head.body());
        whole.write(middle.body());
        whole.write(tail.body());
        assertThat(whole.toByteArray()).isEqualTo(file);
    }

    @Test
    void anOpenEndedRangeSendsTheRestOfTheFile() throws IOException {
        byte[] file = storedFile();
        int from = file.length / 2;
        HttpResponse<byte[]> r = client("downloader").get(download(), "Range", "bytes=" + from + "-");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(ApiClient.header(r, "Content-Range"))
                .isEqualTo("bytes " + from + "-" + (file.length - 1) + "/" + file.length);
        assertThat(ApiClient.header(r, "Content-Length")).isEqualTo(String.valueOf(file.length - from));
        assertThat(r.body()).isEqualTo(java.util.Arrays.copyOfRange(file, from, file.length));
    }

    @Test
    void ifRangeWithTheCurrentEtagHonoursTheRange() {
        ApiClient c = client("downloader");
        String etag = ApiClient.header(c.get(download()), "ETag");
        HttpResponse<byte[]> r = c.get(download(), "Range", "bytes=0-9", "If-Range", etag);
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.body()).hasSize(10);
    }

    @Test
    void ifRangeWithAnotherEtagSendsTheWholeFile() throws IOException {
        HttpResponse<byte[]> r = client("downloader").get(download(), "Range", "bytes=0-9", "If-Range", "\"stale-1\"");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(storedFile());
    }

    @Test
    void aRangePastTheEndIs416WithTheSize() throws IOException {
        long size = storedFile().length;
        HttpResponse<byte[]> r = client("downloader").get(download(), "Range", "bytes=" + size + "-");
        assertProblem(r, 416, "range_not_satisfiable");
        assertThat(ApiClient.header(r, "Content-Range")).isEqualTo("bytes */" + size);
    }

    @Test
    void multipleRangesAreAnsweredWithTheWholeFile() throws IOException {
        HttpResponse<byte[]> r = client("downloader").get(download(), "Range", "bytes=0-9,20-29");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(storedFile());
    }

    @Test
    void ifNoneMatchWithTheEtagIs304() {
        ApiClient c = client("downloader");
        String etag = ApiClient.header(c.get(download()), "ETag");
        HttpResponse<byte[]> r = c.get(download(), "If-None-Match", etag);
        assertThat(r.statusCode()).isEqualTo(304);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void headOfADownloadGivesItsHeadersWithoutTheBody() throws IOException {
        HttpRequest req = client("downloader").request(download()).method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<byte[]> r = client("downloader").send(req);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(r, "Content-Length")).isEqualTo(String.valueOf(storedFile().length));
        assertThat(ApiClient.header(r, "ETag")).isNotNull();
        assertThat(r.body()).isEmpty();
    }

    @Test
    void downloadOfAnUnfinishedJobIs409() {
        ApiClient c = client("impatient");
        String id = submit(c, "{\"dataset\": \"pg.big_paced\", \"format\": \"json\", \"delivery\": \"async\"}").get("id").asText();
        try {
            assertProblem(c.get(JOBS + "/" + id + "/download"), 409, "not_finished");
        } finally {
            c.post(JOBS + "/" + id + "/cancel", "");
        }
    }

    @Test
    void downloadOfAFailedJobIs410() {
        ApiClient c = client("boom");
        String id = submit(c, "{\"dataset\": \"pg.boom_early\", \"delivery\": \"async\"}").get("id").asText();
        awaitStatus(c, id, "failed");
        assertProblem(c.get(JOBS + "/" + id + "/download"), 410, "no_file");
    }

    @Test
    void aCompleteDownloadIsRecordedAndDeletesTheFileWhenConfigured() throws IOException {
        // A second, API-only node (no workers) with delete_after_download on; the first node's workers run the job.
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JobSettings deleting = settings(true);
        JobService apiOnly = new JobService(store, files, jobs.exports(), deleting, null);
        Sweeper sweeping = new Sweeper(store, files, deleting, Clock.systemUTC());
        try (FreightServer node = new FreightServer(sources, apiOnly, sweeping, registry, Authentication.of(keys(AdminKey.loadOrCreate(store.dataSource(), dir))),
                serverSettings()).start()) {
            ApiClient c = new ApiClient(node.port(), "key-once");
            String id = submit(c, "{\"dataset\": \"maria.orders\", \"delivery\": \"async\"}").get("id").asText();
            awaitStatus(c, id, "completed");
            HttpResponse<byte[]> partial = c.get(JOBS + "/" + id + "/download", "Range", "bytes=0-9");
            assertThat(partial.statusCode()).isEqualTo(206);
            assertThat(store.get(id).orElseThrow().downloaded()).isFalse();
            HttpResponse<byte[]> full = c.get(JOBS + "/" + id + "/download");
            assertThat(full.statusCode()).isEqualTo(200);
            // The server records the download once the last byte is written, which the client may see first.
            awaitStatus(c, id, "expired");
            assertThat(store.get(id).orElseThrow().downloaded()).isTrue();
            assertThat(files.size(id)).isEmpty();
            assertProblem(c.get(JOBS + "/" + id + "/download"), 410, "gone");
        }
    }

    // ---------------------------------------------------------------- cancel, retry, delete

    @Test
    void cancellingARunningJobStopsItWithinASecond() {
        ApiClient c = client("canceller");
        String id = submit(c, "{\"dataset\": \"pg.big_paced\", \"format\": \"json\", \"delivery\": \"async\"}").get("id").asText();
        await(c, id, j -> j.get("status").asText().equals("running") && j.get("processed_rows").asLong() > 0,
                "running with progress");
        Instant asked = Instant.now();
        HttpResponse<byte[]> r = c.post(JOBS + "/" + id + "/cancel", "");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        assertThat(ApiClient.json(r).get("status").asText()).isIn("running", "cancelled");
        JsonNode cancelled = awaitStatus(c, id, "cancelled");
        assertThat(stoppedAfter(asked, cancelled)).isLessThan(Duration.ofSeconds(1));
        assertThat(cancelled.get("processed_rows").asLong()).isLessThan(TestSources.BIG_ROWS);
        assertThat(files.root().resolve(id)).doesNotExist();
    }

    /** How long after the cancel request the server recorded the job as cancelled (same JVM, same clock). */
    static Duration stoppedAfter(Instant asked, JsonNode cancelled) {
        return Duration.between(asked, Instant.parse(cancelled.get("completed_at").asText()));
    }

    /**
     * The README promises "within a second" for every format, also the slow ones. A PDF row may take milliseconds
     * to lay out (long text, a cold JIT), and cancellation used to be looked at every 1,024 rows: seconds apart.
     */
    @ParameterizedTest(name = "{0} of {1}")
    @CsvSource({"pdf, pg.long_text", "pdf, demo.orders", "xlsx, pg.big_paced", "parquet, pg.big_paced", "csv, pg.big_paced", "ndjson, pg.big_paced"})
    void aRunningExportIsCancelledWithinASecondInEveryFormat(String format, String dataset) {
        ApiClient c = client("canceller");
        String id = submit(c, "{\"dataset\": \"" + dataset + "\", \"format\": \"" + format + "\", \"delivery\": \"async\"}")
                .get("id").asText();
        await(c, id, j -> j.get("status").asText().equals("running") && j.get("processed_rows").asLong() > 0,
                "running with progress");
        Instant asked = Instant.now();
        assertThat(c.post(JOBS + "/" + id + "/cancel", "").statusCode()).isEqualTo(202);
        JsonNode cancelled = awaitStatus(c, id, "cancelled");
        assertThat(stoppedAfter(asked, cancelled)).as(format).isLessThan(Duration.ofSeconds(1));
        assertThat(files.root().resolve(id)).doesNotExist();
    }

    @Test
    void aJobWaitingForItsSourceQueryIsCancelledWithinASecond() throws Exception {
        ApiClient c = client("canceller");
        // Another session holds the table: the export's SELECT waits for it, with no row and no progress to show.
        try (Connection locker = TestDatabases.connect(TestSources.pgUrl())) {
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.execute("LOCK TABLE " + TestSources.LOCKABLE + " IN ACCESS EXCLUSIVE MODE");
            }
            String id = submit(c, "{\"dataset\": \"pg." + TestSources.LOCKABLE + "\", \"format\": \"ndjson\", "
                    + "\"delivery\": \"async\"}").get("id").asText();
            awaitStatus(c, id, "running");
            Await.until("the export's query of " + TestSources.LOCKABLE + " waiting for the lock", Duration.ofSeconds(30),
                    () -> TestDatabases.runningStatements(TestSources.LOCKABLE) > 0);
            Instant asked = Instant.now();
            assertThat(c.post(JOBS + "/" + id + "/cancel", "").statusCode()).isEqualTo(202);
            JsonNode cancelled = awaitStatus(c, id, "cancelled");
            assertThat(stoppedAfter(asked, cancelled)).isLessThan(Duration.ofSeconds(1));
            assertThat(cancelled.get("processed_rows").asLong()).isZero();
            locker.rollback();
        }
    }

    @Test
    void cancellingAFinishedJobIs409() {
        assertProblem(client("downloader").post(download().replace("/download", "/cancel"), ""), 409, "already_finished");
    }

    @Test
    void cancellingAnUnknownJobIs404() {
        assertProblem(admin.post(JOBS + "/" + "c".repeat(26) + "/cancel", ""), 404, "not_found");
    }

    @Test
    void retryingAFailedJobQueuesANewJob() {
        ApiClient c = client("retrier");
        String id = submit(c, "{\"dataset\": \"pg.boom_early\", \"format\": \"ndjson\", \"delivery\": \"async\"}")
                .get("id").asText();
        awaitStatus(c, id, "failed");
        HttpResponse<byte[]> r = c.post(JOBS + "/" + id + "/retry", "");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        JsonNode again = ApiClient.json(r);
        assertThat(again.get("id").asText()).isNotEqualTo(id);
        assertThat(again.get("format").asText()).isEqualTo("ndjson");
        assertThat(ApiClient.header(r, "Location")).isEqualTo(JOBS + "/" + again.get("id").asText());
        awaitStatus(c, again.get("id").asText(), "failed");
    }

    @Test
    void retryingACompletedJobIs409() {
        assertProblem(client("downloader").post(download().replace("/download", "/retry"), ""), 409, "not_retryable");
    }

    @Test
    void deletingAJobRemovesItAndItsFile() {
        ApiClient c = client("deleter");
        String id = submit(c, "{\"dataset\": \"demo.customers\", \"delivery\": \"async\"}").get("id").asText();
        awaitStatus(c, id, "completed");
        assertThat(files.root().resolve(id)).exists();
        assertThat(c.delete(JOBS + "/" + id).statusCode()).isEqualTo(204);
        assertThat(files.root().resolve(id)).doesNotExist();
        // Gone, not unknown, for its owner; another caller still cannot tell that the id ever existed.
        assertProblem(c.get(JOBS + "/" + id), 410, "deleted");
        assertProblem(c.get(JOBS + "/" + id + "/download"), 410, "deleted");
        assertProblem(c.delete(JOBS + "/" + id), 410, "deleted");
        assertProblem(client("someone-else").get(JOBS + "/" + id + "/download"), 404, "not_found");
    }

    // ---------------------------------------------------------------- auth, health, metrics, docs, errors

    @Test
    void aRequestWithoutAKeyIs401WithABearerChallenge() {
        HttpResponse<byte[]> r = admin.as(null).get("/api/v1/export/formats");
        assertProblem(r, 401, "unauthorized");
        assertThat(ApiClient.header(r, "WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void aWrongKeyIs401() {
        HttpResponse<byte[]> r = admin.as("frt_wrong").get(JOBS);
        assertProblem(r, 401, "unauthorized");
        assertThat(ApiClient.header(r, "WWW-Authenticate")).contains("invalid_token");
    }

    @Test
    void basicAuthIsNotAccepted() {
        HttpRequest req = admin.as(null).request(JOBS).header("Authorization", "Basic YWRtaW46YWRtaW4=").GET().build();
        assertProblem(admin.send(req), 401, "unauthorized");
    }

    @Test
    void theAdminKeyIsAccepted() {
        assertThat(admin.get("/api/v1/export/formats").statusCode()).isEqualTo(200);
    }

    @Test
    void healthNeedsNoKey() {
        ApiClient anonymous = admin.as(null);
        assertThat(anonymous.get("/health/live").statusCode()).isEqualTo(200);
        HttpResponse<byte[]> ready = anonymous.get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(ready).get("status").asText()).isEqualTo("ready");
    }

    /**
     * Each event stream holds a server thread: past the per-caller and the server's caps a subscriber gets 429
     * too_many_streams (350 subscribers once left the rest of the API waiting).
     */
    @Test
    void eventStreamsPastTheCallersOrTheServersCapAre429() throws Exception {
        // A job store of its own and no workers: the jobs stay pending, so their streams stay open.
        JdbcJobStore quiet = JdbcJobStore.open("jdbc:h2:file:" + Files.createTempDirectory(dir, "streams").resolve("jobs"),
                "sa", "", 2, Clock.systemUTC());
        JobService idle = new JobService(quiet, files, jobs.exports(), settings, null);
        try (quiet; FreightServer node = new FreightServer(sources, idle, new Sweeper(quiet, files, settings, quiet.clock()),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Authentication.of(t -> t.startsWith("key-") ? Optional.of(Principal.user(t.substring(4))) : Optional.empty()),
                serverSettings().withEventStreamCaps(3, 2)).start()) {
            ApiClient alice = new ApiClient(node.port(), "key-streams-alice");
            String job = ApiClient.json(alice.post(JOBS, "{\"dataset\": \"demo.customers\", \"delivery\": \"async\"}"))
                    .get("id").asText();
            String events = JOBS + "/" + job + "/events";
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.util.function.Function<String, java.net.http.HttpRequest> subscribe = key -> java.net.http.HttpRequest
                    .newBuilder(java.net.URI.create("http://127.0.0.1:" + node.port() + events))
                    .header("Authorization", "Bearer " + key).build();
            List<HttpResponse<java.io.InputStream>> open = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    open.add(http.send(subscribe.apply("key-streams-alice"), HttpResponse.BodyHandlers.ofInputStream()));
                    assertThat(open.get(i).statusCode()).isEqualTo(200);
                }
                HttpResponse<byte[]> third = alice.get(events);
                assertProblem(third, 429, "too_many_streams");
                assertThat(ApiClient.header(third, "Retry-After")).isEqualTo("5");

                // Bob follows a job of his own: within the server's cap, then the server is full for everyone.
                ApiClient bob = new ApiClient(node.port(), "key-streams-bob");
                String bobsJob = ApiClient.json(bob.post(JOBS, "{\"dataset\": \"demo.customers\", \"delivery\": \"async\"}"))
                        .get("id").asText();
                java.net.http.HttpRequest bobs = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + node.port() + JOBS + "/" + bobsJob + "/events"))
                        .header("Authorization", "Bearer key-streams-bob").build();
                open.add(http.send(bobs, HttpResponse.BodyHandlers.ofInputStream()));
                assertThat(open.get(2).statusCode()).as("another caller, within the server's cap").isEqualTo(200);
                assertProblem(bob.get(JOBS + "/" + bobsJob + "/events"), 429, "too_many_streams");
                bob.delete(JOBS + "/" + bobsJob);
            } finally {
                for (HttpResponse<java.io.InputStream> r : open) r.body().close();
                alice.delete(JOBS + "/" + job);
            }
        }
    }

    @Test
    void readinessIs503WhenTheJobStoreDoesNotAnswer() throws IOException {
        Path other = Files.createTempDirectory(dir, "down");
        JdbcJobStore down = JdbcJobStore.open("jdbc:h2:file:" + other.resolve("jobs"), "sa", "", 2, Clock.systemUTC());
        JobService service = new JobService(down, files, jobs.exports(), settings, null);
        try (FreightServer node = new FreightServer(sources, service, new Sweeper(down, files, settings, Clock.systemUTC()),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Authentication.of(t -> Optional.empty()), serverSettings()).start()) {
            ApiClient anonymous = new ApiClient(node.port(), null);
            assertThat(anonymous.get("/health/ready").statusCode()).isEqualTo(200);
            down.close();
            assertProblem(anonymous.get("/health/ready"), 503, "not_ready");
            assertThat(anonymous.get("/health/live").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void metricsNeedAnAdminKeyAndShowJobsByStatus() {
        assertProblem(admin.as(null).get("/metrics"), 401, "unauthorized");
        assertProblem(client("metrics-reader").get("/metrics"), 403, "forbidden");
        HttpResponse<byte[]> r = admin.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(r, "Content-Type")).startsWith("text/plain");
        assertThat(ApiClient.text(r)).contains("freight_jobs{status=\"completed\"}");
    }

    @Test
    void theOpenApiDocumentNeedsNoKey() {
        HttpResponse<byte[]> r = admin.as(null).get("/api/v1/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(r).get("openapi").asText()).isEqualTo("3.1.0");
    }

    @Test
    void everyRegisteredRouteIsInTheOpenApiDocument() {
        HttpResponse<byte[]> r = admin.get("/api/v1/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = ApiClient.json(r);
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        List<FreightServer.Route> routes = server.routes();
        assertThat(routes).hasSizeGreaterThanOrEqualTo(15);
        for (FreightServer.Route route : routes) {
            JsonNode path = doc.get("paths").get(route.path());
            assertThat(path).as(route.path() + " is documented").isNotNull();
            JsonNode op = path.get(route.method().toLowerCase(java.util.Locale.ROOT));
            assertThat(op).as(route.method() + " " + route.path() + " is documented").isNotNull();
            assertThat(op.get("responses").size()).isPositive();
            // Public operations (security: []) need no credentials, so most cannot answer 401.
            boolean isPublic = op.has("security") && op.get("security").isEmpty();
            if (!isPublic) assertThat(op.get("responses").has("401")).as(route.method() + " " + route.path()).isTrue();
        }
    }

    @Test
    void everyDocumentedSchemaReferenceResolves() {
        String doc = ApiClient.text(admin.get("/api/v1/openapi.json"));
        JsonNode schemas = ApiClient.json(admin.get("/api/v1/openapi.json")).get("components").get("schemas");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("#/components/schemas/(\\w+)").matcher(doc);
        while (m.find()) assertThat(schemas.has(m.group(1))).as(m.group(1)).isTrue();
    }

    @Test
    void theOptionsOfEveryFormatAreTypedInTheOpenApiDocument() {
        JsonNode schemas = ApiClient.json(admin.get("/api/v1/openapi.json")).get("components").get("schemas");
        JsonNode anyOf = schemas.get("ExportRequest").get("properties").get("options").get("anyOf");
        assertThat(anyOf).hasSize(dev.freight.format.ExportFormat.values().length);
        for (dev.freight.format.ExportFormat f : dev.freight.format.ExportFormat.values()) {
            String name = "FormatOptions" + f.id().substring(0, 1).toUpperCase(java.util.Locale.ROOT) + f.id().substring(1);
            JsonNode schema = schemas.get(name);
            assertThat(schema).as(name).isNotNull();
            assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
            List<String> properties = new ArrayList<>();
            schema.get("properties").fieldNames().forEachRemaining(properties::add);
            assertThat(properties).as(name).containsExactlyElementsOf(f.optionNames());
        }
        JsonNode pdf = schemas.get("FormatOptionsPdf").get("properties");
        assertThat(pdf.get("font_size").toString()).contains("\"type\":\"number\"", "\"minimum\":5",
                "\"maximum\":16", "\"default\":8");
        assertThat(pdf.get("page_size").get("enum").toString()).isEqualTo("[\"a4\",\"letter\"]");
        assertThat(schemas.get("FormatOptionsTsv").get("properties").get("delimiter").get("default").asText())
                .isEqualTo("\t");
        assertThat(schemas.get("FormatOptionsParquet").get("properties").get("row_group_size").get("type").asText())
                .isEqualTo("integer");
        assertThat(schemas.get("Column").get("properties").has("operators")).isTrue();
    }

    @Test
    void anUnknownRouteIs404ProblemJson() {
        assertProblem(admin.get("/api/v1/nothing/here"), 404, "not_found");
    }

    @Test
    void responsesCarryARequestId() {
        HttpResponse<byte[]> r = admin.get(JOBS + "/" + "d".repeat(26), "X-Request-Id", "trace-123");
        assertThat(ApiClient.header(r, "X-Request-Id")).isEqualTo("trace-123");
        assertThat(ApiClient.json(r).get("request_id").asText()).isEqualTo("trace-123");
    }
}
