package dev.freight.visual;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freight.access.AccessPolicy;
import dev.freight.access.Limits;
import dev.freight.auth.AdminKey;
import dev.freight.auth.ApiKeyCheck;
import dev.freight.auth.Authentication;
import dev.freight.auth.Principal;
import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
import dev.freight.export.ExportMetrics;
import dev.freight.export.ExportService;
import dev.freight.export.VisualTarget;
import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.format.visual.VisualOptions;
import dev.freight.http.FreightServer;
import dev.freight.job.JdbcJobStore;
import dev.freight.job.JobService;
import dev.freight.job.JobSettings;
import dev.freight.job.Sweeper;
import dev.freight.job.WorkerPool;
import dev.freight.query.ExportRequest;
import dev.freight.source.DemoData;
import dev.freight.source.JdbcSource;
import dev.freight.source.SourceRegistry;
import dev.freight.storage.LocalFileStore;
import dev.freight.testing.ManualClock;
import dev.freight.testing.TestDatabases;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pictures end to end: requests over real HTTP to a Freight server whose renderer drives Debian's Chromium, on the
 * embedded demo orders (H2) and a PostgreSQL dataset that sleeps. PNGs are read back with ImageIO, PDFs with
 * PDFBox. One server and one browser pool serve the whole class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VisualExportTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Duration RENDER_TIMEOUT = Duration.ofSeconds(8);
    static final String WEEK = "from: \"2024-01-01\", to: \"2024-01-08\", time_zone: UTC, granularity: day";
    static final String CONFIG = """
            roles:
              analyst:
                datasets:
                  demo.orders:
                    columns_masked: {sku: hash}
            reports:
              weekly_sales:
                title: Weekly sales
                widgets:
                  revenue:
                    title: Revenue
                    type: chart
                    chart: bar
                    dataset: demo.orders
                    series: {%1$s, measures: [{column: unit_price, agg: sum}]}
                    position: {x: 0, y: 0}
                    size: {w: 8, h: 4}
                  orders:
                    title: Orders in January
                    type: kpi
                    dataset: demo.orders
                    series: {from: "2024-01-01", to: "2024-02-01", time_zone: UTC, granularity: month, measures: [{agg: count}]}
                    position: {x: 8, y: 0}
                    size: {w: 4, h: 2}
                  by_status:
                    title: By status
                    type: chart
                    chart: line
                    dataset: demo.orders
                    series: {%1$s, measures: [{agg: count}], group_by: [status]}
                    position: {x: 0, y: 4}
                    size: {w: 8, h: 4}
                  latest:
                    title: Latest orders
                    type: table
                    dataset: demo.orders
                    columns: [id, sku, status]
                    row_limit: 3
                    position: {x: 8, y: 2}
                    size: {w: 4, h: 6}
                  empty:
                    title: Next decade
                    type: chart
                    chart: line
                    dataset: demo.orders
                    series: {from: "2030-01-01", to: "2030-01-08", time_zone: UTC, granularity: day, fill: none, measures: [{agg: count}]}
                    position: {x: 0, y: 8}
                    size: {w: 12, h: 3}
              slow:
                title: Slow
                widgets:
                  quick:
                    type: kpi
                    dataset: demo.orders
                    series: {from: "2024-01-01", to: "2024-02-01", time_zone: UTC, granularity: month, measures: [{agg: count}]}
                    position: {x: 0, y: 0}
                    size: {w: 6, h: 2}
                  nap:
                    type: table
                    dataset: nap
                    row_limit: 1
                    position: {x: 6, y: 0}
                    size: {w: 6, h: 2}
              broken:
                title: Broken
                widgets:
                  boom:
                    type: table
                    dataset: boom
                    position: {x: 0, y: 0}
                    size: {w: 12, h: 2}
              short_nap:
                title: Short nap
                widgets:
                  doze:
                    type: table
                    dataset: doze
                    row_limit: 1
                    position: {x: 0, y: 0}
                    size: {w: 12, h: 2}
            """.formatted(WEEK);
    static final ObjectMapper JSON = new ObjectMapper();
    /** The sleeping query's alias: this run's, so that its statements can be found in pg_stat_activity. */
    static final String NAP = TestDatabases.runId() + "_nap";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Path dir;
    SourceRegistry sources;
    JdbcJobStore store;
    WorkerPool workers;
    FreightServer server;
    ChromiumRenderer renderer;
    String adminKey;

    @BeforeAll
    void start() throws IOException {
        requireChromium();
        dir = Files.createTempDirectory("freight-visual");
        JdbcSource demo = JdbcSource.open("demo", DemoData.ensureEmbedded(dir.resolve("demo")), "sa", "", 4);
        JdbcSource pg = JdbcSource.open("pg", TestDatabases.postgres(), null, null, 4);
        Map<String, SourceRegistry.Entry> entries = new LinkedHashMap<>();
        entries.put("demo", new SourceRegistry.Entry(demo, (schema, table) -> true));
        entries.put("pg", new SourceRegistry.Entry(pg, (schema, table) -> false));
        // A widget whose query outlasts the render timeout, and one that takes a moment but finishes.
        sources = new SourceRegistry(entries, List.of(
                new SourceRegistry.Definition("nap", "pg", null,
                        "SELECT n, pg_sleep(30)::text AS pause FROM (SELECT 1 AS n) \"" + NAP + "\"", null, List.of()),
                new SourceRegistry.Definition("boom", "pg", null,
                        "SELECT g AS n, 1 / (g - 1) AS x FROM generate_series(1, 3) g", null, List.of()),
                new SourceRegistry.Definition("doze", "pg", null,
                        "SELECT n, pg_sleep(2)::text AS pause FROM (SELECT 1 AS n) one", null, List.of())));
        store = JdbcJobStore.open("jdbc:h2:file:" + dir.resolve("jobs"), "sa", "", 8, Clock.systemUTC());
        LocalFileStore files = new LocalFileStore(dir.resolve("files"));
        JobSettings settings = new JobSettings(2, Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofMillis(100),
                Duration.ofMillis(200), 3, Duration.ofHours(1), Duration.ofDays(1), false, Duration.ofSeconds(2));
        FreightConfig config = ConfigLoader.load(Optional.of(Files.writeString(dir.resolve("freight.yml"), CONFIG)), Map.of());
        AccessPolicy policy = AccessPolicy.fromConfig(config.roles(),
                "visual-test-hash-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        renderer = ChromiumRenderer.start(new ChromiumRenderer.Settings(CHROMIUM, 2, RENDER_TIMEOUT));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ExportService exports = new ExportService(sources, policy, Limits.unlimited(),
                new dev.freight.audit.JdbcAuditLog(store.dataSource(), store.clock()),
                new ExportMetrics(registry), ExportService.Settings.DEFAULTS).withReports(config.reports())
                .withRenderer(renderer);
        workers = new WorkerPool(store, files, exports, settings, Clock.systemUTC());
        workers.start();
        JobService jobs = new JobService(store, files, exports, settings, workers);
        AdminKey adminCheck = AdminKey.loadOrCreate(store.dataSource(), dir);
        adminKey = adminCheck.newKey().orElseThrow();
        ApiKeyCheck keys = ApiKeyCheck.firstOf(adminCheck, token -> token.equals("key-ann")
                ? Optional.of(new Principal("ann", "analyst", Map.of())) : Optional.empty());
        server = new FreightServer(sources, jobs, new Sweeper(store, files, settings, Clock.systemUTC()), registry,
                Authentication.of(keys), FreightServer.Settings.defaults().withPort(0)).start();
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        if (workers != null) workers.close();
        if (renderer != null) renderer.close();
        if (store != null) store.close();
        if (sources != null) sources.close();
        if (dir != null) deleteTree(dir);
    }

    static void requireChromium() {
        if (Files.isExecutable(CHROMIUM)) return;
        String message = "Chromium is not installed at " + CHROMIUM + ": scripts/install-browser.sh installs it";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new IllegalStateException(message + " -- CI=true");
        System.err.println("\n*** SKIPPING VISUAL EXPORT TESTS: " + message + " ***\n");
        Assumptions.abort(message);
    }

    // ---- PNG

    @Test
    void aPngOfAChartHasTheRequestedPixelSizeAndSomethingDrawnWhereTheChartIs() throws IOException {
        HttpResponse<byte[]> r = post(adminKey, """
                {"dataset": "demo.orders", "format": "png", "delivery": "sync",
                 "series": {"from": "2024-01-01", "to": "2024-01-08", "time_zone": "UTC", "granularity": "day",
                            "measures": [{"column": "unit_price", "agg": "sum"}]},
                 "options": {"chart": "bar", "width": 600, "height": 300, "device_scale": 2}}""");
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).isEqualTo("image/png");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertThat(png.getWidth()).isEqualTo(1200);
        assertThat(png.getHeight()).isEqualTo(600);
        // The chart fills the page under its title: its middle holds axes, labels and bars, many colours.
        assertThat(colours(png, 100, 200, 1100, 560)).isGreaterThan(20);
        // Bars are drawn in the first series' colour (#2563eb, antialiased at their edges).
        assertThat(pixelsNear(png, 0x2563eb, 100, 200, 1100, 560)).isGreaterThan(1000);
        keep("chart-bars.png", r.body());
        // One bar per day with sales: as many runs of bar-coloured columns as the series has non-zero buckets.
        HttpResponse<byte[]> csv = post(adminKey, """
                {"dataset": "demo.orders", "format": "csv", "delivery": "sync",
                 "series": {"from": "2024-01-01", "to": "2024-01-08", "time_zone": "UTC", "granularity": "day",
                            "measures": [{"column": "unit_price", "agg": "sum"}]}}""");
        List<Double> sums = new String(ok(csv).body(), StandardCharsets.UTF_8).lines().skip(1)
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(',') + 1))).filter(v -> v != 0).toList();
        assertThat(sums).isNotEmpty();
        List<Integer> bars = barHeights(png, 0x2563eb);
        assertThat(bars).hasSize(sums.size());
        // Bars stand on zero: their heights are in the proportion of their values (each bar whole, none cut).
        double tallest = Collections.max(sums);
        int tallestBar = Collections.max(bars);
        for (int i = 0; i < sums.size(); i++) {
            assertThat((double) bars.get(i) / tallestBar).as("bar " + i)
                    .isCloseTo(sums.get(i) / tallest, org.assertj.core.data.Offset.offset(0.03));
        }
    }

    /** The height of each run of neighbouring pixel columns holding a tall stretch of {@code rgb}: the bars. */
    static List<Integer> barHeights(BufferedImage img, int rgb) {
        List<Integer> bars = new ArrayList<>();
        boolean inBar = false;
        for (int x = 0; x < img.getWidth(); x++) {
            int height = pixelsNear(img, rgb, x, 0, x + 1, img.getHeight());
            boolean bar = height >= 8;
            if (bar && !inBar) bars.add(height);
            if (bar) bars.set(bars.size() - 1, Math.max(bars.get(bars.size() - 1), height));
            inBar = bar;
        }
        return bars;
    }

    @Test
    void theDarkThemeHasADarkBackground() throws IOException {
        String body = """
                {"dataset": "demo.orders", "format": "png", "delivery": "sync",
                 "series": {"from": "2024-01-01", "to": "2024-01-08", "granularity": "day"},
                 "options": {"width": 400, "height": 200, "theme": "%s"}}""";
        BufferedImage light = ImageIO.read(new ByteArrayInputStream(ok(post(adminKey, body.formatted("light"))).body()));
        byte[] darkPng = ok(post(adminKey, body.formatted("dark"))).body();
        keep("chart-dark.png", darkPng);
        BufferedImage dark = ImageIO.read(new ByteArrayInputStream(darkPng));
        assertThat(light.getWidth()).isEqualTo(400);
        assertThat(brightness(light.getRGB(2, 2))).isGreaterThan(200);
        assertThat(brightness(dark.getRGB(2, 2))).isLessThan(60);
    }

    @Test
    void oneWidgetOfAReportAnswersInTheRequest() throws IOException {
        HttpResponse<byte[]> r = post(adminKey, "{\"report\": \"weekly_sales\", \"widget\": \"revenue\", \"format\": \"png\","
                + " \"options\": {\"width\": 500, \"height\": 300}}");
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Freight-Delivery")).contains("sync");
        assertThat(r.headers().firstValue("Content-Disposition").orElse("")).contains("weekly_sales-revenue-").contains(".png");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertThat(png.getWidth()).isEqualTo(500);
        assertThat(pixelsNear(png, 0x2563eb, 0, 0, 500, 300)).isGreaterThan(200);
    }

    @Test
    void aWholeReportRunsAsAJobAndItsFileIsThePicture() throws Exception {
        HttpResponse<byte[]> created = post(adminKey, "{\"report\": \"weekly_sales\", \"format\": \"png\"}");
        assertThat(created.statusCode()).as(text(created)).isEqualTo(202);
        JsonNode job = awaitFinished(JSON.readTree(created.body()).get("id").asText());
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.get("report").asText()).isEqualTo("weekly_sales");
        HttpResponse<byte[]> file = get(adminKey, "/api/v1/export/jobs/" + job.get("id").asText() + "/download");
        assertThat(file.statusCode()).isEqualTo(200);
        keep("report-weekly_sales.png", file.body());
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(file.body()));
        assertThat(png.getWidth()).isEqualTo(1280);
        assertThat(png.getHeight()).isEqualTo(800);
        // Audited once, as the report's picture (its widgets' data fetches are part of it, not exports of their own).
        JsonNode events = json(get(adminKey, "/api/v1/audit?job_id=" + job.get("id").asText())).get("events");
        List<String> seen = new ArrayList<>();
        events.forEach(e -> seen.add(e.get("action").asText() + " " + e.get("dataset").asText() + " " + e.get("format").asText()));
        assertThat(seen).containsExactlyInAnyOrder("export_created report:weekly_sales png",
                "export_completed report:weekly_sales png", "export_downloaded report:weekly_sales png");
    }

    @Test
    void aScheduleOfAReportsPdfRunsAsAJobOfThatPicture() throws Exception {
        HttpResponse<byte[]> created = send(server.port(), adminKey, "/api/v1/export/schedules", """
                {"name": "weekly-report-pdf", "cron": "0 7 * * MON", "time_zone": "Europe/Berlin",
                 "request": {"report": "weekly_sales", "format": "pdf_visual"}}""");
        assertThat(created.statusCode()).as(text(created)).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asText();
        HttpResponse<byte[]> ran = send(server.port(), adminKey, "/api/v1/export/schedules/" + id + "/run", "");
        assertThat(ran.statusCode()).as(text(ran)).isEqualTo(202);
        JsonNode run = json(ran);
        JsonNode job = awaitFinished(run.get("id").asText());
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.get("schedule_id").asText()).isEqualTo(id);
        byte[] pdf = get(adminKey, "/api/v1/export/jobs/" + job.get("id").asText() + "/download").body();
        assertThat(pdfText(pdf)).contains("Page 1 of");
    }

    @Test
    void twiceMaxBrowsersRendersAtOnceAllComplete() {
        List<CompletableFuture<HttpResponse<byte[]>>> renders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int width = 300 + i;
            renders.add(CompletableFuture.supplyAsync(() -> post(adminKey, "{\"report\": \"weekly_sales\", \"widget\":"
                    + " \"by_status\", \"format\": \"png\", \"options\": {\"width\": " + width + ", \"height\": 200}}")));
        }
        for (int i = 0; i < renders.size(); i++) {
            HttpResponse<byte[]> r = renders.get(i).join();
            assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
            try {
                assertThat(ImageIO.read(new ByteArrayInputStream(r.body())).getWidth()).isEqualTo(300 + i);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertThat(renderer.browserPids().size()).isLessThanOrEqualTo(2);
    }

    // ---- PDF

    @Test
    void aPdfOfAReportIsVectorTextWithTitleGeneratedAtAndPageNumbers() throws IOException {
        HttpResponse<byte[]> r = post(adminKey, "{\"report\": \"weekly_sales\", \"format\": \"pdf_visual\", \"delivery\": \"sync\"}");
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/pdf");
        keep("report-weekly_sales.pdf", r.body());
        String text = pdfText(r.body());
        assertThat(text).contains("Weekly sales", "Generated ", "Revenue", "Orders in January", "Latest orders");
        try (PDDocument doc = Loader.loadPDF(r.body())) {
            assertThat(doc.getDocumentInformation().getTitle()).isEqualTo("Weekly sales");
        }
        assertThat(text).containsPattern("Page 1 of \\d");
        // A4 landscape by default: 842 × 595 points.
        float[] size = pageSize(r.body());
        assertThat(size[0]).isCloseTo(842f, org.assertj.core.data.Offset.offset(2f));
        assertThat(size[1]).isCloseTo(595f, org.assertj.core.data.Offset.offset(2f));
        // The table's cells are text in the PDF, not pixels: the first order's SKU can be searched for.
        assertThat(text).contains((String) DemoData.order(1)[2]);
    }

    @Test
    void anEmptyRangeSaysNoDataInsteadOfTimingOutOrComingBackBlank() throws IOException {
        HttpResponse<byte[]> r = post(adminKey, "{\"report\": \"weekly_sales\", \"widget\": \"empty\", \"format\": \"pdf_visual\","
                + " \"options\": {\"page_size\": \"letter\", \"orientation\": \"portrait\"}}");
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        assertThat(pdfText(r.body())).contains("Weekly sales · Next decade", "no data in this range");
        // Letter portrait: 612 × 792 points.
        float[] size = pageSize(r.body());
        assertThat(size[0]).isCloseTo(612f, org.assertj.core.data.Offset.offset(2f));
        assertThat(size[1]).isCloseTo(792f, org.assertj.core.data.Offset.offset(2f));
    }

    @Test
    void aMaskedColumnIsMaskedInThePictureToo() throws IOException {
        String sku = (String) DemoData.order(1)[2];
        String body = "{\"report\": \"weekly_sales\", \"widget\": \"latest\", \"format\": \"pdf_visual\"}";
        assertThat(pdfText(ok(post(adminKey, body)).body())).contains(sku);
        String analysts = pdfText(ok(post("key-ann", body)).body());
        assertThat(analysts).contains("Latest orders").doesNotContain(sku).doesNotContain("SKU-");
    }

    // ---- failures

    @Test
    void aWidgetThatNeverFinishesFailsWithRenderTimeoutNamingIt() {
        HttpResponse<byte[]> r = post(adminKey, "{\"report\": \"slow\", \"format\": \"png\", \"delivery\": \"sync\"}");
        assertThat(r.statusCode()).as(text(r)).isEqualTo(504);
        JsonNode p = json(r);
        assertThat(p.get("code").asText()).isEqualTo("render_timeout");
        assertThat(p.get("detail").asText()).isEqualTo("widget nap of report:slow did not finish within "
                + RENDER_TIMEOUT.toSeconds() + " s (visual.render_timeout)");
        // Its query does not sleep on: it stopped with the render.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (TestDatabases.runningStatements(NAP) > 0 && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(TestDatabases.runningStatements(NAP)).isZero();
    }

    @Test
    void aWidgetWhoseDataFailsFailsTheRenderWithItsMessage() {
        HttpResponse<byte[]> r = post(adminKey, "{\"report\": \"broken\", \"format\": \"pdf_visual\", \"delivery\": \"sync\"}");
        assertProblem(r, 502, "render_failed", null);
        assertThat(json(r).get("detail").asText()).startsWith("drawing report:broken failed: boom: ")
                .contains("division by zero");
    }

    /** A picture job of the short_nap report (its page waits 2 s for data), a second into its render. */
    private String renderingAJob() throws Exception {
        HttpResponse<byte[]> created = post(adminKey, "{\"report\": \"short_nap\", \"format\": \"png\", \"delivery\": \"async\","
                + " \"options\": {\"width\": 400, \"height\": 200}}");
        assertThat(created.statusCode()).as(text(created)).isEqualTo(202);
        String id = JSON.readTree(created.body()).get("id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!running(id) && System.nanoTime() < deadline) Thread.sleep(50);
        Thread.sleep(1000);
        return id;
    }

    @Test
    void aBrowserKilledMidRenderIsReplacedAndTheJobCompletes() throws Exception {
        // The page waits 2 s for its data: kill the browsers while it does.
        String id = renderingAJob();
        List<Long> killed = renderer.browserPids();
        assertThat(killed).isNotEmpty();
        for (long pid : killed) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        JsonNode job = awaitFinished(id);
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(renderer.browserPids()).doesNotContainAnyElementsOf(killed);
    }

    @Test
    void aBrowserThatStopsAnsweringIsReplacedAndTheJobCompletes() throws Exception {
        String id = renderingAJob();
        // Hung, not crashed: the process is still there (SIGSTOP), it just never answers the renderer again.
        List<Long> hung = renderer.browserPids();
        assertThat(hung).isNotEmpty();
        for (long pid : hung) {
            assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor()).isZero();
        }
        try {
            JsonNode job = awaitFinished(id);
            assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
            assertThat(renderer.browserPids()).doesNotContainAnyElementsOf(hung);
        } finally {
            for (long pid : hung) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void badRequestsAreProblemsNamingTheField() {
        assertProblem(post(adminKey, "{\"report\": \"nope\", \"format\": \"png\"}"), 400, "unknown_report", "report");
        assertProblem(post(adminKey, "{\"report\": \"weekly_sales\", \"widget\": \"nope\", \"format\": \"png\"}"),
                400, "unknown_widget", "widget");
        assertProblem(post(adminKey, "{\"dataset\": \"demo.orders\", \"format\": \"png\"}"), 400, "invalid_visual_target", "series");
        assertProblem(post(adminKey, "{\"report\": \"weekly_sales\", \"format\": \"csv\"}"), 400, "invalid_visual_target", "report");
        assertProblem(post(adminKey, "{\"report\": \"weekly_sales\", \"dataset\": \"demo.orders\", \"format\": \"png\"}"),
                400, "invalid_visual_target", "dataset");
        assertProblem(post(adminKey, "{\"report\": \"weekly_sales\", \"format\": \"png\", \"options\": {\"device_scale\": 3}}"),
                400, "invalid_option", "options.device_scale");
        assertProblem(post(adminKey, "{\"report\": \"weekly_sales\", \"format\": \"pdf_visual\", \"options\": {\"theme\": \"pink\"}}"),
                400, "invalid_option", "options.theme");
        // 8192 pixels across came back blank twice (a 502 after two renders): refused up front.
        assertProblem(post(adminKey, "{\"report\": \"weekly_sales\", \"widget\": \"revenue\", \"format\": \"png\", "
                + "\"options\": {\"width\": 4096, \"device_scale\": 2}}"), 400, "invalid_option", "options.width");
        // A picture has no rows to test a condition on.
        assertProblem(post(adminKey, "{\"report\": \"weekly_sales\", \"format\": \"png\", \"condition\": \"rows > 0\", "
                + "\"notify_email\": \"ops@example.com\"}"), 400, "invalid_condition", "condition");
        // A report whose data the role may not see is the same refusal as an unknown one.
        assertProblem(post("key-ann", "{\"report\": \"slow\", \"format\": \"png\"}"), 400, "unknown_report", "report");
    }

    @Test
    void withoutChromiumPicturesAre503WithTheInstallHintAndDataExportsStillWork() throws IOException {
        try (ChromiumRenderer missing = ChromiumRenderer.start(new ChromiumRenderer.Settings(Path.of("/nonexistent/chromium"),
                1, RENDER_TIMEOUT))) {
            onAnotherServer(missing, port -> {
                HttpResponse<byte[]> png = send(port, adminKey, "/api/v1/export/jobs", """
                        {"dataset": "demo.orders", "format": "png", "series": {"timeframe": "last_7d"}}""");
                assertProblem(png, 503, "renderer_unavailable", null);
                assertThat(json(png).get("detail").asText()).contains("/nonexistent/chromium")
                        .contains("apt-get install -y chromium chromium-driver").contains("scripts/install-browser.sh");
                HttpResponse<byte[]> csv = send(port, adminKey, "/api/v1/export/jobs",
                        "{\"dataset\": \"demo.orders\", \"format\": \"csv\", \"row_limit\": 2, \"delivery\": \"sync\"}");
                assertThat(csv.statusCode()).as(text(csv)).isEqualTo(200);
            });
        }
    }

    static final String CHART = "{\"dataset\": \"demo.orders\", \"format\": \"png\", \"delivery\": \"sync\", \"series\": {"
            + "\"from\": \"2024-01-01\", \"to\": \"2024-01-08\", \"time_zone\": \"UTC\", \"granularity\": \"day\"}, "
            + "\"options\": {\"width\": 400, \"height\": 300}}";

    @Test
    void aCaptureThatComesBackBlankIsTakenOnceMoreAndTheSecondIsTheFile() throws IOException {
        java.util.concurrent.atomic.AtomicInteger captures = new java.util.concurrent.atomic.AtomicInteger();
        // The first capture of the real browser is judged blank, the next by the real check.
        try (ChromiumRenderer once = ChromiumRenderer.start(new ChromiumRenderer.Settings(CHROMIUM, 1, RENDER_TIMEOUT),
                (png, boxes, scale) -> captures.incrementAndGet() == 1 || ChromiumRenderer.blank(png, boxes, scale))) {
            onAnotherServer(once, port -> {
                HttpResponse<byte[]> r = send(port, adminKey, "/api/v1/export/jobs", CHART);
                assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
                BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(r.body()));
                assertThat(img.getWidth()).isEqualTo(400);
                assertThat(ChromiumRenderer.blank(r.body(), List.of(), 1)).isFalse();
            });
        }
        assertThat(captures).hasValue(2);
    }

    @Test
    void aCaptureBlankTwiceFailsWithBlankRenderAndWritesNothing() throws IOException {
        java.util.concurrent.atomic.AtomicInteger captures = new java.util.concurrent.atomic.AtomicInteger();
        try (ChromiumRenderer blank = ChromiumRenderer.start(new ChromiumRenderer.Settings(CHROMIUM, 1, RENDER_TIMEOUT),
                (png, boxes, scale) -> captures.incrementAndGet() > 0)) {
            onAnotherServer(blank, port -> {
                HttpResponse<byte[]> r = send(port, adminKey, "/api/v1/export/jobs", CHART);
                assertProblem(r, 502, "blank_render", null);
                assertThat(json(r).get("detail").asText()).startsWith("the picture of ")
                        .endsWith(" came back blank (uniform pixels where the widgets are) twice");
            });
        }
        assertThat(captures).hasValue(2);
    }

    @FunctionalInterface
    interface OnServer {
        void run(int port) throws IOException;
    }

    /** Runs {@code test} against a second server of the same sources and job store whose pictures {@code renderer} draws. */
    void onAnotherServer(ChromiumRenderer renderer, OnServer test) throws IOException {
        Path d = Files.createTempDirectory(dir, "other-renderer");
        LocalFileStore files = new LocalFileStore(d.resolve("files"));
        JobSettings settings = new JobSettings(1, Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofMillis(100),
                Duration.ofMillis(200), 3, Duration.ofHours(1), Duration.ofDays(1), false, Duration.ofSeconds(2));
        ExportService exports = ExportService.unrestricted(sources).withRenderer(renderer);
        JobService jobs = new JobService(store, files, exports, settings, null);
        AdminKey adminCheck = AdminKey.loadOrCreate(store.dataSource(), dir);
        try (FreightServer other = new FreightServer(sources, jobs, new Sweeper(store, files, settings, Clock.systemUTC()),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Authentication.of(adminCheck),
                FreightServer.Settings.defaults().withPort(0)).start()) {
            test.run(other.port());
        }
    }

    // ---- the render page and its tokens

    @Test
    void theRenderPageOpensOnceWithItsTokenAndNeverWithAnApiKey() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        RenderTokens tokens = new RenderTokens(clock);
        try (RenderServer page = new RenderServer(tokens).start()) {
            VisualTarget target = target("report:weekly_sales");
            String token = tokens.issue("r1", target, Principal.admin("t"), (w, out) -> out.write("[]".getBytes()), "now");
            // Not opened yet: its data is not served.
            assertThat(renderGet(page, "/render/spec", token).statusCode()).isEqualTo(403);
            // For another target: refused, and the page load is not used up.
            assertThat(renderGet(page, "/render?target=report:other&token=" + token, null).statusCode()).isEqualTo(403);
            HttpResponse<byte[]> opened = renderGet(page, "/render?target=report:weekly_sales&token=" + token, null);
            assertThat(opened.statusCode()).isEqualTo(200);
            assertThat(text(opened)).contains("/ui/js/render.js");
            assertThat(renderGet(page, "/render/spec", token).statusCode()).isEqualTo(200);
            assertThat(renderGet(page, "/render/data/revenue", token).statusCode()).isEqualTo(200);
            // Reused: 403.
            HttpResponse<byte[]> again = renderGet(page, "/render?target=report:weekly_sales&token=" + token, null);
            assertThat(again.statusCode()).isEqualTo(403);
            assertThat(json(again).get("code").asText()).isEqualTo("invalid_render_token");
            // Expired: 403 for the page and its data alike.
            String late = tokens.issue("r2", target, Principal.admin("t"), (w, out) -> out.write("[]".getBytes()), "now");
            clock.advance(RenderTokens.VALIDITY.plusSeconds(1));
            assertThat(renderGet(page, "/render?target=report:weekly_sales&token=" + late, null).statusCode()).isEqualTo(403);
            assertThat(renderGet(page, "/render/spec", token).statusCode()).isEqualTo(403);
            // A tampered token (another render's id under the first one's signature): 403.
            String forged = token.substring(0, token.indexOf('.')).replace('A', 'B') + token.substring(token.indexOf('.'));
            assertThat(renderGet(page, "/render?target=report:weekly_sales&token=" + forged, null).statusCode()).isEqualTo(403);
            // A user's API key or session is no render token.
            HttpResponse<byte[]> withKey = renderGet(page, "/render?target=report:weekly_sales&token=" + adminKey, adminKey);
            assertThat(withKey.statusCode()).isEqualTo(403);
            assertThat(renderGet(page, "/render/spec", adminKey).statusCode()).isEqualTo(403);
        }
        // And the API's own listener has no render page at all.
        assertThat(get(adminKey, "/render?target=report:weekly_sales&token=x").statusCode()).isEqualTo(404);
    }

    // ---- helpers

    static VisualTarget target(String id) {
        VisualOptions o = VisualOptions.of(FormatOptions.defaults(ExportFormat.PNG));
        return new VisualTarget(id, "Weekly", ExportFormat.PNG, o, 12, List.of(new VisualTarget.Widget("revenue", "Revenue",
                "chart", "bar", List.of(), 0, 0, 12, 1, ExportRequest.of("demo.orders", "json"))));
    }

    HttpResponse<byte[]> renderGet(RenderServer page, String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + page.port() + path));
        if (token != null) b.header(RenderServer.TOKEN_HEADER, token).header("Authorization", "Bearer " + token);
        return exchange(b.GET().build());
    }

    HttpResponse<byte[]> post(String key, String body) {
        return send(server.port(), key, "/api/v1/export/jobs", body);
    }

    static HttpResponse<byte[]> send(int port, String key, String path, String body) {
        return exchange(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(90)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<byte[]> get(String key, String path) {
        return exchange(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + key).GET().build());
    }

    static HttpResponse<byte[]> exchange(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    boolean running(String id) {
        return json(get(adminKey, "/api/v1/export/jobs/" + id)).get("status").asText().equals("running");
    }

    JsonNode awaitFinished(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode job = json(get(adminKey, "/api/v1/export/jobs/" + id));
            String status = job.get("status").asText();
            if (!status.equals("pending") && !status.equals("running")) return job;
            assertThat(System.nanoTime()).as("job " + id + " still " + status).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    static HttpResponse<byte[]> ok(HttpResponse<byte[]> r) {
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        return r;
    }

    static void assertProblem(HttpResponse<byte[]> r, int status, String code, String field) {
        assertThat(r.statusCode()).as(text(r)).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode p = json(r);
        assertThat(p.get("code").asText()).isEqualTo(code);
        if (field != null) assertThat(p.path("field").asText()).isEqualTo(field);
    }

    static JsonNode json(HttpResponse<byte[]> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text(r), e);
        }
    }

    static String text(HttpResponse<byte[]> r) {
        String s = new String(r.body(), StandardCharsets.UTF_8);
        return r.statusCode() + " " + (s.length() > 500 ? s.substring(0, 500) : s);
    }

    static String pdfText(byte[] pdf) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(doc);
        }
    }

    /** Keeps a picture in target/visual-exports/ for a person to look at (as the UI tests keep screenshots). */
    static void keep(String name, byte[] bytes) throws IOException {
        Path d = Path.of("target", "visual-exports");
        Files.createDirectories(d);
        Files.write(d.resolve(name), bytes);
    }

    static float[] pageSize(byte[] pdf) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            var box = doc.getPage(0).getMediaBox();
            return new float[]{box.getWidth(), box.getHeight()};
        }
    }

    static int colours(BufferedImage img, int x0, int y0, int x1, int y1) {
        Set<Integer> seen = new HashSet<>();
        for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) seen.add(img.getRGB(x, y));
        return seen.size();
    }

    static int pixelsNear(BufferedImage img, int rgb, int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < Math.min(y1, img.getHeight()); y++) {
            for (int x = x0; x < Math.min(x1, img.getWidth()); x++) {
                int p = img.getRGB(x, y);
                int d = Math.abs(((p >> 16) & 255) - ((rgb >> 16) & 255)) + Math.abs(((p >> 8) & 255) - ((rgb >> 8) & 255))
                        + Math.abs((p & 255) - (rgb & 255));
                if (d < 30) n++;
            }
        }
        return n;
    }

    static int brightness(int rgb) {
        return (((rgb >> 16) & 255) + ((rgb >> 8) & 255) + (rgb & 255)) / 3;
    }

    static void deleteTree(Path d) {
        try (Stream<Path> files = Files.walk(d)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
