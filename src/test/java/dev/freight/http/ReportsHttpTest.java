package dev.freight.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.access.AccessPolicy;
import dev.freight.access.Limits;
import dev.freight.audit.AuditLog;
import dev.freight.auth.AdminKey;
import dev.freight.auth.ApiKeyCheck;
import dev.freight.auth.Authentication;
import dev.freight.auth.Principal;
import dev.freight.config.ConfigException;
import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Reports over real HTTP against PostgreSQL's demo orders: an analyst who sees only customer 7's orders and no
 * prices is listed only the report whose every widget they may see; a widget's data, fetched by posting its
 * request, is theirs (row filter applied); a hidden or unknown report is the same 404 problem. Also: a widget that
 * does not plan stops start-up naming its key, and uPlot is served from the jar.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportsHttpTest {
    static final String CONFIG = """
            roles:
              analyst:
                datasets:
                  pg.orders:
                    columns_denied: [unit_price, discount]
                    row_filter: "customer_id = :customer_id"
            reports:
              sales:
                title: Sales
                widgets:
                  orders:
                    type: kpi
                    dataset: pg.orders
                    series: {from: "2024-01-01", to: "2025-01-01", time_zone: UTC, granularity: year, measures: [{agg: count}]}
                    position: {x: 0, y: 0}
                    size: {w: 4, h: 2}
                  by_status:
                    type: chart
                    chart: stacked_bar
                    dataset: pg.orders
                    series: {from: "2024-01-01", to: "2024-04-01", time_zone: UTC, granularity: month, measures: [{column: quantity, agg: sum}], group_by: [status], fill: zero}
                    filters: [{column: quantity, op: gt, value: 0}]
                    position: {x: 4, y: 0}
                    size: {w: 8, h: 4}
              prices:
                title: Prices
                widgets:
                  revenue:
                    type: chart
                    chart: line
                    dataset: pg.orders
                    series: {timeframe: last_30d, granularity: day, measures: [{column: unit_price, agg: sum}]}
                    position: {x: 0, y: 0}
                    size: {w: 12, h: 4}
              mariadb:
                title: Elsewhere
                widgets:
                  latest:
                    type: table
                    dataset: maria.orders
                    columns: [id, status]
                    row_limit: 5
                    position: {x: 0, y: 0}
                    size: {w: 12, h: 3}
            """;
    static final String REPORTS = ReportRoutes.PATH;

    Path dir;
    SourceRegistry sources;
    JdbcJobStore store;
    WorkerPool workers;
    FreightServer server;
    ApiClient alice;
    ApiClient admin;
    FreightConfig config;
    ExportService unrestricted;

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("freight-reports");
        sources = TestSources.registry();
        store = JdbcJobStore.open("jdbc:h2:file:" + dir.resolve("jobs"), "sa", "", 8, Clock.systemUTC());
        LocalFileStore files = new LocalFileStore(dir.resolve("files"));
        JobSettings settings = HttpApiContract.settings(false);
        config = ConfigLoader.load(Optional.of(Files.writeString(dir.resolve("freight.yml"), CONFIG)), Map.of());
        AccessPolicy policy = AccessPolicy.fromConfig(config.roles(),
                "reports-http-hash-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        policy.validate(sources);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ExportService exports = new ExportService(sources, policy, Limits.unlimited(), AuditLog.NONE,
                new ExportMetrics(registry), ExportService.Settings.DEFAULTS).withReports(config.reports());
        unrestricted = ExportService.unrestricted(sources);
        workers = new WorkerPool(store, files, exports, settings, Clock.systemUTC());
        workers.start();
        JobService jobs = new JobService(store, files, exports, settings, workers);
        AdminKey adminCheck = AdminKey.loadOrCreate(store.dataSource(), dir);
        String adminKey = adminCheck.newKey().orElseThrow();
        ApiKeyCheck keys = ApiKeyCheck.firstOf(adminCheck, token -> token.equals("key-alice")
                ? Optional.of(new Principal("alice", "analyst", Map.of("customer_id", "7"))) : Optional.empty());
        server = new FreightServer(sources, jobs, new Sweeper(store, files, settings, Clock.systemUTC()), registry,
                Authentication.of(keys), HttpApiContract.serverSettings()).start();
        alice = new ApiClient(server.port(), "key-alice");
        admin = new ApiClient(server.port(), adminKey);
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        if (workers != null) workers.close();
        if (store != null) store.close();
        if (dir != null) TestSources.deleteTree(dir);
    }

    static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.get("reports").forEach(r -> out.add(r.get("name").asText()));
        return out;
    }

    @Test
    void aRoleIsListedOnlyTheReportsWhoseEveryWidgetItMaySee() {
        HttpResponse<byte[]> all = admin.get(REPORTS);
        assertThat(all.statusCode()).as(ApiClient.text(all)).isEqualTo(200);
        assertThat(names(ApiClient.json(all))).containsExactly("sales", "prices", "mariadb");
        assertThat(ApiClient.json(all).get("reports").get(0).get("title").asText()).isEqualTo("Sales");
        assertThat(ApiClient.json(all).get("reports").get(0).get("widget_count").asInt()).isEqualTo(2);

        HttpResponse<byte[]> mine = alice.get(REPORTS);
        assertThat(mine.statusCode()).isEqualTo(200);
        // prices sums a column denied to the role; mariadb uses a dataset the role does not have.
        assertThat(names(ApiClient.json(mine))).containsExactly("sales");
    }

    @Test
    void aHiddenReportIsTheSame404AsAnUnknownOne() {
        for (String name : List.of("prices", "mariadb", "nope")) {
            HttpResponse<byte[]> r = alice.get(REPORTS + "/" + name);
            assertThat(r.statusCode()).as(name).isEqualTo(404);
            assertThat(ApiClient.header(r, "Content-Type")).startsWith("application/problem+json");
            JsonNode p = ApiClient.json(r);
            assertThat(p.get("code").asText()).isEqualTo("not_found");
            assertThat(p.get("detail").asText()).isEqualTo("no report '" + name + "' (or one using data your role may"
                    + " not see); GET /api/v1/export/reports lists yours");
        }
        assertThat(admin.get(REPORTS + "/prices").statusCode()).isEqualTo(200);
    }

    @Test
    void aReportShowsItsGridAndEachWidgetsExportRequest() {
        HttpResponse<byte[]> r = alice.get(REPORTS + "/sales");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        JsonNode report = ApiClient.json(r);
        assertThat(report.get("title").asText()).isEqualTo("Sales");
        assertThat(report.get("grid_columns").asInt()).isEqualTo(12);
        JsonNode chart = report.get("widgets").get(1);
        assertThat(chart.get("name").asText()).isEqualTo("by_status");
        assertThat(chart.get("type").asText()).isEqualTo("chart");
        assertThat(chart.get("chart").asText()).isEqualTo("stacked_bar");
        assertThat(chart.get("position").toString()).isEqualTo("{\"x\":4,\"y\":0}");
        assertThat(chart.get("size").toString()).isEqualTo("{\"w\":8,\"h\":4}");
        assertThat(chart.get("request").toString()).isEqualTo("{\"dataset\":\"pg.orders\",\"format\":\"json\","
                + "\"delivery\":\"sync\",\"filters\":[{\"column\":\"quantity\",\"op\":\"gt\",\"value\":\"0\"}],"
                + "\"series\":{\"from\":\"2024-01-01\",\"to\":\"2024-04-01\",\"time_zone\":\"UTC\",\"granularity\":"
                + "\"month\",\"measures\":[{\"column\":\"quantity\",\"agg\":\"sum\"}],\"group_by\":[\"status\"],"
                + "\"fill\":\"zero\"}}");
    }

    @Test
    void aWidgetsDataIsTheCallersOwnThroughTheExportApi() throws SQLException {
        JsonNode kpi = ApiClient.json(alice.get(REPORTS + "/sales")).get("widgets").get(0);
        HttpResponse<byte[]> data = alice.post("/api/v1/export/jobs", kpi.get("request").toString());
        assertThat(data.statusCode()).as(ApiClient.text(data)).isEqualTo(200);
        JsonNode rows = ApiClient.json(data);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("count").asLong()).isEqualTo(ordersIn2024("customer_id = 7")).isPositive();

        JsonNode adminKpi = ApiClient.json(admin.get(REPORTS + "/sales")).get("widgets").get(0);
        JsonNode all = ApiClient.json(admin.post("/api/v1/export/jobs", adminKpi.get("request").toString()));
        assertThat(all.get(0).get("count").asLong()).isEqualTo(ordersIn2024("true"))
                .isGreaterThan(rows.get(0).get("count").asLong());
    }

    long ordersIn2024(String where) throws SQLException {
        try (Connection c = sources.sources().get("pg").connection();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM orders WHERE " + where
                     + " AND created_at >= ? AND created_at < ?")) {
            s.setObject(1, OffsetDateTime.parse("2024-01-01T00:00:00Z"));
            s.setObject(2, OffsetDateTime.parse("2025-01-01T00:00:00Z"));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aWidgetThatDoesNotPlanStopsStartUpNamingItsKey() throws IOException {
        assertThat(refusal(CONFIG.replace("column: quantity, agg: sum", "column: qty, agg: sum")))
                .startsWith("configuration: reports.sales.widgets.by_status.series.measures[0].column: ");
        assertThat(refusal(CONFIG.replace("granularity: month", "granularity: fortnight")))
                .startsWith("configuration: reports.sales.widgets.by_status.series.granularity: ");
        assertThat(refusal(CONFIG.replace("dataset: maria.orders", "dataset: maria.ordres")))
                .startsWith("configuration: reports.mariadb.widgets.latest.dataset: ");
        assertThat(refusal(CONFIG.replace("columns: [id, status]", "columns: [id, state]")))
                .startsWith("configuration: reports.mariadb.widgets.latest.columns");
    }

    String refusal(String yaml) throws IOException {
        FreightConfig c = ConfigLoader.load(Optional.of(Files.writeString(dir.resolve("bad.yml"), yaml)), Map.of());
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> unrestricted.withReports(c.reports()));
        assertThat(e).as("refused: " + yaml).isNotNull();
        return e.getMessage();
    }

    @Test
    void uPlotIsServedFromTheJarWithoutCredentials() throws IOException {
        ApiClient anonymous = new ApiClient(server.port(), null);
        HttpResponse<byte[]> js = anonymous.get(WebUi.UPLOT + "/uPlot.iife.min.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(js, "Content-Type")).matches("(text|application)/javascript.*");
        assertThat(new String(js.body(), StandardCharsets.UTF_8)).contains("uPlot");
        HttpResponse<byte[]> css = anonymous.get(WebUi.UPLOT + "/uPlot.min.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(css, "Content-Type")).startsWith("text/css");
        // The served version is the one pom.xml pins.
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<uplot.version>" + WebUi.UPLOT_VERSION + "</uplot.version>");
    }
}
