package dev.freight.web;

import com.sun.net.httpserver.HttpServer;
import dev.freight.cli.FreightNode;
import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job page keeps its delivery log live after the job has ended (its event stream is over by then): a webhook
 * whose receiver is down shows pending with the receiver's 500, then delivered once the receiver is back, without
 * the page being reloaded. In a real headless Chromium against a whole node and a real webhook receiver.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryLogBrowserTest {
    @TempDir
    static Path dir;
    FreightNode node;
    String adminKey;
    Browser browser;
    HttpServer receiver;
    String hook;
    /** While set, the receiver answers 500, as one that is down. */
    final AtomicBoolean down = new AtomicBoolean(true);
    final AtomicInteger calls = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        Browser.requireInstalled();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            calls.incrementAndGet();
            exchange.sendResponseHeaders(down.get() ? 500 : 204, -1);
            exchange.close();
        });
        receiver.start();
        hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        String source = "jdbc:h2:file:" + dir.resolve("src");
        try (Connection c = DriverManager.getConnection(source, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items AS SELECT x AS id, 'item ' || x AS name FROM SYSTEM_RANGE(1, 20)");
        }
        Path file = Files.writeString(dir.resolve("freight.yml"), """
                data_dir: %s
                sources:
                  src:
                    url: "%s"
                    user: sa
                exports:
                  heartbeat: 200ms
                webhooks:
                  allowed_hosts: [127.0.0.1]
                  secret: ${env:WEBHOOK_SECRET}
                  allow_private_addresses: true
                  retry_initial_delay: 1s
                  retry_max_delay: 1s
                """.formatted(dir.resolve("data"), source));
        FreightConfig config = ConfigLoader.load(Optional.of(file), Map.of("WEBHOOK_SECRET",
                "whsec_" + Base64.getEncoder().encodeToString("a webhook secret of 32 bytes!!!!".getBytes(StandardCharsets.UTF_8))));
        node = FreightNode.start(config, false, "127.0.0.1", 0);
        adminKey = node.newAdminKey().orElseThrow();
        browser = Browser.start("http://127.0.0.1:" + node.port(), 1280, 900, "deliveries");
        browser.open("/");
        WebUiBrowserTest.signInAs(browser, adminKey);
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (node != null) node.close();
        if (receiver != null) receiver.stop(0);
    }

    @AfterEach
    void noScriptErrors() {
        assertThat(browser.scriptErrors()).as("browser console").isEmpty();
    }

    /** The webhook's row of the Deliveries card, once it shows {@code status} (null until then, for await). */
    WebElement webhookRow(String status) {
        List<WebElement> rows = browser.findAll("#job-deliveries tr[data-type='webhook'][data-status='" + status + "']");
        return rows.isEmpty() ? null : rows.get(0);
    }

    static String cell(WebElement row, String label) {
        return row.findElement(By.cssSelector("td[data-label='" + label + "']")).getText();
    }

    @Test
    void aWebhookThatFailsThenGoesThroughChangesOnTheJobPageWithoutAReload() throws Exception {
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.port() + "/api/v1/export/jobs"))
                .header("Authorization", "Bearer " + adminKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"dataset\": \"items\", \"format\": \"csv\", "
                        + "\"notify_url\": \"" + hook + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = created.body().replaceAll("(?s).*?\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        browser.open("/#/jobs/" + id);

        // The job ends, its stream with it; the webhook is tried and refused while the page stays open.
        WebElement failing = browser.await(Duration.ofSeconds(30), d -> {
            WebElement row = webhookRow("pending");
            return row != null && cell(row, "Last result").equals("HTTP 500") ? row : null;
        });
        assertThat(cell(failing, "Target")).isEqualTo(hook);
        assertThat(Integer.parseInt(cell(failing, "Attempts"))).isPositive();
        assertThat(browser.find("#job-body").getAttribute("data-status")).isEqualTo("completed");
        // A mark a reload would wipe out.
        browser.js("window.freightNotReloaded = true");
        browser.screenshot("delivery-pending");

        down.set(false);
        WebElement delivered = browser.await(Duration.ofSeconds(30), d -> webhookRow("delivered"));
        assertThat(cell(delivered, "Last result")).isEqualTo("204");
        assertThat(Integer.parseInt(cell(delivered, "Attempts"))).isEqualTo(calls.get());
        assertThat(cell(delivered, "Next attempt")).isIn("", "—");
        assertThat(browser.js("return window.freightNotReloaded === true")).isEqualTo(true);
        browser.screenshot("delivery-delivered");
    }
}
