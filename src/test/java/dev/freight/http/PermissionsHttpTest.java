package dev.freight.http;

import dev.freight.error.ProblemCode;
import dev.freight.auth.Authentication;
import dev.freight.audit.AuditLog;
import dev.freight.access.Limits;
import dev.freight.export.ExportMetrics;
import dev.freight.export.ExportService;
import com.fasterxml.jackson.databind.JsonNode;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.freight.config.ConfigLoader;
import dev.freight.job.JdbcJobStore;
import dev.freight.job.Job;
import dev.freight.job.JobService;
import dev.freight.job.JobSettings;
import dev.freight.job.Sweeper;
import dev.freight.job.WorkerPool;
import dev.freight.query.ExportRequest;
import dev.freight.query.Mask;
import dev.freight.access.AccessPolicy;
import dev.freight.auth.AdminKey;
import dev.freight.auth.ApiKeyCheck;
import dev.freight.auth.Principal;
import dev.freight.source.SourceRegistry;
import dev.freight.storage.LocalFileStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.freight.http.HttpApiContract.JOBS;
import static dev.freight.http.HttpApiContract.assertProblem;
import static dev.freight.http.HttpApiContract.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A role's permissions over real HTTP: listing, preview, sync and async exports and retries all show the analyst
 * only customer 7's orders, without prices, with sku and description masked; everything else does not exist for
 * them. Jobs queued before the rules tightened run, or are retried, by today's rules.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PermissionsHttpTest {
    static final String ROLES = """
            roles:
              analyst:
                datasets:
                  pg.orders:
                    columns_denied: [unit_price, discount]
                    columns_masked: {sku: last4, description: hash}
                    row_filter: "customer_id = :customer_id"
                  "pg.cust*":
                    columns_masked: {email: email}
                    row_filter: "id = :customer_id"
                limits: {exports_per_hour: 100}
            """;
    /** The rules before they tightened: the analyst saw pg.orders whole. */
    static final String LOOSE_ROLES = """
            roles:
              analyst:
                datasets:
                  pg.orders: {}
            """;
    static final List<String> VISIBLE_ORDER_COLUMNS = List.of("id", "customer_id", "sku", "description", "quantity",
            "status", "created_at", "shipped");

    Path dir;
    SourceRegistry sources;
    JdbcJobStore store;
    WorkerPool workers;
    FreightServer server;
    ApiClient alice;
    ApiClient admin;
    /** Jobs alice created under the loose rules, before the server started with today's. */
    Job oldPending;
    Job oldPendingNamingPrice;
    Job oldCancelled;
    Job oldCancelledNamingPrice;

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("freight-permissions");
        sources = TestSources.registry();
        store = JdbcJobStore.open("jdbc:h2:file:" + dir.resolve("jobs"), "sa", "", 8, Clock.systemUTC());
        LocalFileStore files = new LocalFileStore(dir.resolve("files"));
        JobSettings settings = HttpApiContract.settings(false);

        JobService before = new JobService(store, files, exports(LOOSE_ROLES), settings, null);
        Principal analyst = analyst("alice", "7");
        ExportRequest allOrders = ExportRequest.of("pg.orders", "csv");
        ExportRequest withPrice = allOrders.withColumns(List.of("id", "unit_price"));
        oldPending = before.submit(analyst, null, allOrders).job();
        oldPendingNamingPrice = before.submit(analyst, null, withPrice).job();
        oldCancelled = before.submit(analyst, null, allOrders).job();
        oldCancelledNamingPrice = before.submit(analyst, null, withPrice).job();
        before.cancel(oldCancelled.id());
        before.cancel(oldCancelledNamingPrice.id());

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AccessPolicy policy = policy(ROLES);
        ExportService exports = new ExportService(sources, policy, Limits.unlimited(), AuditLog.NONE, new ExportMetrics(registry), ExportService.Settings.DEFAULTS);
        workers = new WorkerPool(store, files, exports, settings, Clock.systemUTC());
        workers.start();
        JobService jobs = new JobService(store, files, exports, settings, workers);
        AdminKey adminCheck = AdminKey.loadOrCreate(store.dataSource(), dir);
        ApiKeyCheck keys = ApiKeyCheck.firstOf(adminCheck, token -> switch (token) {
            case "key-alice" -> Optional.of(analyst("alice", "7"));
            case "key-nobody" -> Optional.of(new Principal("nobody", "analyst", Map.of()));
            case "key-ghost" -> Optional.of(new Principal("ghost", "auditor", Map.of("customer_id", "7")));
            case "key-bob" -> Optional.of(Principal.user("bob"));
            default -> Optional.empty();
        });
        server = new FreightServer(sources, jobs, new Sweeper(store, files, settings, Clock.systemUTC()), registry,
                Authentication.of(keys), HttpApiContract.serverSettings()).start();
        alice = new ApiClient(server.port(), "key-alice");
        admin = new ApiClient(server.port(), adminCheck.newKey().orElseThrow());
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        if (workers != null) workers.close();
        if (store != null) store.close();
        if (dir != null) TestSources.deleteTree(dir);
    }

    static final byte[] HASH_KEY = "permissions-http-hash-key-0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    static Principal analyst(String name, String customerId) {
        return new Principal(name, "analyst", Map.of("customer_id", customerId));
    }

    AccessPolicy policy(String yaml) {
        try {
            Path file = Files.writeString(Files.createTempFile(dir, "roles", ".yml"), yaml);
            AccessPolicy policy = AccessPolicy.fromConfig(ConfigLoader.load(Optional.of(file), Map.of()).roles(), HASH_KEY);
            policy.validate(sources);
            return policy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ExportService exports(String rolesYaml) {
        return new ExportService(sources, policy(rolesYaml), Limits.unlimited(), AuditLog.NONE, ExportMetrics.none(),
                ExportService.Settings.DEFAULTS);
    }

    ApiClient as(String principal) {
        return alice.as("key-" + principal);
    }

    /** Customer 7's orders as the database has them: id → {sku, description, status}. */
    Map<Long, List<String>> customer7Orders() {
        Map<Long, List<String>> rows = new LinkedHashMap<>();
        try (Connection c = sources.sources().get("pg").connection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT id, sku, description, status FROM orders WHERE customer_id = 7 ORDER BY id")) {
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getLong(1), java.util.Arrays.asList(rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(rows).as("customer 7 has orders in the test data").isNotEmpty();
        return rows;
    }

    static List<List<String>> csv(HttpResponse<byte[]> r) {
        List<List<String>> rows = new ArrayList<>();
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(ApiClient.text(r))) {
            for (CsvRecord rec : reader) rows.add(rec.getFields());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** The CSV holds exactly customer 7's orders, in id order, with the visible columns only and masks applied. */
    void assertCustomer7MaskedCsv(List<List<String>> csv) {
        assertThat(csv.get(0)).containsExactlyElementsOf(VISIBLE_ORDER_COLUMNS);
        Map<Long, List<String>> expected = customer7Orders();
        List<List<String>> rows = csv.subList(1, csv.size());
        assertThat(rows).extracting(r -> Long.parseLong(r.get(0))).containsExactlyElementsOf(expected.keySet());
        for (List<String> row : rows) {
            List<String> db = expected.get(Long.parseLong(row.get(0)));
            assertThat(row.get(1)).isEqualTo("7");
            assertThat(row.get(2)).isEqualTo(Mask.LAST4.apply(db.get(0))).isNotEqualTo(db.get(0));
            assertThat(row.get(3)).isEqualTo(db.get(1) == null ? "" : Mask.HASH.apply(db.get(1), HASH_KEY));
            assertThat(row.get(5)).isEqualTo(db.get(2));
        }
    }

    JsonNode await(String id, String status) {
        return awaitStatus(alice, id, status);
    }

    // ---------------------------------------------------------------- listing and preview

    @Test
    void theListingShowsOnlyVisibleDatasetsWithoutDeniedColumnsAndMarksMaskedOnes() {
        HttpResponse<byte[]> r = alice.get("/api/v1/export/tables");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode datasets = ApiClient.json(r).get("datasets");
        List<String> names = new ArrayList<>();
        datasets.forEach(d -> names.add(d.get("name").asText()));
        assertThat(names).containsExactly("pg.customers", "pg.orders");

        JsonNode orders = datasets.get(names.indexOf("pg.orders"));
        List<String> columns = new ArrayList<>();
        orders.get("columns").forEach(c -> columns.add(c.get("name").asText()));
        assertThat(columns).containsExactlyElementsOf(VISIBLE_ORDER_COLUMNS);
        JsonNode sku = orders.get("columns").get(2);
        assertThat(sku.get("masked").asText()).isEqualTo("last4");
        assertThat(sku.get("type").asText()).isEqualTo("string");
        assertThat(orders.get("columns").get(0).has("masked")).isFalse();
        assertThat(ApiClient.text(r)).doesNotContain("unit_price").doesNotContain("discount");
    }

    @Test
    void aMaskedColumnListsNoFilterOperatorAndRefusesEveryOne() {
        // integer, string, string under last4, string under hash, timestamptz, boolean
        assertThat(FilterOperatorsProbe.assertListedOperatorsAreExactlyTheAcceptedOnes(alice, "pg.orders")).isEqualTo(6);
    }

    @Test
    void anAdminStillSeesEverything() {
        String listing = ApiClient.text(admin.get("/api/v1/export/tables"));
        assertThat(listing).contains("demo.orders").contains("unit_price").doesNotContain("\"masked\"");
    }

    @Test
    void theBuiltInUserRoleSeesEveryDatasetWhole() {
        assertThat(ApiClient.text(as("bob").get("/api/v1/export/tables"))).contains("maria.orders").contains("unit_price");
    }

    @Test
    void aPrincipalOfARoleNoLongerConfiguredSeesNothing() {
        HttpResponse<byte[]> r = as("ghost").get("/api/v1/export/tables");
        assertThat(ApiClient.json(r).get("datasets")).isEmpty();
        assertProblem(as("ghost").post(JOBS, "{\"dataset\": \"pg.orders\"}"), 400, "unknown_dataset");
    }

    @Test
    void thePreviewIsMaskedAndRowFiltered() {
        HttpResponse<byte[]> r = alice.get("/api/v1/export/tables/pg.orders/preview?limit=100");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        JsonNode body = ApiClient.json(r);
        List<String> columns = new ArrayList<>();
        body.get("columns").forEach(c -> columns.add(c.get("name").asText()));
        assertThat(columns).containsExactlyElementsOf(VISIBLE_ORDER_COLUMNS);
        assertThat(body.get("columns").get(3).get("masked").asText()).isEqualTo("hash");

        Map<Long, List<String>> expected = customer7Orders();
        assertThat(body.get("rows")).hasSize(expected.size());
        for (JsonNode row : body.get("rows")) {
            List<String> db = expected.get(row.get("id").asLong());
            assertThat(db).as("row %s belongs to customer 7", row).isNotNull();
            assertThat(row.get("customer_id").asLong()).isEqualTo(7);
            assertThat(row.get("sku").asText()).isEqualTo(Mask.LAST4.apply(db.get(0)));
            assertThat(row.has("unit_price")).isFalse();
        }
    }

    @Test
    void aDatasetOutsideTheRoleIsUnknownEverywhere() {
        assertProblem(alice.get("/api/v1/export/tables/demo.orders/preview"), 404, "unknown_dataset");
        HttpResponse<byte[]> r = alice.post(JOBS, "{\"dataset\": \"demo.orders\", \"delivery\": \"sync\"}");
        assertProblem(r, ProblemCode.UNKNOWN_DATASET);
        assertThat(ApiClient.json(r).get("detail").asText()).endsWith("; datasets: pg.customers, pg.orders");
    }

    // ---------------------------------------------------------------- exports

    @Test
    void aSyncCsvExportIsMaskedAndRowFiltered() {
        HttpResponse<byte[]> r = alice.post(JOBS, "{\"dataset\": \"pg.orders\", \"delivery\": \"sync\", "
                + "\"sort\": [{\"column\": \"id\"}]}");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        assertCustomer7MaskedCsv(csv(r));
    }

    @Test
    void anAsyncCsvJobIsMaskedAndRowFiltered() {
        HttpResponse<byte[]> created = alice.post(JOBS, "{\"dataset\": \"pg.orders\", \"delivery\": \"async\", "
                + "\"sort\": [{\"column\": \"id\"}]}");
        assertThat(created.statusCode()).as(ApiClient.text(created)).isEqualTo(202);
        String id = ApiClient.json(created).get("id").asText();
        JsonNode job = await(id, "completed");
        assertThat(job.get("total_rows").asLong()).as("the estimate counts the filtered rows")
                .isEqualTo(customer7Orders().size());
        assertCustomer7MaskedCsv(csv(alice.get(JOBS + "/" + id + "/download")));
    }

    @Test
    void aUserFilterCannotWidenTheRowFilter() {
        HttpResponse<byte[]> r = alice.post(JOBS, "{\"dataset\": \"pg.orders\", \"delivery\": \"sync\", "
                + "\"sort\": [{\"column\": \"id\"}], \"filters\": [{\"column\": \"status\", \"op\": \"ne\", "
                + "\"value\": \"x' OR 1=1 --\"}, {\"column\": \"customer_id\", \"op\": \"gte\", \"value\": 0}]}");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        assertCustomer7MaskedCsv(csv(r));
    }

    @Test
    void aDeniedColumnNamedExplicitlyIsUnknown() {
        HttpResponse<byte[]> r = alice.post(JOBS, "{\"dataset\": \"pg.orders\", \"columns\": [\"id\", \"unit_price\"]}");
        assertProblem(r, 400, "unknown_column");
        assertThat(ApiClient.json(r).get("detail").asText()).contains("customer_id").doesNotContain("discount");
    }

    @Test
    void sortingOnAMaskedColumnIsRefused() {
        assertProblem(alice.post(JOBS, "{\"dataset\": \"pg.orders\", \"sort\": [{\"column\": \"sku\"}]}"),
                400, "masked_column");
    }

    @Test
    void aPrincipalWithoutTheFiltersAttributeIsForbiddenAndNothingIsQueued() {
        assertProblem(as("nobody").post(JOBS, "{\"dataset\": \"pg.orders\", \"delivery\": \"async\"}"), 403,
                "missing_attribute");
        assertProblem(as("nobody").get("/api/v1/export/tables/pg.orders/preview"), ProblemCode.MISSING_ATTRIBUTE);
        assertThat(ApiClient.json(as("nobody").get(JOBS)).get("jobs")).isEmpty();
    }

    // ---------------------------------------------------------------- jobs from before the rules tightened

    @Test
    void aJobQueuedBeforeTheRulesTightenedRunsByTodaysRules() {
        await(oldPending.id(), "completed");
        assertCustomer7MaskedCsv(csv(alice.get(JOBS + "/" + oldPending.id() + "/download")));
    }

    @Test
    void aJobQueuedBeforeTheRulesTightenedThatNoLongerPlansFailsForGood() {
        JsonNode failed = await(oldPendingNamingPrice.id(), "failed");
        assertThat(failed.get("error_code").asText()).isEqualTo("unknown_column");
        assertThat(failed.get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void aRetryOfAnOldJobObeysTodaysRules() {
        HttpResponse<byte[]> r = alice.post(JOBS + "/" + oldCancelled.id() + "/retry", "");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        String id = ApiClient.json(r).get("id").asText();
        await(id, "completed");
        List<List<String>> csv = csv(alice.get(JOBS + "/" + id + "/download"));
        assertThat(csv.get(0)).containsExactlyElementsOf(VISIBLE_ORDER_COLUMNS);
        assertThat(csv.subList(1, csv.size())).extracting(row -> row.get(1)).containsOnly("7")
                .hasSize(customer7Orders().size());
    }

    @Test
    void aRetryOfAnOldJobNamingADeniedColumnIsRefused() {
        assertProblem(alice.post(JOBS + "/" + oldCancelledNamingPrice.id() + "/retry", ""), 400, "unknown_column");
        assertProblem(admin.post(JOBS + "/" + oldCancelledNamingPrice.id() + "/retry", ""), 400, "unknown_column");
    }
}
