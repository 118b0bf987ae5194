package dev.freight.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.cli.FreightNode;
import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
import dev.freight.error.ProblemCode;
import dev.freight.job.JdbcJobStore;
import dev.freight.auth.ApiKeys;
import dev.freight.auth.Principal;
import dev.freight.auth.StoredApiKeys;
import dev.freight.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Browser sessions, CSRF, the served UI and the row estimate, over real HTTP against whole nodes built from a
 * configuration, on the job store of the subclass. A {@link Browser} sends only the cookie (and the CSRF header
 * when told to), never an Authorization header.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SessionHttpContract {
    static final String JOBS = "/api/v1/export/jobs";
    static final String SESSION = "/api/v1/session";
    static final String ESTIMATE = "/api/v1/export/estimate";
    static final String ALICE = "frt_alice_" + "a".repeat(33);
    static final String BOB = "frt_bob_" + "b".repeat(35);
    static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'";

    /** What the nodes' signed links and API-key cache run on: a revocation shows once the test moves it. */
    final ManualClock clock = new ManualClock(Instant.now());
    Path dir;
    FreightNode node;
    JdbcJobStore store;
    ApiClient admin;
    ApiClient alice;
    ApiClient bob;

    /** The job store's JDBC URL (user and password in it when needed). */
    abstract String jobStoreUrl(Path dir);

    void dropJobStore() {
    }

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("freight-session");
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("src"), "sa", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE \"items\" (\"id\" INTEGER PRIMARY KEY, \"name\" VARCHAR(40), "
                    + "\"created_at\" TIMESTAMP WITH TIME ZONE)");
            for (int i = 1; i <= 40; i++) {
                s.execute("INSERT INTO \"items\" VALUES (" + i + ", 'item " + i + "', TIMESTAMP WITH TIME ZONE "
                        + "'2024-01-01 00:00:00+00' + INTERVAL '" + i + "' DAY)");
            }
        }
        node = startNode(dir.resolve("node1"), null);
        admin = new ApiClient(node.port(), node.newAdminKey().orElseThrow());
        alice = admin.as(ALICE);
        bob = admin.as(BOB);
        store = JdbcJobStore.open(jobStoreUrl(dir), null, null, 2, Clock.systemUTC());
    }

    FreightNode startNode(Path dataDir, String publicUrl) throws IOException {
        Files.createDirectories(dataDir);
        String yaml = """
                data_dir: %s
                server:
                  session_ttl: 1h
                  signed_links:
                    key: ${env:LINK_KEY}
                %s
                job_store:
                  url: "%s"
                sources:
                  src:
                    url: "jdbc:h2:file:%s"
                    user: sa
                exports:
                  sync_max_rows: 10
                  heartbeat: 200ms
                api_keys:
                  - { name: alice, sha256: "%s", role: user }
                  - { name: bob, sha256: "%s", role: user }
                """.formatted(dataDir, publicUrl == null ? "" : "  public_url: " + publicUrl, jobStoreUrl(dir),
                dir.resolve("src"), ApiKeys.sha256Hex(ALICE), ApiKeys.sha256Hex(BOB));
        Path file = Files.writeString(dataDir.resolve("freight.yml"), yaml);
        // One key on every node: nodes of a PostgreSQL job store refuse to start without it.
        FreightConfig config = ConfigLoader.load(Optional.of(file), Map.of("LINK_KEY", "session-test-link-key-".repeat(2)));
        return FreightNode.start(config, false, "127.0.0.1", 0, clock);
    }

    @AfterAll
    void stop() {
        if (node != null) node.close();
        if (store != null) store.close();
        dropJobStore();
        if (dir != null) TestSources.deleteTree(dir);
    }

    // ---------------------------------------------------------------- a browser: cookie and CSRF token only

    final class Browser {
        final ApiClient http;
        final String cookie;
        final String csrf;
        final HttpResponse<byte[]> signIn;

        Browser(int port, String apiKey) {
            http = new ApiClient(port, null);
            signIn = http.post(SESSION, "{\"api_key\": \"" + apiKey + "\"}");
            assertThat(signIn.statusCode()).as(ApiClient.text(signIn)).isEqualTo(200);
            String setCookie = ApiClient.header(signIn, "Set-Cookie");
            cookie = setCookie.substring(0, setCookie.indexOf(';'));
            csrf = ApiClient.json(signIn).get("csrf_token").asText();
        }

        Browser(String apiKey) {
            this(node.port(), apiKey);
        }

        String cookieValue() {
            return cookie.substring(cookie.indexOf('=') + 1);
        }

        HttpResponse<byte[]> get(String path) {
            return http.get(path, "Cookie", cookie);
        }

        HttpResponse<byte[]> post(String path, String body, String csrfToken) {
            return csrfToken == null ? http.post(path, body, "Cookie", cookie)
                    : http.post(path, body, "Cookie", cookie, "X-CSRF-Token", csrfToken);
        }

        HttpResponse<byte[]> delete(String path, String csrfToken) {
            HttpRequest.Builder b = http.request(path).DELETE().header("Cookie", cookie);
            if (csrfToken != null) b.header("X-CSRF-Token", csrfToken);
            return http.send(b.build());
        }
    }

    static void assertProblem(HttpResponse<byte[]> r, int status, String code) {
        assertThat(ProblemCode.fromCode(code)).as(code + " is listed in ProblemCode").isPresent();
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(status);
        assertThat(ApiClient.header(r, "Content-Type")).startsWith("application/problem+json");
        assertThat(ApiClient.json(r).get("code").asText()).isEqualTo(code);
    }

    List<String> allJobIds() {
        HttpResponse<byte[]> r = admin.get(JOBS + "?limit=500");
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        ApiClient.json(r).get("jobs").forEach(j -> ids.add(j.get("id").asText()));
        return ids;
    }

    long auditEvents() {
        HttpResponse<byte[]> r = admin.get("/api/v1/audit?limit=500");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        return ApiClient.json(r).get("events").size();
    }

    static final String ASYNC_JOB = "{\"dataset\": \"items\", \"delivery\": \"async\"}";

    // ---------------------------------------------------------------- sign-in

    @Test
    void signInSetsAStrictHttpOnlyCookieAndStoresOnlyHashes() throws Exception {
        Browser b = new Browser(ALICE);
        String setCookie = ApiClient.header(b.signIn, "Set-Cookie");
        assertThat(setCookie).matches("freight_session=[A-Za-z0-9_-]{43}; .*")
                .contains("; Path=/", "; Max-Age=3600", "; HttpOnly", "; SameSite=Strict").doesNotContain("Secure");
        JsonNode body = ApiClient.json(b.signIn);
        assertThat(body.get("principal").asText()).isEqualTo("alice");
        assertThat(body.get("role").asText()).isEqualTo("user");
        assertThat(body.get("admin").asBoolean()).isFalse();
        assertThat(b.csrf).matches("[A-Za-z0-9_-]{43}");
        assertThat(Instant.parse(body.get("expires_at").asText()))
                .isCloseTo(Instant.now().plus(Duration.ofHours(1)), within(Duration.ofMinutes(1)));
        assertThat(ApiClient.header(b.signIn, "Cache-Control")).isEqualTo("no-store");

        try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM ui_session")) {
            List<String> rows = new ArrayList<>();
            boolean found = false;
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.append(rs.getString(i)).append('|');
                rows.add(row.toString());
                if (rs.getString("id_sha256").trim().equals(ApiKeys.sha256Hex(b.cookieValue()))) {
                    found = true;
                    assertThat(rs.getString("key_sha256").trim()).isEqualTo(ApiKeys.sha256Hex(ALICE));
                }
            }
            assertThat(found).isTrue();
            assertThat(String.join("\n", rows)).doesNotContain(b.cookieValue()).doesNotContain(ALICE);
        }
    }

    @Test
    void theAdminKeySignsInAsAdmin() {
        Browser b = new Browser(admin.as(null).request("/").build().uri().getPort(), adminKey());
        assertThat(ApiClient.json(b.signIn).get("admin").asBoolean()).isTrue();
        assertThat(ApiClient.json(b.get(SESSION)).get("principal").asText()).isEqualTo("admin");
    }

    String adminKey() {
        return admin.request("/").build().headers().firstValue("Authorization").orElseThrow().substring(7);
    }

    @Test
    void aBadKeyIs401AndSetsNoCookie() {
        ApiClient anonymous = admin.as(null);
        HttpResponse<byte[]> r = anonymous.post(SESSION, "{\"api_key\": \"frt_nope\"}");
        assertProblem(r, 401, "unauthorized");
        assertThat(ApiClient.header(r, "Set-Cookie")).isNull();
        assertProblem(anonymous.post(SESSION, "{\"api_key\": 42}"), 400, "invalid_type");
        assertProblem(anonymous.post(SESSION, "{\"key\": \"" + ALICE + "\"}"), 400, "unknown_field");
        assertProblem(anonymous.post(SESSION, "not json"), 400, "malformed_json");
        HttpResponse<byte[]> form = anonymous.send(anonymous.request(SESSION).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"api_key\": \"" + ALICE + "\"}")).build());
        assertProblem(form, 415, "unsupported_media_type");
        assertThat(ApiClient.header(form, "Set-Cookie")).isNull();
        assertProblem(anonymous.post(SESSION, "{\"api_key\": \"" + "x".repeat(2 << 20) + "\"}"), 413,
                "payload_too_large");
    }

    // ---------------------------------------------------------------- the cookie as credentials

    @Test
    void theCookieAuthenticatesReads() {
        Browser b = new Browser(ALICE);
        HttpResponse<byte[]> r = b.get(JOBS);
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        assertThat(b.get("/api/v1/export/tables").statusCode()).isEqualTo(200);
        JsonNode session = ApiClient.json(b.get(SESSION));
        assertThat(session.get("principal").asText()).isEqualTo("alice");
        assertThat(session.get("csrf_token").asText()).isEqualTo(b.csrf);
    }

    @Test
    void writesWithTheCookieNeedTheCsrfToken() {
        Browser b = new Browser(ALICE);
        List<String> before = allJobIds();
        assertProblem(b.post(JOBS, ASYNC_JOB, null), 403, "csrf_failed");
        assertProblem(b.post(JOBS, ASYNC_JOB, "wrong"), 403, "csrf_failed");
        assertProblem(b.post(JOBS, ASYNC_JOB, b.csrf + "x"), 403, "csrf_failed");
        assertProblem(b.post(JOBS, ASYNC_JOB, new Browser(ALICE).csrf), 403, "csrf_failed");
        assertThat(allJobIds()).isEqualTo(before);

        HttpResponse<byte[]> created = b.post(JOBS, ASYNC_JOB, b.csrf);
        assertThat(created.statusCode()).as(ApiClient.text(created)).isEqualTo(202);
        JsonNode job = ApiClient.json(created);
        assertThat(job.get("owner").asText()).isEqualTo("alice");
        assertThat(allJobIds()).contains(job.get("id").asText());
        assertProblem(b.delete(JOBS + "/" + job.get("id").asText(), null), 403, "csrf_failed");
        assertThat(b.delete(JOBS + "/" + job.get("id").asText(), b.csrf).statusCode()).isEqualTo(204);
    }

    @Test
    void theAuthorizationHeaderWinsOverTheCookie() {
        Browser aliceSession = new Browser(ALICE);
        HttpResponse<byte[]> r = bob.post(JOBS, ASYNC_JOB, "Cookie", aliceSession.cookie);
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        assertThat(ApiClient.json(r).get("owner").asText()).isEqualTo("bob");
        assertProblem(admin.as("frt_wrong").get(JOBS, "Cookie", aliceSession.cookie), 401, "unauthorized");
    }

    @Test
    void downloadsAndEventsWorkWithTheCookieAlone() {
        Browser b = new Browser(ALICE);
        String id = ApiClient.json(b.post(JOBS, ASYNC_JOB, b.csrf)).get("id").asText();
        HttpResponse<byte[]> events = b.get(JOBS + "/" + id + "/events");
        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(events, "Content-Type")).startsWith("text/event-stream");
        assertThat(ApiClient.text(events)).contains("event: status").contains("\"completed\"");
        HttpResponse<byte[]> file = b.get(JOBS + "/" + id + "/download");
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(ApiClient.text(file)).startsWith("id,name,created_at").contains("item 40");
    }

    @Test
    void aSessionSeesOnlyItsOwnersJobs() {
        String bobsJob = ApiClient.json(bob.post(JOBS, ASYNC_JOB)).get("id").asText();
        Browser b = new Browser(ALICE);
        assertProblem(b.get(JOBS + "/" + bobsJob), 404, "not_found");
        assertProblem(b.get(JOBS + "/" + bobsJob + "/download"), 404, "not_found");
        assertProblem(b.post(JOBS + "/" + bobsJob + "/cancel", "", b.csrf), 404, "not_found");
        assertProblem(b.delete(JOBS + "/" + bobsJob, b.csrf), 404, "not_found");
        ApiClient.json(b.get(JOBS + "?limit=500")).get("jobs")
                .forEach(j -> assertThat(j.get("owner").asText()).isEqualTo("alice"));
        assertThat(bob.get(JOBS + "/" + bobsJob).statusCode()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- the end of a session

    @Test
    void signOutEndsTheSession() {
        Browser b = new Browser(ALICE);
        assertProblem(b.delete(SESSION, null), 403, "csrf_failed");
        assertThat(b.get(JOBS).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> out = b.delete(SESSION, b.csrf);
        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(ApiClient.header(out, "Set-Cookie")).startsWith("freight_session=;").contains("Max-Age=0");
        assertProblem(b.get(JOBS), 401, "unauthorized");
        assertProblem(b.get(SESSION), 401, "unauthorized");
        assertProblem(b.post(JOBS, ASYNC_JOB, b.csrf), 401, "unauthorized");
    }

    @Test
    void anExpiredSessionIs401AndIsDeleted() throws Exception {
        Browser b = new Browser(ALICE);
        String id = ApiKeys.sha256Hex(b.cookieValue());
        try (Connection c = store.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE ui_session SET expires_at = ? WHERE id_sha256 = ?")) {
            s.setObject(1, OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1));
            s.setString(2, id);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
        assertProblem(b.get(JOBS), 401, "unauthorized");
        try (Connection c = store.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT COUNT(*) FROM ui_session WHERE id_sha256 = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }

    @Test
    void anUnknownCookieIs401() {
        ApiClient anonymous = admin.as(null);
        assertProblem(anonymous.get(JOBS, "Cookie", "freight_session=" + "A".repeat(43)), 401, "unauthorized");
        assertProblem(anonymous.get(JOBS, "Cookie", "freight_session=' OR 1=1 --"), 401, "unauthorized");
        assertProblem(anonymous.get(SESSION), 401, "unauthorized");
    }

    @Test
    void revokingTheKeyEndsItsSessions() throws Exception {
        StoredApiKeys keys = new StoredApiKeys(store.dataSource());
        String key = ApiKeys.newKey();
        keys.create(Principal.user("carol"), ApiKeys.sha256Hex(key));
        Browser b = new Browser(key);
        assertThat(ApiClient.json(b.signIn).get("principal").asText()).isEqualTo("carol");
        assertThat(b.get(JOBS).statusCode()).isEqualTo(200);

        assertThat(keys.revoke("carol")).isEqualTo(1);
        clock.advance(ApiKeys.CACHE_TTL);
        assertProblem(b.get(JOBS), 401, "unauthorized");
        assertProblem(admin.as(null).post(SESSION, "{\"api_key\": \"" + key + "\"}"), 401, "unauthorized");
    }

    @Test
    void aLinkMadeInABrowserSessionEndsWhenTheSessionsKeyIsRevoked() throws Exception {
        StoredApiKeys keys = new StoredApiKeys(store.dataSource());
        String key = ApiKeys.newKey();
        keys.create(Principal.user("dora"), ApiKeys.sha256Hex(key));
        Browser b = new Browser(key);
        String id = ApiClient.json(b.post(JOBS, ASYNC_JOB, b.csrf)).get("id").asText();
        assertThat(ApiClient.text(b.get(JOBS + "/" + id + "/events"))).contains("\"completed\"");
        HttpResponse<byte[]> created = b.post(JOBS + "/" + id + "/link", "", b.csrf);
        assertThat(created.statusCode()).as(ApiClient.text(created)).isEqualTo(201);
        String url = ApiClient.json(created).get("url").asText();

        assertThat(keys.revoke("dora")).isEqualTo(1);

        clock.advance(ApiKeys.CACHE_TTL);
        assertProblem(admin.as(null).get(url), 403, "link_revoked");
    }

    @Test
    void anyNodeOnTheJobStoreAcceptsTheSessionAndHttpsMakesTheCookieSecure() throws Exception {
        Browser b = new Browser(ALICE);
        try (FreightNode second = startNode(dir.resolve("node2"), "https://freight.example.com")) {
            HttpResponse<byte[]> r = new ApiClient(second.port(), null).get(JOBS, "Cookie", b.cookie);
            assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
            Browser there = new Browser(second.port(), ALICE);
            assertThat(ApiClient.header(there.signIn, "Set-Cookie")).endsWith("; Secure");
        }
    }

    /** The README promised that every node accepts a session; each node once made its own admin key instead. */
    @Test
    void aSecondNodeOnTheJobStoreSharesTheAdminKeyAndAcceptsTheAdminsSession() throws Exception {
        Browser b = new Browser(adminKey());
        try (FreightNode second = startNode(dir.resolve("node3"), null)) {
            assertThat(second.newAdminKey()).as("a second node prints no key of its own").isEmpty();

            HttpResponse<byte[]> byKey = new ApiClient(second.port(), adminKey()).get("/api/v1/audit?limit=1");
            assertThat(byKey.statusCode()).as(ApiClient.text(byKey)).isEqualTo(200);
            HttpResponse<byte[]> bySession = new ApiClient(second.port(), null).get(SESSION, "Cookie", b.cookie);
            assertThat(bySession.statusCode()).as(ApiClient.text(bySession)).isEqualTo(200);
            assertThat(ApiClient.json(bySession).get("principal").asText()).isEqualTo("admin");
            assertThat(ApiClient.json(bySession).get("admin").asBoolean()).isTrue();
            assertThat(new ApiClient(second.port(), null).get("/api/v1/audit?limit=1", "Cookie", b.cookie)
                    .statusCode()).isEqualTo(200);
        }
    }

    // ---------------------------------------------------------------- the UI's files

    @Test
    void theUiIsServedWithoutCredentialsAndWithItsSecurityHeaders() {
        ApiClient anonymous = admin.as(null);
        HttpResponse<byte[]> page = anonymous.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(page, "Content-Type")).startsWith("text/html");
        assertThat(ApiClient.text(page)).containsIgnoringCase("<html");
        assertThat(ApiClient.header(page, "Content-Security-Policy")).isEqualTo(CSP);
        assertThat(ApiClient.header(page, "X-Frame-Options")).isEqualTo("DENY");
        assertThat(ApiClient.header(page, "Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(ApiClient.header(page, "Cache-Control")).isEqualTo("no-cache");

        HttpResponse<byte[]> asset = anonymous.get("/ui/index.html");
        assertThat(asset.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(asset, "Content-Type")).startsWith("text/html");
        assertThat(ApiClient.header(asset, "Content-Security-Policy")).isEqualTo(CSP);
        assertThat(ApiClient.header(asset, "Cache-Control")).isEqualTo("no-cache");

        assertProblem(anonymous.get("/ui/missing.js"), 404, "not_found");
        assertThat(anonymous.get("/ui/../freight.yml").statusCode()).isIn(400, 404);
        HttpResponse<byte[]> api = anonymous.get(JOBS);
        assertProblem(api, 401, "unauthorized");
        assertThat(ApiClient.header(api, "Content-Security-Policy")).isEqualTo(CSP);
        assertProblem(anonymous.get("/elsewhere"), 401, "unauthorized");
        assertProblem(anonymous.post("/", "{}"), 401, "unauthorized");
    }

    // ---------------------------------------------------------------- the row estimate

    @Test
    void theEstimateCountsRowsAndCreatesNothing() {
        List<String> jobs = allJobIds();
        long audit = auditEvents();

        JsonNode all = ApiClient.json(alice.post(ESTIMATE, "{\"dataset\": \"items\"}"));
        assertThat(all.get("estimated_rows").asLong()).isEqualTo(40);
        assertThat(all.get("delivery").asText()).isEqualTo("async");
        assertThat(all.get("format").asText()).isEqualTo("csv");
        JsonNode few = ApiClient.json(alice.post(ESTIMATE, "{\"dataset\": \"items\", \"format\": \"xlsx\", "
                + "\"filters\": [{\"column\": \"id\", \"op\": \"lte\", \"value\": 5}]}"));
        assertThat(few.get("estimated_rows").asLong()).isEqualTo(5);
        assertThat(few.get("delivery").asText()).isEqualTo("sync");
        assertThat(few.get("format").asText()).isEqualTo("xlsx");
        JsonNode forced = ApiClient.json(alice.post(ESTIMATE, "{\"dataset\": \"items\", \"row_limit\": 3, "
                + "\"delivery\": \"async\"}"));
        assertThat(forced.get("estimated_rows").asLong()).isEqualTo(3);
        assertThat(forced.get("delivery").asText()).isEqualTo("async");

        HttpResponse<byte[]> bad = alice.post(ESTIMATE, "{\"dataset\": \"items\", \"filters\": [{\"column\": "
                + "\"id\", \"op\": \"eq\", \"value\": 1}, {\"column\": \"nope\", \"op\": \"eq\", \"value\": 1}]}");
        assertProblem(bad, 400, "unknown_column");
        assertThat(ApiClient.json(bad).get("field").asText()).startsWith("filters[1]");
        assertProblem(alice.post(ESTIMATE, "{\"dataset\": \"items\", \"filters\": [{\"column\": \"id\", "
                + "\"op\": \"eq\", \"value\": \"abc\"}]}"), 400, ApiClient.json(alice.post(JOBS, "{\"dataset\": "
                + "\"items\", \"filters\": [{\"column\": \"id\", \"op\": \"eq\", \"value\": \"abc\"}]}")).get("code")
                .asText());
        assertProblem(alice.post(ESTIMATE, "{\"dataset\": \"nothing\"}"), 400, "unknown_dataset");

        Browser b = new Browser(ALICE);
        assertProblem(b.post(ESTIMATE, "{\"dataset\": \"items\"}", null), 403, "csrf_failed");
        assertThat(ApiClient.json(b.post(ESTIMATE, "{\"dataset\": \"items\"}", b.csrf)).get("estimated_rows")
                .asLong()).isEqualTo(40);

        assertThat(allJobIds()).isEqualTo(jobs);
        // The one refused create above (to learn its code) is the only audit event.
        assertThat(auditEvents()).isEqualTo(audit + 1);
    }
}
