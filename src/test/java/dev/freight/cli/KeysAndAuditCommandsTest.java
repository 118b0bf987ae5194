package dev.freight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freight.http.FreightServer;
import dev.freight.auth.AdminKey;
import dev.freight.auth.ApiKeyCheck;
import dev.freight.auth.ApiKeys;
import dev.freight.source.DemoData;
import dev.freight.source.Dialect;
import dev.freight.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code freight keys} and {@code freight audit} on a real configuration (H2 source and job store), with a real
 * server on the same job store: keys made by the CLI authenticate over HTTP at once and stop when revoked.
 */
class KeysAndAuditCommandsTest {
    @TempDir
    static Path dir;
    static Path config;
    static FreightRuntime runtime;
    static FreightServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
    /** What the server's key caches run on: a rotation or revocation shows once the test moves it. */
    static final ManualClock CLOCK = new ManualClock(Instant.now());
    static String adminKey;


    @BeforeAll
    static void serve() throws Exception {
        String shop = "jdbc:h2:file:" + dir.resolve("shop");
        try (Connection c = DriverManager.getConnection(shop, "sa", "")) {
            DemoData.load(c, Dialect.H2, 300);
        }
        config = dir.resolve("freight.yml");
        Files.writeString(config, """
                data_dir: %s
                job_store:
                  url: jdbc:h2:file:%s
                storage:
                  path: %s
                sources:
                  shop:
                    url: "%s"
                    user: sa
                roles:
                  analyst: { datasets: { "*": {} } }
                """.formatted(dir, dir.resolve("jobs"), dir.resolve("exports"), shop));
        runtime = FreightRuntime.full(FreightRuntime.loadConfig(config), false, true, CLOCK);
        AdminKey admin = AdminKey.loadOrCreate(runtime.store.dataSource(), dir, CLOCK, ApiKeys.CACHE_TTL);
        adminKey = admin.newKey().orElseThrow();
        server = new FreightServer(runtime.registry, runtime.service, runtime.sweeper, runtime.metrics,
                runtime.auth.withKeys(ApiKeyCheck.firstOf(admin, runtime.auth.keys())),
                FreightServer.Settings.defaults().withPort(0)).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (runtime != null) runtime.close();
    }

    static Cli.Output freight(String... args) {
        return Cli.capture(args);
    }

    static Cli.Output ok(String... args) {
        Cli.Output o = freight(args);
        assertThat(o.exit()).as(o.err()).isZero();
        return o;
    }

    static HttpResponse<String> http(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String createKey(String name, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("keys", "create", "--config", config.toString(),
                "--name", name));
        args.addAll(List.of(more));
        Cli.Output o = ok(args.toArray(String[]::new));
        assertThat(o.out().lines().toList()).as("stdout holds only the key").hasSize(1);
        assertThat(o.err()).contains("shown only now");
        return o.out().strip();
    }

