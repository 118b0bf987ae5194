package dev.freight.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.auth.AdminKey;
import dev.freight.auth.ApiKeys;
import dev.freight.auth.LinkSigner;
import dev.freight.auth.Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static dev.freight.http.LimitsHttpTest.assertProblem;
import static dev.freight.http.SecuredServer.JOBS;
import static dev.freight.http.SecuredServer.awaitStatus;
import static dev.freight.http.SecuredServer.submit;
import static org.assertj.core.api.Assertions.assertThat;

/** Signed download links over real HTTP: issued to the owner (or an admin), usable without a header until expiry. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignedLinksHttpTest {
    private static final String PUBLIC_URL = "https://freight.example.com";

    SecuredServer s;
    ApiClient alice;
    String done;
    String doneToo;
    byte[] file;

    @BeforeAll
    void start() {
        s = new SecuredServer("""
                server:
                  signed_links:
                    key: ${env:LINK_KEY}
                    previous_keys: ["${env:OLD_LINK_KEY}"]
                    default_ttl: 5m
                    max_ttl: 1h
                """, SecuredServer.defaults().withPublicUrl(PUBLIC_URL));
        alice = s.client("alice");
        done = awaitStatus(alice, submit(alice, "{\"dataset\": \"demo.orders\", \"row_limit\": 300, \"delivery\": \"async\"}")
                .get("id").asText(), "completed").get("id").asText();
        doneToo = awaitStatus(alice, submit(alice, "{\"dataset\": \"demo.orders\", \"row_limit\": 7, \"delivery\": \"async\"}")
                .get("id").asText(), "completed").get("id").asText();
        HttpResponse<byte[]> r = alice.get(JOBS + "/" + done + "/download");
        assertThat(r.statusCode()).isEqualTo(200);
        file = r.body();
    }

    @AfterAll
    void stop() {
        if (s != null) s.close();
    }

    private JsonNode link(ApiClient c, String id, String body) {
        HttpResponse<byte[]> r = c.post(JOBS + "/" + id + "/link", body);
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(201);
        return ApiClient.json(r);
    }

    /** The path and query of a link's absolute URL. */
    private static String path(JsonNode link) {
        String url = link.get("url").asText();
        assertThat(url).startsWith(PUBLIC_URL + "/api/v1/");
        return url.substring(PUBLIC_URL.length());
    }

    private static String token(JsonNode link) {
        String url = link.get("url").asText();
        return url.substring(url.indexOf("?token=") + 7);
    }

    @Test
    void aLinkDownloadsTheFileWithoutAnAuthorizationHeader() {
        JsonNode link = link(alice, done, "");

        assertThat(link.get("url").asText()).startsWith(PUBLIC_URL + JOBS + "/" + done + "/download?token=");
        assertThat(Instant.parse(link.get("expires_at").asText())).isEqualTo(s.clock.instant().plus(Duration.ofMinutes(5)));
        HttpResponse<byte[]> r = s.anonymous().get(path(link));
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        assertThat(r.body()).isEqualTo(file);
        assertThat(ApiClient.header(r, "Content-Disposition")).startsWith("attachment");
    }

    @Test
    void rangesAndEtagsWorkThroughALink() {
        String path = path(link(alice, done, ""));

        HttpResponse<byte[]> part = s.anonymous().get(path, "Range", "bytes=0-9");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOf(file, 10));
        String etag = ApiClient.header(part, "ETag");
        assertThat(s.anonymous().get(path, "If-None-Match", etag).statusCode()).isEqualTo(304);
        HttpResponse<byte[]> head = s.anonymous().send(s.anonymous().request(path)
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(head, "Content-Length")).isEqualTo(String.valueOf(file.length));
    }

    @Test
    void aLinkAnswers410OnceExpired() {
        JsonNode link = link(alice, done, "{\"expires_in\": 60}");
        assertThat(Instant.parse(link.get("expires_at").asText())).isEqualTo(s.clock.instant().plusSeconds(60));
        assertThat(s.anonymous().get(path(link)).statusCode()).isEqualTo(200);

        s.clock.advance(Duration.ofSeconds(60));

        HttpResponse<byte[]> r = s.anonymous().get(path(link));
        assertProblem(r, 410, "link_expired");
        assertThat(ApiClient.json(r).get("detail").asText()).contains("/link");
    }

    @Test
    void aTamperedTokenIs403() {
        String token = token(link(alice, done, ""));
        String payload = token.substring(0, token.indexOf('.'));
        String mac = token.substring(token.indexOf('.') + 1);
        String decoded = new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8);
        String longer = decoded.substring(0, decoded.lastIndexOf('\n') + 1)
                + (Long.parseLong(decoded.substring(decoded.lastIndexOf('\n') + 1)) + 86_400);
        String otherPrincipal = decoded.replace("\nalice\n", "\nmallory\n");
        List<String> forged = List.of(
                Base64.getUrlEncoder().withoutPadding().encodeToString(longer.getBytes(StandardCharsets.UTF_8)) + "." + mac,
                Base64.getUrlEncoder().withoutPadding().encodeToString(otherPrincipal.getBytes(StandardCharsets.UTF_8)) + "." + mac,
                payload + "." + flip(mac),
                flip(payload) + "." + mac,
                payload,
                payload + "." + mac + ".x",
                "not-a-token",
                "");
        for (String t : forged) {
            HttpResponse<byte[]> r = s.anonymous().get(JOBS + "/" + done + "/download?token=" + t);
            assertProblem(r, 403, "invalid_link");
            assertThat(ApiClient.text(r)).doesNotContain(new String(file, StandardCharsets.UTF_8).lines().findFirst().orElseThrow());
        }
    }

    private static String flip(String s) {
        char c = s.charAt(s.length() / 2);
        return s.substring(0, s.length() / 2) + (c == 'A' ? 'B' : 'A') + s.substring(s.length() / 2 + 1);
    }

    @Test
    void aTokenForOneJobDoesNotOpenAnother() {
        String token = token(link(alice, done, ""));

        assertProblem(s.anonymous().get(JOBS + "/" + doneToo + "/download?token=" + token), 403, "invalid_link");
    }

    @Test
    void aLinkOpensOnlyTheDownload() {
        String token = token(link(alice, done, ""));

        assertThat(s.anonymous().get(JOBS + "/" + done + "?token=" + token).statusCode()).isEqualTo(401);
        assertThat(s.anonymous().get(JOBS + "?token=" + token).statusCode()).isEqualTo(401);
        assertThat(s.anonymous().delete(JOBS + "/" + done + "/download?token=" + token).statusCode()).isIn(401, 405);
        assertThat(s.anonymous().get(JOBS + "/" + done + "/download").statusCode()).isEqualTo(401);
    }

    @Test
    void aLinkToADeletedJobIs410() {
        String id = awaitStatus(alice, submit(alice, "{\"dataset\": \"demo.orders\", \"row_limit\": 3, \"delivery\": "
                + "\"async\"}").get("id").asText(), "completed").get("id").asText();
        String path = path(link(alice, id, ""));
        assertThat(alice.delete(JOBS + "/" + id).statusCode()).isEqualTo(204);

        assertProblem(s.anonymous().get(path), 410, "deleted");
    }

    @Test
    void othersCannotCreateALinkToAJobButAnAdminCan() {
        HttpResponse<byte[]> r = s.client("bob").post(JOBS + "/" + done + "/link", "");
        assertProblem(r, 404, "not_found");

        JsonNode link = link(s.admin(), done, "{\"expires_in\": 30}");
        assertThat(s.anonymous().get(path(link)).statusCode()).isEqualTo(200);
    }

    @Test
    void expiresInMustBeWithinMaxTtl() {
        for (String body : List.of("{\"expires_in\": 0}", "{\"expires_in\": 3601}", "{\"expires_in\": \"60\"}",
                "{\"expires_in\": 1.5}", "{\"expires_in\": -5}")) {
            HttpResponse<byte[]> r = alice.post(JOBS + "/" + done + "/link", body);
            assertProblem(r, 400, "invalid_expires_in");
            assertThat(ApiClient.json(r).get("field").asText()).isEqualTo("expires_in");
        }
        assertProblem(alice.post(JOBS + "/" + done + "/link", "{\"ttl\": 5}"), 400, "unknown_field");
        assertProblem(alice.post(JOBS + "/" + done + "/link", "{nope"), 400, "malformed_json");
        assertThat(link(alice, done, "{\"expires_in\": 3600}").get("expires_at").asText())
                .isEqualTo(s.clock.instant().plusSeconds(3600).toString());
    }

    @Test
    void aJobThatIsNotCompletedHasNoLink() {
        String running = submit(alice, "{\"dataset\": \"pg.big\", \"delivery\": \"async\"}").get("id").asText();
        try {
            HttpResponse<byte[]> r = alice.post(JOBS + "/" + running + "/link", "");
            assertProblem(r, 409, "not_ready");
        } finally {
            alice.post(JOBS + "/" + running + "/cancel", "");
        }
        awaitStatus(alice, running, "cancelled");
        assertProblem(alice.post(JOBS + "/" + running + "/link", ""), 409, "not_ready");
    }

    @Test
    void linksSignedWithThePreviousKeyStillWork() {
        LinkSigner old = new LinkSigner(List.of("o".repeat(40).getBytes(StandardCharsets.UTF_8)), Duration.ofMinutes(5),
                Duration.ofHours(1), s.clock);
        LinkSigner.Link link = old.sign(done, "alice", ALICES_KEY, Duration.ofMinutes(5));

        HttpResponse<byte[]> r = s.anonymous().get(JOBS + "/" + done + "/download?token=" + link.token());
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);

        LinkSigner stranger = new LinkSigner(List.of("s".repeat(40).getBytes(StandardCharsets.UTF_8)),
                Duration.ofMinutes(5), Duration.ofHours(1), s.clock);
        assertProblem(s.anonymous().get(JOBS + "/" + done + "/download?token="
                + stranger.sign(done, "alice", ALICES_KEY, Duration.ofMinutes(5)).token()), 403, "invalid_link");
    }

    /** The fingerprint of alice's API key, which her links name. */
    private static final String ALICES_KEY = ApiKeys.fingerprint(ApiKeys.sha256Hex("key-alice"));

    // ---------------------------------------------------------------- links end with the key that made them

    private String completedJob(ApiClient c) {
        return awaitStatus(c, submit(c, "{\"dataset\": \"demo.orders\", \"row_limit\": 4, \"delivery\": \"async\"}")
                .get("id").asText(), "completed").get("id").asText();
    }

    @Test
    void aLinkStopsWorkingWithinTheCacheTimeOnceTheKeyThatMadeItIsRevoked() {
        ApiClient sven = s.storedClient(Principal.user("sven"));
        String path = path(link(sven, completedJob(sven), ""));
        assertThat(s.anonymous().get(path).statusCode()).isEqualTo(200);

        assertThat(s.storedKeys.revoke("sven")).isEqualTo(1);
        s.clock.advance(ApiKeys.CACHE_TTL);

        HttpResponse<byte[]> r = s.anonymous().get(path);
        assertProblem(r, 403, "link_revoked");
        assertThat(ApiClient.json(r).get("detail").asText()).contains("revoked").contains("/link");
        assertThat(ApiClient.text(r)).doesNotContain(new String(file, StandardCharsets.UTF_8).lines().findFirst().orElseThrow());
    }

    @Test
    void aLinkNamesTheKeyThatMadeItNotItsPrincipal() {
        String old = ApiKeys.newKey();
        String oldKeyId = s.storedKeys.create(Principal.user("tess"), ApiKeys.sha256Hex(old)).id();
        ApiClient oldKey = new ApiClient(s.server.port(), old);
        ApiClient newKey = s.storedClient(Principal.user("tess"));
        String job = completedJob(oldKey);
        String byOldKey = path(link(oldKey, job, ""));
        String byNewKey = path(link(newKey, job, ""));

        assertThat(s.storedKeys.revoke(oldKeyId)).isEqualTo(1);
        s.clock.advance(ApiKeys.CACHE_TTL);

        assertProblem(s.anonymous().get(byOldKey), 403, "link_revoked");
        HttpResponse<byte[]> r = s.anonymous().get(byNewKey);
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
    }

    @Test
    void aLinkOfTheAdminKeyEndsWhenTheAdminKeyIsRotated() {
        try (SecuredServer own = new SecuredServer("", SecuredServer.defaults())) {
            ApiClient carol = own.client("carol");
            String id = awaitStatus(carol, submit(carol, "{\"dataset\": \"demo.orders\", \"row_limit\": 3, "
                    + "\"delivery\": \"async\"}").get("id").asText(), "completed").get("id").asText();
            HttpResponse<byte[]> created = own.admin().post(JOBS + "/" + id + "/link", "");
            assertThat(created.statusCode()).as(ApiClient.text(created)).isEqualTo(201);
            String url = ApiClient.json(created).get("url").asText();
            assertThat(own.anonymous().get(url).statusCode()).isEqualTo(200);

            AdminKey.rotate(own.store.dataSource(), own.clock);
            own.clock.advance(ApiKeys.CACHE_TTL);

            assertProblem(own.anonymous().get(url), 403, "link_revoked");
        }
    }

    /** Version 1 tokens named no key: accepted, a revoked key's links would work until they expire. */
    @Test
    void aGenuineLinkOfTheEarlierFormatIsRefusedAsInvalid() throws Exception {
        String payload = "v1\n" + done + "\nalice\n" + s.clock.instant().plusSeconds(300).getEpochSecond();
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("k".repeat(40).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String token = b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));

        HttpResponse<byte[]> r = s.anonymous().get(JOBS + "/" + done + "/download?token=" + token);

        assertProblem(r, 403, "invalid_link");
        assertThat(ApiClient.json(r).get("detail").asText()).contains("earlier version").contains("/link");
    }

    @Test
    void withoutPublicUrlTheLinkIsAPath() {
        try (SecuredServer plain = new SecuredServer("", SecuredServer.defaults())) {
            ApiClient carol = plain.client("carol");
            String id = awaitStatus(carol, submit(carol, "{\"dataset\": \"demo.orders\", \"row_limit\": 3, "
                    + "\"delivery\": \"async\"}").get("id").asText(), "completed").get("id").asText();
            HttpResponse<byte[]> r = carol.post(JOBS + "/" + id + "/link", "");
            assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(201);
            String url = ApiClient.json(r).get("url").asText();

            assertThat(url).startsWith(JOBS + "/" + id + "/download?token=");
            assertThat(plain.anonymous().get(url).statusCode()).isEqualTo(200);
            // No key configured: the node generated its own, readable by its owner only.
            java.nio.file.Path keyFile = plain.config.dataDir().resolve(LinkSigner.KEY_FILE);
            assertThat(keyFile).exists();
        }
    }
}
