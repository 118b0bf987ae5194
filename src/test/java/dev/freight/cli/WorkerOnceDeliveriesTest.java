package dev.freight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.freight.auth.Principal;
import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
import dev.freight.delivery.DeliveryPlan;
import dev.freight.delivery.DeliveryRecord;
import dev.freight.delivery.DeliveryTarget;
import dev.freight.job.Job;
import dev.freight.job.JobStore;
import dev.freight.query.ExportRequest;
import dev.freight.testing.ForkedNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code freight worker --once}, run as a process the way cron would, sends the deliveries due after running the
 * jobs (theirs included) to a real webhook receiver: one attempt each, a failed one left queued for the next run.
 */
class WorkerOnceDeliveriesTest {
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "a webhook secret of 32 bytes!!!!".getBytes(StandardCharsets.UTF_8));
    static final Map<String, String> ENV = Map.of("WEBHOOK_SECRET", SECRET);

    @TempDir
    static Path dir;
    static Path config;
    static HttpServer receiver;
    static String hooks;
    static final List<Received> received = new CopyOnWriteArrayList<>();
    static final AtomicInteger flakyCalls = new AtomicInteger();

    record Received(String path, String id, String timestamp, String signature, byte[] body) {
    }

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            var h = exchange.getRequestHeaders();
            received.add(new Received(path, h.getFirst("webhook-id"), h.getFirst("webhook-timestamp"),
                    h.getFirst("webhook-signature"), body));
            // /flaky is down at its first call, as a receiver restarting.
            int status = path.equals("/flaky") && flakyCalls.incrementAndGet() == 1 ? 500 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        hooks = "http://127.0.0.1:" + receiver.getAddress().getPort();
        String source = "jdbc:h2:file:" + dir.resolve("src");
        try (Connection c = DriverManager.getConnection(source, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items AS SELECT x AS id, 'item ' || x AS name FROM SYSTEM_RANGE(1, 20)");
        }
        config = Files.writeString(dir.resolve("freight.yml"), """
                data_dir: %s
                server:
                  public_url: http://freight.example.com
                job_store:
                  url: jdbc:h2:file:%s
                storage:
                  path: %s
                sources:
                  src:
                    url: "%s"
                    user: sa
                webhooks:
                  allowed_hosts: [127.0.0.1]
                  secret: ${env:WEBHOOK_SECRET}
                  allow_private_addresses: true
                  retry_initial_delay: 1s
                """.formatted(dir.resolve("data"), dir.resolve("jobs"), dir.resolve("exports"), source));
    }

    @AfterAll
    static void stop() {
        if (receiver != null) receiver.stop(0);
    }

    static FreightConfig load() {
        return ConfigLoader.load(Optional.of(config), ENV);
    }

    static Job submit(String hookPath) {
        try (FreightRuntime runtime = FreightRuntime.full(load(), false, false)) {
            Principal owner = Principal.user("cron");
            return runtime.service.submit(owner, null, runtime.exports.prepare(ExportRequest.of("items", "csv"), owner),
                    JobStore.Admission.UNLIMITED, new DeliveryPlan(List.of(new DeliveryTarget.Webhook(hooks + hookPath)),
                            null), null).job();
        }
    }

    static DeliveryRecord delivery(String jobId) {
        try (FreightRuntime runtime = FreightRuntime.storesOnly(load())) {
            List<DeliveryRecord> log = runtime.store.deliveryLog(jobId);
            assertThat(log).hasSize(1);
            return log.get(0);
        }
    }

    static String workerOnce() throws Exception {
        try (ForkedNode worker = ForkedNode.start(ENV, "worker", "--once", "--config", config.toString())) {
            assertThat(worker.awaitExit(Duration.ofMinutes(2))).as(worker.output()).isZero();
            return worker.output();
        }
    }

    /** Standard Webhooks verification, written from the specification rather than from Freight's code. */
    static boolean signatureValid(Received r) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(SECRET.substring("whsec_".length())), "HmacSHA256"));
        byte[] signed = (r.id() + "." + r.timestamp() + "." + new String(r.body(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        return r.signature().equals("v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed)));
    }

    @Test
    void workerOnceSendsTheDueDeliveriesOfTheJobsItRanOnceEachAndTheNextRunRetriesTheFailedOne() throws Exception {
        Job ok = submit("/ok");
        Job flaky = submit("/flaky");

        String first = workerOnce();
        assertThat(first).contains("Ran 2 job(s)").contains("Sent 2 deliveries: 1 delivered, 1 to retry later, 0 failed");

        List<Received> atOk = received.stream().filter(r -> r.path().equals("/ok")).toList();
        assertThat(atOk).hasSize(1);
        assertThat(signatureValid(atOk.get(0))).isTrue();
        JsonNode event = new ObjectMapper().readTree(atOk.get(0).body());
        assertThat(event.get("type").asText()).isEqualTo("export.completed");
        assertThat(event.at("/data/job/id").asText()).isEqualTo(ok.id());
        assertThat(event.at("/data/job/row_count").asLong()).isEqualTo(20);
        assertThat(event.at("/data/download_url").asText())
                .startsWith("http://freight.example.com/api/v1/export/jobs/" + ok.id() + "/download?token=");
        DeliveryRecord okLog = delivery(ok.id());
        assertThat(okLog.status()).isEqualTo("delivered");
        assertThat(okLog.attempts()).isEqualTo(1);
        assertThat(okLog.lastStatus()).isEqualTo(204);

        // One attempt, though its backoff (1 s) is over before the worker exits: it is left for the next run.
        assertThat(flakyCalls.get()).isEqualTo(1);
        DeliveryRecord flakyLog = delivery(flaky.id());
        assertThat(flakyLog.status()).isEqualTo("pending");
        assertThat(flakyLog.attempts()).isEqualTo(1);
        assertThat(flakyLog.lastStatus()).isEqualTo(500);
        assertThat(flakyLog.lastError()).isEqualTo("HTTP 500");
        assertThat(flakyLog.nextAttemptAt()).isAfter(flakyLog.lastAttemptAt());

        while (Instant.now().isBefore(flakyLog.nextAttemptAt())) Thread.sleep(100);
        String second = workerOnce();
        assertThat(second).contains("Ran 0 job(s)").contains("Sent 1 delivery: 1 delivered, 0 to retry later, 0 failed");
        assertThat(flakyCalls.get()).isEqualTo(2);
        List<Received> atFlaky = received.stream().filter(r -> r.path().equals("/flaky")).toList();
        // A retry is the same delivery: the same webhook-id, for the receiver to drop duplicates by.
        assertThat(atFlaky.get(1).id()).isEqualTo(atFlaky.get(0).id());
        assertThat(signatureValid(atFlaky.get(1))).isTrue();
        assertThat(delivery(flaky.id())).satisfies(d -> {
            assertThat(d.status()).isEqualTo("delivered");
            assertThat(d.attempts()).isEqualTo(2);
            assertThat(d.lastStatus()).isEqualTo(204);
        });
        assertThat(received.stream().filter(r -> r.path().equals("/ok"))).hasSize(1);
    }
}