    @Test
    void aCreatedKeyAuthenticatesOverHttpAsItsPrincipalAndIsListedWithoutItsHash() throws Exception {
        String key = createKey("nora", "--role", "analyst", "--attr", "tenant_id=42", "--attr", "region=eu");
        assertThat(key).matches("frt_[A-Za-z0-9_-]{43}");

        HttpResponse<String> created = http("POST", "/api/v1/export/jobs", key,
                "{\"dataset\": \"orders\", \"row_limit\": 5, \"delivery\": \"async\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        assertThat(JSON.readTree(created.body()).get("owner").asText()).isEqualTo("nora");

        Cli.Output list = ok("keys", "list", "--config", config.toString());
        assertThat(list.out()).containsPattern("nora\\s+analyst\\s+region=eu,tenant_id=42\\s+\\d{4}-");
        assertThat(list.out()).doesNotContain(ApiKeys.sha256Hex(key)).doesNotContain(key);
    }

    @Test
    void theNodesAdminKeyIsListedAsNodeAdminWithItsCreationTimeFromTheJobStore() throws Exception {
        String created = adminKeyCreatedAt();

        Cli.Output list = ok("keys", "list", "--config", config.toString());

        assertThat(list.out()).containsPattern("(?m)^\\(node admin\\)\\s+admin\\s+admin\\s+-\\s+"
                + java.util.regex.Pattern.quote(created) + "\\s+-$");
    }

    static String adminKeyCreatedAt() throws Exception {
        try (Connection c = runtime.store.dataSource().getConnection();
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT created_at FROM node_admin_key")) {
            assertThat(rs.next()).as("an admin key in the job store").isTrue();
            return rs.getObject(1, java.time.OffsetDateTime.class).toInstant().toString().substring(0, 19);
        }
    }

    @Test
    void rotateAdminPrintsANewAdminKeyAndTheOldOneStopsWorking() throws Exception {
        String old = adminKey;
        assertThat(http("GET", "/api/v1/audit", old, null).statusCode()).isEqualTo(200);

        Cli.Output rotated = ok("keys", "rotate-admin", "--config", config.toString());
        String key = rotated.out().strip();
        adminKey = key;

        assertThat(rotated.out().lines().toList()).as("stdout holds only the key").hasSize(1);
        assertThat(key).matches("frt_[A-Za-z0-9_-]{43}").isNotEqualTo(old);
        assertThat(rotated.err()).contains("shown only now");
        CLOCK.advance(ApiKeys.CACHE_TTL);
        assertThat(http("GET", "/api/v1/audit", key, null).statusCode()).isEqualTo(200);
        assertThat(http("GET", "/api/v1/audit", old, null).statusCode()).isEqualTo(401);
        assertThat(ok("keys", "list", "--config", config.toString()).out()).contains(adminKeyCreatedAt())
                .doesNotContain(key).doesNotContain(ApiKeys.sha256Hex(key));
    }

    @Test
    void aRevokedKeyIsRefusedWith401WithinTheCacheTime() throws Exception {
        String key = createKey("otto", "--role", "user");
        assertThat(http("GET", "/api/v1/export/tables", key, null).statusCode()).isEqualTo(200);

        Cli.Output revoke = ok("keys", "revoke", "otto", "--config", config.toString());
        assertThat(revoke.err()).contains("Revoked 1 key(s)");
        CLOCK.advance(ApiKeys.CACHE_TTL);
        HttpResponse<String> r = http("GET", "/api/v1/export/tables", key, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> v.startsWith("Bearer"));
        assertThat(ok("keys", "list", "--config", config.toString()).out())
                .containsPattern("otto\\s+user\\s+-\\s+\\S+\\s+\\d{4}-");
        Cli.Output again = freight("keys", "revoke", "otto", "--config", config.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).startsWith("freight: error: no active key");
    }

    @Test
    void anUnknownRoleIsRefusedListingTheRolesAndNothingIsStored() {
        Cli.Output o = freight("keys", "create", "--config", config.toString(), "--name", "pat", "--role", "auditor");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.out()).isEmpty();
        assertThat(o.err().strip()).isEqualTo("freight: error: unknown role 'auditor'; roles: admin, user, analyst");
        assertThat(ok("keys", "list", "--config", config.toString()).out()).doesNotContain("pat");

        Cli.Output badAttr = freight("keys", "create", "--config", config.toString(), "--name", "pat", "--role", "user",
                "--attr", "tenant_id");
        assertThat(badAttr.exit()).isEqualTo(2);
        assertThat(badAttr.err()).contains("--attr expects name=value");
    }

    @Test
    void keysCreateRefusesTheBuiltInAdminsName() {
        for (String role : List.of("user", "admin")) {
            Cli.Output o = freight("keys", "create", "--config", config.toString(), "--name", "admin", "--role", role);

            assertThat(o.exit()).isEqualTo(2);
            assertThat(o.out()).isEmpty();
            assertThat(o.err()).startsWith("freight: error: 'admin' is the name of the node's built-in admin key");
        }
        assertThat(ok("keys", "list", "--config", config.toString()).out())
                .doesNotContainPattern("(?m)^key_\\S+\\s+admin\\s");
    }

    @Test
    void keysCreateRefusesANameAnActiveStoredKeyHoldsWithAnotherRoleOrAttributes() {
        createKey("uma", "--role", "analyst", "--attr", "tenant_id=1");
        String held = ok("keys", "list", "--config", config.toString()).out().lines()
                .filter(l -> l.contains(" uma ")).findFirst().orElseThrow().split("\\s+")[0];

        for (List<String> other : List.of(List.of("--role", "user"), List.of("--role", "analyst", "--attr", "tenant_id=2"),
                List.of("--role", "analyst"))) {
            List<String> args = new java.util.ArrayList<>(List.of("keys", "create", "--config", config.toString(),
                    "--name", "uma"));
            args.addAll(other);
            Cli.Output o = freight(args.toArray(String[]::new));
            assertThat(o.exit()).as(String.join(" ", other)).isEqualTo(2);
            assertThat(o.out()).isEmpty();
            assertThat(o.err()).contains("the name 'uma' is held by key " + held
                    + " (role analyst, attributes tenant_id=1)");
        }
        assertThat(ok("keys", "list", "--config", config.toString()).out().lines().filter(l -> l.contains(" uma ")))
                .hasSize(1);
        // The same principal again is a second key of it, as when rotating.
        createKey("uma", "--role", "analyst", "--attr", "tenant_id=1");
    }

