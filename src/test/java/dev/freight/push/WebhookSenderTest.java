package dev.freight.push;

import com.sun.net.httpserver.HttpServer;
import dev.freight.config.DeliveryConfig;
import dev.freight.config.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook sender against a real HTTP receiver on this machine's loopback, which is a private address. */
class WebhookSenderTest {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    HttpServer receiver;
    int port;
    final List<String> calls = new CopyOnWriteArrayList<>();

    @BeforeEach
    void receive() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            calls.add(exchange.getRequestURI().getPath());
            if (exchange.getRequestURI().getPath().equals("/redirect")) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + port + "/target");
                exchange.sendResponseHeaders(302, -1);
            } else {
                exchange.sendResponseHeaders(200, -1);
            }
            exchange.close();
        });
        receiver.start();
        port = receiver.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    static WebhookSender sender(boolean allowPrivate) {
        return new WebhookSender(new DeliveryConfig.Webhooks(List.of("localhost", "127.0.0.1"), Optional.of(new Secret(SECRET)),
                allowPrivate, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofHours(24), Duration.ofSeconds(5)));
    }

    static byte[] body() {
        return "{\"type\": \"export.completed\"}".getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theSignatureIsTheStandardWebhooksTestVectors() {
        assertThat(WebhookSender.signature(WebhookSender.key(SECRET), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void aNameThatResolvesToAPrivateAddressIsRefusedWhenSentAndNothingIsCalled() {
        try (WebhookSender sender = sender(false)) {
            WebhookSender.Outcome outcome = sender.send("http://localhost:" + port + "/hook", "id-1", 1, body());
            assertThat(outcome.delivered()).isFalse();
            assertThat(outcome.permanent()).isTrue();
            assertThat(outcome.error()).startsWith("refused: localhost resolves to ").contains("a private, loopback or "
                    + "link-local address");
            assertThat(sender.send("http://127.0.0.1:" + port + "/hook", "id-2", 1, body()).permanent()).isTrue();
        }
        assertThat(calls).isEmpty();
    }

    @Test
    void withPrivateAddressesAllowedTheSameWebhookIsDelivered() {
        try (WebhookSender sender = sender(true)) {
            WebhookSender.Outcome outcome = sender.send("http://localhost:" + port + "/hook", "id-1", 1, body());
            assertThat(outcome.delivered()).isTrue();
            assertThat(outcome.status()).isEqualTo(200);
        }
        assertThat(calls).containsExactly("/hook");
    }

    @Test
    void aRedirectIsNotFollowed() {
        try (WebhookSender sender = sender(true)) {
            WebhookSender.Outcome outcome = sender.send("http://127.0.0.1:" + port + "/redirect", "id-1", 1, body());
            assertThat(outcome.delivered()).isFalse();
            assertThat(outcome.status()).isEqualTo(302);
            assertThat(outcome.permanent()).as("retried: the receiver may answer otherwise later").isFalse();
        }
        assertThat(calls).containsExactly("/redirect");
    }

    @Test
    void aHostTakenOffTheAllowListIsRefused() {
        try (WebhookSender sender = sender(true)) {
            WebhookSender.Outcome outcome = sender.send("http://127.0.0.2:" + port + "/hook", "id-1", 1, body());
            assertThat(outcome.permanent()).isTrue();
            assertThat(outcome.error()).isEqualTo("refused: host 127.0.0.2 is no longer in webhooks.allowed_hosts");
        }
        assertThat(calls).isEmpty();
    }

    @Test
    void eachEndpointIsSignedWithItsOwnSecretAndOthersWithTheSharedOne() throws Exception {
        String teamSecret = "whsec_" + java.util.Base64.getEncoder().encodeToString("team-a-key-of-32-bytes-........".getBytes(StandardCharsets.UTF_8));
        java.util.Map<String, String> signatures = new java.util.concurrent.ConcurrentHashMap<>();
        HttpServer signed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        signed.createContext("/", exchange -> {
            signatures.put(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("webhook-signature"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        signed.start();
        String base = "http://127.0.0.1:" + signed.getAddress().getPort();
        DeliveryConfig.Webhooks config = new DeliveryConfig.Webhooks(List.of("127.0.0.1"), Optional.of(new Secret(SECRET)),
                true, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofHours(24), Duration.ofSeconds(5),
                java.util.Map.of(base + "/team-a/", new Secret(teamSecret)));
        try (WebhookSender sender = new WebhookSender(config)) {
            assertThat(sender.send(base + "/team-a/hook", "msg_1", 1700000000, body()).delivered()).isTrue();
            assertThat(sender.send(base + "/team-b/hook", "msg_2", 1700000000, body()).delivered()).isTrue();
        } finally {
            signed.stop(0);
        }
        assertThat(signatures.get("/team-a/hook")).isEqualTo(hmac("team-a-key-of-32-bytes-........".getBytes(StandardCharsets.UTF_8), "msg_1"));
        assertThat(signatures.get("/team-b/hook")).isEqualTo(hmac(java.util.Base64.getDecoder().decode(SECRET.substring(6)), "msg_2"));
    }

    /** Standard Webhooks' signature, computed here rather than by the sender's code. */
    static String hmac(byte[] key, String id) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        byte[] signed = (id + ".1700000000." + new String(body(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        return "v1," + java.util.Base64.getEncoder().encodeToString(mac.doFinal(signed));
    }
}
