package dev.freight.cli;

import dev.freight.testing.ForkedNode;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two {@code serve} processes on one PostgreSQL job store, as a platform team runs them: the admin key the first
 * prints is the admin key of the second, whose banner says so and how to get a new one.
 */
class TwoServeNodesTest {
    private static final Pattern SERVING = Pattern.compile("Freight is serving .* at http://[^:]+:(\\d+)");
    private static final Pattern NEW_KEY = Pattern.compile("Admin API key \\(shown once, stored hashed\\): (frt_\\S+)");
    private static final Pattern SHARED_KEY = Pattern.compile("Admin API key: the one shown when this job store was "
            + "first used; the same on every node of it \\(freight keys rotate-admin makes a new one\\)");

    @TempDir
    Path dir;

    /** The signing key every node of the job store shares, by reference as the config demands. */
    private static final Map<String, String> LINK_KEY = Map.of("LINK_KEY", "two-nodes-test-link-key-".repeat(2));

    Path config(String node, String jobStore) throws Exception {
        return config(node, jobStore, """
                  signed_links:
                    key: ${env:LINK_KEY}
                """);
    }

    Path config(String node, String jobStore, String moreServerSettings) throws Exception {
        Path data = Files.createDirectories(dir.resolve(node));
        String source = "jdbc:h2:file:" + data.resolve("src");
        try (Connection c = DriverManager.getConnection(source, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id INTEGER PRIMARY KEY)");
        }
        return Files.writeString(data.resolve("freight.yml"), """
                data_dir: %s
                server:
                  port: 0
                %s
                job_store:
                  url: "%s"
                sources:
                  src:
                    url: "%s"
                    user: sa
                """.formatted(data, moreServerSettings.stripTrailing(), jobStore, source));
    }

    @Test
    void theAdminKeyPrintedByTheFirstNodeWorksOnTheSecond() throws Exception {
        String schema = TestDatabases.runId() + "_two_nodes";
        TestDatabases.execute(TestDatabases.postgres(), "CREATE SCHEMA " + schema);
        String jobStore = TestDatabases.postgres().replaceAll("currentSchema=[^&]*", "currentSchema=" + schema);
        try (ForkedNode first = ForkedNode.start(LINK_KEY, "serve", "--config", config("a", jobStore).toString())) {
            first.await(SERVING, Duration.ofSeconds(60));
            String key = first.await(NEW_KEY, Duration.ofSeconds(5)).group(1);
            try (ForkedNode second = ForkedNode.start(LINK_KEY, "serve", "--config", config("b", jobStore).toString())) {
                int port = Integer.parseInt(second.await(SERVING, Duration.ofSeconds(60)).group(1));
                second.await(SHARED_KEY, Duration.ofSeconds(5));

                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/api/v1/audit?limit=1"))
                        .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(second.output()).doesNotContain("shown once");
            }
        } finally {
            TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA " + schema + " CASCADE");
        }
    }

    /** A link signed with one node's generated key would open nothing on the others: such a node does not start. */
    @Test
    void aNodeOnASharedJobStoreWithoutAConfiguredLinkKeyRefusesToStart() throws Exception {
        String schema = TestDatabases.runId() + "_no_link_key";
        TestDatabases.execute(TestDatabases.postgres(), "CREATE SCHEMA " + schema);
        String jobStore = TestDatabases.postgres().replaceAll("currentSchema=[^&]*", "currentSchema=" + schema);
        try (ForkedNode node = ForkedNode.start("serve", "--config", config("c", jobStore, "").toString())) {
            assertThat(node.awaitExit(Duration.ofSeconds(60))).isEqualTo(Main.EXIT_BAD_INPUT);
            assertThat(node.output()).contains("server.signed_links.key").contains("the same on every node")
                    .doesNotContain("Freight is serving").doesNotContain("Exception");
        } finally {
            TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
