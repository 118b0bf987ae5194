package dev.freight.cli;

import dev.freight.testing.ForkedCli;
import dev.freight.testing.ForkedNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing of Freight listens beyond {@code server.host}: with the API on every interface, the embedded H2 servers
 * that let the CLI share the job store and the demo database, and the management listener, stay on loopback; and
 * the CLI beside the running node still works through them.
 */
class ServeListenersTest {
    private static final Pattern SERVING = Pattern.compile("Freight is serving .* at http://[^:]+:(\\d+)");
    private static final Pattern METRICS = Pattern.compile("Metrics: http://127\\.0\\.0\\.1:(\\d+)/metrics");

    @Test
    void everySocketButTheApiPortIsLoopbackOnlyAndTheCliBesideTheNodeWorks(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("freight.yml"), """
                data_dir: %s
                server:
                  host: 0.0.0.0
                  port: 0
                  management_port: 0
                """.formatted(dir.resolve("data")));
        try (ForkedNode node = ForkedNode.start("serve", "--demo", "--config", config.toString())) {
            int apiPort = Integer.parseInt(node.await(SERVING, Duration.ofSeconds(60)).group(1));
            int metricsPort = Integer.parseInt(node.await(METRICS, Duration.ofSeconds(5)).group(1));
            // A job store and a demo opened by a second process: their H2 servers are running now.
            String beside = ForkedCli.run("256m", Duration.ofSeconds(60), "export", "--demo", "--data-dir",
                    dir.resolve("data").toString(), "--table", "customers", "--columns", "id", "--limit", "2", "-o", "-");
            assertThat(beside).contains("id\r\n1\r\n2\r\n");
            assertThat(ForkedCli.run("256m", Duration.ofSeconds(60), "queue", "status", "--config", config.toString()))
                    .contains("pending");

            List<ForkedNode.Listener> listeners = node.listeners();
            assertThat(listeners).extracting(ForkedNode.Listener::port).contains(apiPort, metricsPort);
            assertThat(listeners.size()).as("API, management and two H2 servers: %s", listeners).isGreaterThanOrEqualTo(4);
            for (ForkedNode.Listener l : listeners) {
                if (l.port() == apiPort) continue;
                assertThat(l.loopback()).as("%s is loopback-only (all: %s)", l, listeners).isTrue();
            }
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body()).contains("freight_jobs");
        }
    }

    /** systemd and other service managers count exit 143 (the JVM's answer to SIGTERM) as a failed stop. */
    @Test
    void serveStoppedWithSigtermExitsZero(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("freight.yml"), "data_dir: " + dir.resolve("data") + "\nserver:\n  port: 0\n");
        try (ForkedNode node = ForkedNode.start("serve", "--demo", "--config", config.toString())) {
            node.await(SERVING, Duration.ofSeconds(60));
            assertThat(node.stop(Duration.ofSeconds(40))).as(node.output()).isZero();
        }
    }
}
