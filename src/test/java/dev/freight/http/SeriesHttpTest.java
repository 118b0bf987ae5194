package dev.freight.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.access.AccessPolicy;
import dev.freight.access.Limits;
import dev.freight.audit.AuditLog;
import dev.freight.auth.AdminKey;
import dev.freight.auth.ApiKeyCheck;
import dev.freight.auth.Authentication;
import dev.freight.auth.Principal;
import dev.freight.config.ConfigLoader;
import dev.freight.export.ExportMetrics;
import dev.freight.export.ExportService;
import dev.freight.job.JdbcJobStore;
import dev.freight.job.JobService;
import dev.freight.job.JobSettings;
import dev.freight.job.Sweeper;
import dev.freight.job.WorkerPool;
import dev.freight.source.SourceRegistry;
import dev.freight.storage.LocalFileStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static dev.freight.http.HttpApiContract.JOBS;
import static dev.freight.http.HttpApiContract.assertProblem;
import static dev.freight.http.HttpApiContract.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Time series over real HTTP against PostgreSQL's demo orders, as an analyst who sees only customer 7's orders,
 * without prices and with sku masked: the sync response and the async job's file are the weekly counts of those
 * orders computed here from the raw rows, and bad series input is a problem+json 400 naming the field.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeriesHttpTest {
    static final String ROLES = """
            roles:
              analyst:
                datasets:
                  pg.orders:
                    columns_denied: [unit_price, discount]
                    columns_masked: {sku: last4}
                    row_filter: "customer_id = :customer_id"
            """;
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final String SERIES = "{\"dataset\": \"pg.orders\", \"format\": \"csv\", \"delivery\": \"%s\", \"series\": "
            + "{\"from\": \"2024-01-01\", \"to\": \"2024-03-11\", \"time_zone\": \"Europe/Berlin\", \"granularity\": "
            + "\"week\", \"measures\": [{\"agg\": \"count\"}, {\"column\": \"quantity\", \"agg\": \"sum\"}], "
            + "\"group_by\": [\"status\"], \"fill\": \"zero\"}}";

    Path dir;
    SourceRegistry sources;
    JdbcJobStore store;
    WorkerPool workers;
    FreightServer server;
    ApiClient alice;

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("freight-series");
        sources = TestSources.registry();
        store = JdbcJobStore.open("jdbc:h2:file:" + dir.resolve("jobs"), "sa", "", 8, Clock.systemUTC());
        LocalFileStore files = new LocalFileStore(dir.resolve("files"));
        JobSettings settings = HttpApiContract.settings(false);
        Path roles = Files.writeString(dir.resolve("roles.yml"), ROLES);
        AccessPolicy policy = AccessPolicy.fromConfig(ConfigLoader.load(Optional.of(roles), Map.of()).roles(),
                "series-http-hash-key-0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        policy.validate(sources);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ExportService exports = new ExportService(sources, policy, Limits.unlimited(), AuditLog.NONE,
                new ExportMetrics(registry), ExportService.Settings.DEFAULTS);
        workers = new WorkerPool(store, files, exports, settings, Clock.systemUTC());
        workers.start();
        JobService jobs = new JobService(store, files, exports, settings, workers);
        AdminKey adminCheck = AdminKey.loadOrCreate(store.dataSource(), dir);
        ApiKeyCheck keys = ApiKeyCheck.firstOf(adminCheck, token -> token.equals("key-alice")
                ? Optional.of(new Principal("alice", "analyst", Map.of("customer_id", "7"))) : Optional.empty());
        server = new FreightServer(sources, jobs, new Sweeper(store, files, settings, Clock.systemUTC()), registry,
                Authentication.of(keys), HttpApiContract.serverSettings()).start();
        alice = new ApiClient(server.port(), "key-alice");
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        if (workers != null) workers.close();
        if (store != null) store.close();
        if (dir != null) TestSources.deleteTree(dir);
    }

    /** Customer 7's weekly orders by status, from the raw rows: "bucket,status" → [count, sum of quantity]. */
    TreeMap<String, long[]> expected() {
        TreeMap<String, long[]> out = new TreeMap<>();
        List<String> statuses = new ArrayList<>();
        try (Connection c = sources.sources().get("pg").connection();
             PreparedStatement s = c.prepareStatement("SELECT created_at, status, quantity FROM orders WHERE customer_id = 7")) {
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ZonedDateTime t = rs.getObject(1, OffsetDateTime.class).atZoneSameInstant(BERLIN);
                    if (t.isBefore(LocalDate.parse("2024-01-01").atStartOfDay(BERLIN))
                            || !t.isBefore(LocalDate.parse("2024-03-11").atStartOfDay(BERLIN))) continue;
                    OffsetDateTime week = t.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                            .atStartOfDay(BERLIN).toOffsetDateTime();
                    long[] v = out.computeIfAbsent(week + "," + rs.getString(2), k -> new long[2]);
                    v[0]++;
                    v[1] += rs.getLong(3);
                    if (!statuses.contains(rs.getString(2))) statuses.add(rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        // fill zero: every week of the range for every status seen.
        for (String st : statuses) {
            for (LocalDate w = LocalDate.parse("2024-01-01"); w.isBefore(LocalDate.parse("2024-03-11")); w = w.plusWeeks(1)) {
                out.putIfAbsent(w.atStartOfDay(BERLIN).toOffsetDateTime() + "," + st, new long[2]);
            }
        }
        assertThat(statuses).as("customer 7 has orders in the range").isNotEmpty();
        return out;
    }

    TreeMap<String, long[]> parsed(List<List<String>> csv) {
        assertThat(csv.get(0)).containsExactly("bucket", "status", "count", "sum_quantity");
        TreeMap<String, long[]> out = new TreeMap<>();
        for (List<String> r : csv.subList(1, csv.size())) {
            String key = OffsetDateTime.parse(r.get(0)) + "," + r.get(1);
            assertThat(out).as("one row per bucket and group").doesNotContainKey(key);
            out.put(key, new long[]{Long.parseLong(r.get(2)), Long.parseLong(r.get(3))});
        }
        return out;
    }

    static void assertSame(TreeMap<String, long[]> actual, TreeMap<String, long[]> expected) {
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).containsExactly(v));
    }

    @Test
    void aSyncSeriesIsTheRoleFilteredAggregateInTheZone() {
        HttpResponse<byte[]> r = alice.post(JOBS, SERIES.formatted("sync"));
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        List<List<String>> csv = PermissionsHttpTest.csv(r);
        assertSame(parsed(csv), expected());
        assertThat(csv.get(1).get(0)).isEqualTo("2024-01-01T00:00:00+01:00");
    }

    @Test
    void anAsyncSeriesJobStoresItsResolvedSeriesAndWritesTheSameFile() {
        HttpResponse<byte[]> created = alice.post(JOBS, SERIES.formatted("async"));
        assertThat(created.statusCode()).as(ApiClient.text(created)).isEqualTo(202);
        String id = ApiClient.json(created).get("id").asText();
        JsonNode job = awaitStatus(alice, id, "completed");
        JsonNode series = job.get("series");
        assertThat(series.get("time_column").asText()).isEqualTo("created_at");
        assertThat(series.get("from").asText()).isEqualTo("2024-01-01T00:00+01:00");
        assertThat(series.get("granularity").asText()).isEqualTo("week");
        assertThat(job.get("options").get("time_zone").asText()).isEqualTo("Europe/Berlin");
        HttpResponse<byte[]> file = alice.get(JOBS + "/" + id + "/download");
        assertThat(file.statusCode()).isEqualTo(200);
        assertSame(parsed(PermissionsHttpTest.csv(file)), expected());
    }

    @Test
    void aTimeframeIsResolvedWhenTheJobIsCreated() {
        HttpResponse<byte[]> created = alice.post(JOBS, "{\"dataset\": \"pg.orders\", \"delivery\": \"async\", "
                + "\"series\": {\"timeframe\": \"last_week\", \"time_zone\": \"Europe/Berlin\"}}");
        assertThat(created.statusCode()).as(ApiClient.text(created)).isEqualTo(202);
        JsonNode series = ApiClient.json(created).get("series");
        assertThat(series.has("timeframe")).isFalse();
        ZonedDateTime from = OffsetDateTime.parse(series.get("from").asText()).atZoneSameInstant(BERLIN);
        assertThat(from.getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
        assertThat(from.toLocalTime()).isEqualTo(java.time.LocalTime.MIDNIGHT);
        assertThat(OffsetDateTime.parse(series.get("to").asText()).atZoneSameInstant(BERLIN)).isEqualTo(from.plusWeeks(1));
        awaitStatus(alice, ApiClient.json(created).get("id").asText(), "completed");
    }

    @Test
    void badSeriesInputIsAProblemNamingTheField() {
        HttpResponse<byte[]> unknownField = alice.post(JOBS, "{\"dataset\": \"pg.orders\", \"series\": "
                + "{\"timeframe\": \"today\", \"granularty\": \"day\"}}");
        assertProblem(unknownField, 400, "unknown_field");
        assertThat(ApiClient.json(unknownField).get("detail").asText()).contains("series.granularty");

        HttpResponse<byte[]> granularity = alice.post(JOBS, "{\"dataset\": \"pg.orders\", \"series\": "
                + "{\"timeframe\": \"today\", \"granularity\": \"fortnight\"}}");
        assertProblem(granularity, 400, "invalid_series");
        assertThat(ApiClient.json(granularity).get("detail").asText()).contains("fortnight").contains("minute, hour, day, week");

        HttpResponse<byte[]> noRange = alice.post(JOBS, "{\"dataset\": \"pg.orders\", \"series\": {\"granularity\": \"day\"}}");
        assertProblem(noRange, 400, "invalid_series");

        HttpResponse<byte[]> masked = alice.post(JOBS, "{\"dataset\": \"pg.orders\", \"series\": "
                + "{\"timeframe\": \"today\", \"group_by\": [\"sku\"]}}");
        assertProblem(masked, 400, "masked_column");

        HttpResponse<byte[]> denied = alice.post(JOBS, "{\"dataset\": \"pg.orders\", \"series\": "
                + "{\"timeframe\": \"today\", \"measures\": [{\"column\": \"unit_price\", \"agg\": \"sum\"}]}}");
        assertProblem(denied, 400, "unknown_column");

        HttpResponse<byte[]> tooMany = alice.post(JOBS, "{\"dataset\": \"pg.orders\", \"series\": "
                + "{\"from\": \"2000-01-01\", \"to\": \"2024-01-01\", \"granularity\": \"minute\"}}");
        assertProblem(tooMany, 400, "series_too_large");
        assertThat(ApiClient.json(tooMany).get("detail").asText()).contains("granularity such as hour");

        HttpResponse<byte[]> sorted = alice.post(JOBS, "{\"dataset\": \"pg.orders\", \"sort\": [{\"column\": \"id\"}], "
                + "\"series\": {\"timeframe\": \"today\"}}");
        assertProblem(sorted, 400, "invalid_series");
    }
}