    @Test
    void keysCreateRefusesANameAConfigKeyHoldsWithAnotherRole() throws Exception {
        Path withVic = dir.resolve("with-vic.yml");
        Files.writeString(withVic, Files.readString(config) + """
                api_keys:
                  - { name: vic, sha256: %s, role: analyst }
                """.formatted(ApiKeys.sha256Hex("frt_vic")));

        for (String printConfig : List.of("", "--print-config")) {
            List<String> args = new java.util.ArrayList<>(List.of("keys", "create", "--config", withVic.toString(),
                    "--name", "vic", "--role", "user"));
            if (!printConfig.isEmpty()) args.add(printConfig);
            Cli.Output o = freight(args.toArray(String[]::new));
            assertThat(o.exit()).isEqualTo(2);
            assertThat(o.out()).isEmpty();
            assertThat(o.err()).contains("the name 'vic' is held by the config's api_keys[0] (role analyst, no attributes)");
        }
    }

    @Test
    void hashPrintsTheSha256AndPrintConfigGivesAnEntryTheConfigAccepts() throws Exception {
        assertThat(ok("keys", "hash", "frt_abc").out().strip()).isEqualTo(ApiKeys.sha256Hex("frt_abc"));

        Cli.Output printed = ok("keys", "create", "--config", config.toString(), "--name", "quinn", "--role", "analyst",
                "--attr", "tenant_id=042", "--print-config");
        List<String> lines = printed.out().lines().toList();
        String key = lines.get(0);
        assertThat(lines).contains("    sha256: " + ApiKeys.sha256Hex(key), "    attributes: { tenant_id: \"042\" }");
        String entry = printed.out().substring(printed.out().indexOf("api_keys:"));
        Path withKey = dir.resolve("with-key.yml");
        Files.writeString(withKey, Files.readString(config) + entry);
        assertThat(ok("keys", "list", "--config", withKey.toString()).out())
                .containsPattern("\\(config\\)\\s+quinn\\s+analyst\\s+tenant_id=042");
        assertThat(ok("keys", "list", "--config", config.toString()).out()).as("not stored").doesNotContain("quinn");
    }

    @Test
    void aBrokenApiKeysEntryIsAOneLineConfigError() throws Exception {
        Path broken = dir.resolve("broken.yml");
        Files.writeString(broken, Files.readString(config) + """
                api_keys:
                  - name: rex
                    sha256: not-a-hash
                    role: analyst
                """);
        Cli.Output o = freight("keys", "list", "--config", broken.toString());
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err().lines().toList()).singleElement().asString()
                .startsWith("freight: error: configuration: api_keys[0].sha256: expected the SHA-256");
        Files.writeString(broken, Files.readString(config) + """
                api_keys:
                  - name: rex
                    sha256: %s
                    role: auditor
                """.formatted(ApiKeys.sha256Hex("x")));
        Cli.Output role = freight("worker", "--once", "--config", broken.toString());
        assertThat(role.exit()).isEqualTo(2);
        assertThat(role.err()).contains("api_keys[0].role: unknown role 'auditor'; roles: admin, user, analyst");
    }

    @Test
    void auditShowsTheExportsOfAPrincipalAsATableAndAsJson() throws Exception {
        String key = createKey("sam", "--role", "user");
        HttpResponse<String> sync = http("POST", "/api/v1/export/jobs", key,
                "{\"dataset\": \"orders\", \"row_limit\": 7, \"delivery\": \"sync\"}");
        assertThat(sync.statusCode()).isEqualTo(200);

        Cli.Output table = ok("audit", "--config", config.toString(), "--principal", "sam");
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0)).startsWith("AT").contains("ACTION", "PRINCIPAL", "ROWS", "BYTES");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).contains("export_completed", "sam", "orders", " 7 ");
        assertThat(lines.get(2)).contains("export_created", "sam");

        Cli.Output json = ok("audit", "--config", config.toString(), "--principal", "sam", "--action", "export_completed",
                "--since", "1h", "--json");
        JsonNode event = JSON.readTree(json.out().lines().findFirst().orElseThrow());
        assertThat(event.get("row_count").asLong()).isEqualTo(7);
        assertThat(event.get("bytes").asLong()).isEqualTo(sync.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(ok("audit", "--config", config.toString(), "--principal", "sam", "--since",
                "2999-01-01T00:00:00Z").out().lines()).hasSize(1);

        Cli.Output bad = freight("audit", "--config", config.toString(), "--action", "export_stolen");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown action 'export_stolen'; actions: export_created");
    }
}
