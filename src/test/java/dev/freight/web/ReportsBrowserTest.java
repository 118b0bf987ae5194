package dev.freight.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freight.cli.FreightNode;
import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reports and the Series mode in a real headless Chromium against a whole node on the demo data: a report's
 * widgets in their grid, each painted (data-ready) before the page says it is ready, the stacked bars counted
 * from the chart's own data attributes against the API's rows, the KPI's number, "no data in this range" for an
 * empty series, one widget alone, and the new-export dialog's live series chart. No CSP violation or script error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportsBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    Path dir;
    FreightNode node;
    String adminKey;
    String base;
    Browser browser;

    @BeforeAll
    void start() throws IOException {
        Browser.requireInstalled();
        dir = Files.createTempDirectory("freight-ui-reports");
        Path file = dir.resolve("freight.yml");
        Files.writeString(file, """
                data_dir: %s
                limits:
                  exports_per_hour: 10000
                reports:
                  demo:
                    title: Demo sales
                    widgets:
                      orders_2024:
                        type: kpi
                        title: Orders in 2024
                        dataset: orders
                        series: {from: "2024-01-01", to: "2025-01-01", time_zone: UTC, granularity: year, measures: [{agg: count}]}
                        position: {x: 0, y: 0}
                        size: {w: 4, h: 2}
                      by_status:
                        type: chart
                        chart: stacked_bar
                        dataset: orders
                        series: {from: "2024-01-01", to: "2024-04-01", time_zone: UTC, granularity: month, measures: [{column: quantity, agg: sum}], group_by: [status], fill: zero}
                        position: {x: 4, y: 0}
                        size: {w: 8, h: 4}
                      nothing:
                        type: chart
                        chart: line
                        dataset: orders
                        series: {from: "1990-01-01", to: "1990-02-01", time_zone: UTC, granularity: day, measures: [{agg: count}], fill: none}
                        position: {x: 0, y: 2}
                        size: {w: 4, h: 2}
                      latest:
                        type: table
                        dataset: orders
                        columns: [id, status]
                        row_limit: 5
                        position: {x: 0, y: 4}
                        size: {w: 12, h: 3}
                      new_york:
                        type: chart
                        chart: line
                        dataset: orders
                        series: {from: "2024-03-09", to: "2024-03-12", time_zone: America/New_York, granularity: day, measures: [{agg: count}]}
                        position: {x: 0, y: 7}
                        size: {w: 12, h: 3}
                """.formatted(dir.resolve("data")));
        FreightConfig config = ConfigLoader.load(Optional.of(file), Map.of());
        node = FreightNode.start(config, true, "127.0.0.1", 0);
        adminKey = node.newAdminKey().orElseThrow();
        base = "http://127.0.0.1:" + node.port();
        browser = Browser.start(base, 1280, 800, "reports");
        browser.open("/");
        WebUiBrowserTest.signInAs(browser, adminKey);
    }

    @AfterAll
    void stop() throws IOException {
        if (browser != null) browser.close();
        if (node != null) node.close();
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @AfterEach
    void noScriptErrors() {
        if (browser == null) return;
        assertThat(browser.scriptErrors()).as("browser console").isEmpty();
    }

    void awaitReady() {
        browser.await(Duration.ofSeconds(30), d -> {
            Object ready = browser.js("return document.body.dataset.ready || null");
            return ready == null ? null : ready;
        });
        assertThat(browser.js("return document.body.dataset.ready")).as("failed: "
                + browser.js("return document.body.dataset.failed || ''")).isEqualTo("true");
    }

    String attr(String css, String name) {
        return browser.find(css).getAttribute(name);
    }

    @Test
    void aReportPaintsEveryWidgetInItsGridThenSaysItIsReady() throws Exception {
        browser.open("/#/reports/demo");
        awaitReady();
        browser.screenshot("report-demo");
        for (String w : List.of("orders_2024", "by_status", "nothing", "latest")) {
            assertThat(attr("[data-widget='" + w + "'] .widget-body", "data-ready")).as(w).isEqualTo("true");
        }
        JsonNode report = api("GET", "/api/v1/export/reports/demo", null);
        // The stacked bars: one per month and status with a quantity, as the API's rows have them.
        JsonNode rows = api("POST", "/api/v1/export/jobs", report.get("widgets").get(1).get("request").toString());
        long bars = 0;
        for (JsonNode r : rows) if (r.get("sum_quantity").asDouble() != 0) bars++;
        assertThat(bars).isPositive();
        assertThat(attr("[data-widget='by_status'] .chart", "data-bars")).isEqualTo(String.valueOf(bars));
        assertThat(attr("[data-widget='by_status'] .chart", "data-buckets")).isEqualTo("3");
        assertThat(browser.findAll("[data-widget='by_status'] canvas")).isNotEmpty();

        JsonNode kpi = api("POST", "/api/v1/export/jobs", report.get("widgets").get(0).get("request").toString());
        assertThat(attr("[data-widget='orders_2024'] .kpi-value", "data-value")).isEqualTo(kpi.get(0).get("count").asText());
        assertThat(browser.find("[data-widget='nothing'] .no-data").getText()).isEqualTo("no data in this range");
        assertThat(browser.findAll("[data-widget='latest'] tbody tr")).hasSize(5);

        assertThat(attr("[data-widget='by_status'] .chart", "data-ticks")).isEqualTo("Jan 2024 | Feb | Mar");

        // The grid: the chart starts at column 5 and spans 8.
        assertThat(browser.js("return getComputedStyle(document.querySelector(\"[data-widget='by_status']\")).gridColumnStart"))
                .isEqualTo("5");
    }

    @Test
    void aReportExportsAsAPngThatTheServersBrowserDrawsAndThePageDownloads() throws Exception {
        browser.clearDownloads();
        browser.open("/#/reports/demo");
        awaitReady();
        browser.find("[data-picture='png']").click();
        Path png = browser.awaitDownload(Duration.ofSeconds(90), ".png");
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(1280);
        assertThat(img.getHeight()).isEqualTo(800);
        assertThat(png.getFileName().toString()).startsWith("demo-");
        browser.dismissToasts();
    }

    @Test
    void aChartNamesItsBucketsAsItsTimeZoneDoesWhateverTheBrowsersZone() {
        // New York's days (the 10th of March 2024 is 23 hours long) start at 05:00 or 04:00 UTC: still named by date.
        browser.open("/#/reports/demo/new_york");
        awaitReady();
        assertThat(attr("[data-widget='new_york'] .chart", "data-ticks")).isEqualTo("Mar 9 2024 | Mar 10 | Mar 11");
    }

    @Test
    void oneWidgetOpensAlone() {
        browser.open("/#/reports/demo/by_status");
        awaitReady();
        assertThat(browser.findAll("[data-widget]")).hasSize(1);
        assertThat(attr("[data-widget='by_status'] .chart", "data-chart")).isEqualTo("stacked_bar");
        browser.screenshot("report-widget");
    }

    @Test
    void theSeriesModeDrawsALiveChart() {
        WebUiBrowserTest.openNewExport(browser, "orders");
        // Pictures draw a series: offered in Series mode only.
        assertThat(browser.find("#nx-format option[value='png']").getAttribute("disabled")).isNotNull();
        browser.find("#nx-mode-series").click();
        assertThat(browser.find("#nx-format option[value='png']").getAttribute("disabled")).isNull();
        browser.await(d -> "true".equals(attr("#nx-series-preview", "data-ready")) ? true : null);
        assertThat(attr("#nx-series-preview .chart", "data-series")).isEqualTo("1");
        // The demo's orders are of 2024: a range of three months there, by month.
        new org.openqa.selenium.support.ui.Select(browser.find("#nx-timeframe")).selectByValue("from/to");
        new org.openqa.selenium.support.ui.Select(browser.find("#nx-granularity")).selectByValue("month");
        browser.js("const f = document.querySelector('#nx-series-from'), t = document.querySelector('#nx-series-to');"
                + "f.value = '2024-01-01T00:00'; t.value = '2024-04-01T00:00';"
                + "t.dispatchEvent(new Event('change', { bubbles: true }));");
        new org.openqa.selenium.support.ui.Select(browser.find("#nx-preview-chart")).selectByValue("bar");
        browser.find("#nx-group-by input[data-column='status']").click();
        browser.await(Duration.ofSeconds(20), d -> {
            String n = browser.findAll("#nx-series-preview .chart").isEmpty() ? null
                    : attr("#nx-series-preview .chart", "data-series");
            return n != null && Integer.parseInt(n) > 1 && "true".equals(attr("#nx-series-preview", "data-ready")) ? true : null;
        });
        assertThat(attr("#nx-series-preview .chart", "data-chart")).isEqualTo("bar");
        assertThat(attr("#nx-series-preview .chart", "data-buckets")).isEqualTo("3");
        browser.screenshot("series-preview");
        browser.find("#nx-cancel").click();
    }

    JsonNode api(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + adminKey)
                .timeout(Duration.ofSeconds(60));
        if (body != null) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
