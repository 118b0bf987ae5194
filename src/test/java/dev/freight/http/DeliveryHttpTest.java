package dev.freight.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import dev.freight.cli.FreightNode;
import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
import dev.freight.testing.Await;
import dev.freight.testing.TestDatabases;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deliveries end to end on a real node: webhooks to a real HTTP receiver (signature verified here, independently of
 * Freight's code), emails to a real SMTP server (GreenMail), copies to a storage target, and alert conditions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryHttpTest {
    static final String JOBS = "/api/v1/export/jobs";
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("a webhook secret of 32 bytes!!!!".getBytes(StandardCharsets.UTF_8));
    static final long ATTACHMENT_CAP = 100_000;
    /** An analyst, who sees the status of sales hashed. */
    static final String ANN = "ann-0123456789abcdef0123456789abcdef";
    /** A role whose files may not pass 20 kB: a small chart's PNG, not its PDF. */
    static final String SAM = "sam-0123456789abcdef0123456789abcdef";
    static final long SMALL_FILES = 20_000;

    Path dir;
    String pgUrl;
    FreightNode node;
    ApiClient admin;
    HttpServer receiver;
    String hooks;
    GreenMail smtp;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    record Received(String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("freight-delivery");
        String schema = TestDatabases.runId() + "_delivery";
        TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA IF EXISTS " + schema + " CASCADE", "CREATE SCHEMA " + schema);
        pgUrl = TestDatabases.postgres().replaceAll("currentSchema=[^&]*", "currentSchema=" + schema);
        TestDatabases.execute(pgUrl,
                "CREATE TABLE sales (id bigint PRIMARY KEY, amount numeric(10,2) NOT NULL, status text NOT NULL, "
                        + "created_at timestamptz NOT NULL)",
                // 100 rows over four days of January 2024: 25 a day, the day's amounts summing to 100.25 x the day.
                "INSERT INTO sales SELECT g, (g % 4 + 1) * 4.01, CASE WHEN g % 3 = 0 THEN 'paid' ELSE 'open' END, "
                        + "TIMESTAMPTZ '2024-01-01 00:00:00+00' + (g % 4) * interval '1 day' + g * interval '1 minute' "
                        + "FROM generate_series(1, 100) g",
                "CREATE VIEW broken AS SELECT g AS id, 10 / (g - 3) AS x FROM generate_series(1, 5) g",
                // 5,000 rows, a file above the attachment cap.
                "CREATE VIEW sales_big AS SELECT s.id * 100 + g AS id, s.amount, s.status, s.created_at "
                        + "FROM sales s CROSS JOIN generate_series(1, 50) g");
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(path, Map.copyOf(exchange.getRequestHeaders()), body));
            int n = calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            // /flaky fails its first call, as a receiver that is down for a moment.
            int status = path.startsWith("/flaky") && n == 1 ? 500 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        hooks = "http://127.0.0.1:" + receiver.getAddress().getPort();
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path file = Files.writeString(dir.resolve("freight.yml"), """
                data_dir: %s
                server:
                  port: %d
                  public_url: http://127.0.0.1:%d
                  signed_links:
                    key: ${env:LINK_KEY}
                sources:
                  pg:
                    url: "%s"
                exports:
                  sync_max_rows: 1000
                  worker_concurrency: 2
                  heartbeat: 200ms
                  max_attempts: 1
                email:
                  from: freight@example.com
                  smtp: { host: 127.0.0.1, port: %d, tls: none }
                  max_attachment_bytes: %d
                webhooks:
                  allowed_hosts: [127.0.0.1]
                  secret: ${env:WEBHOOK_SECRET}
                  allow_private_addresses: true
                  retry_initial_delay: 300ms
                delivery_storage:
                  archive: { path: %s }
                roles:
                  analyst:
                    datasets:
                      sales: { columns_masked: { status: hash } }
                  small_files:
                    datasets:
                      sales: {}
                    limits: { max_file_bytes: %d }
                api_keys:
                  - { name: ann, sha256: %s, role: analyst }
                  - { name: sam, sha256: %s, role: small_files }
                reports:
                  daily_sales:
                    title: Daily sales
                    widgets:
                      revenue:
                        title: Revenue
                        type: chart
                        chart: bar
                        dataset: sales
                        series: {time_column: created_at, from: "2024-01-01", to: "2024-01-05", time_zone: UTC, granularity: day, measures: [{column: amount, agg: sum}]}
                        position: {x: 0, y: 0}
                        size: {w: 8, h: 4}
                      latest:
                        title: Latest sales
                        type: table
                        dataset: sales
                        columns: [id, amount, status]
                        row_limit: 3
                        position: {x: 8, y: 0}
                        size: {w: 4, h: 4}
                  sales_report:
                    title: Sales
                    widgets:
                      amounts:
                        type: chart
                        chart: bar
                        dataset: sales
                        series: {time_column: created_at, from: "2024-01-01", to: "2024-01-05", time_zone: UTC, granularity: day, measures: [{column: amount, agg: sum}]}
                        position: {x: 0, y: 0}
                        size: {w: 12, h: 4}
                """.formatted(dir.resolve("data"), port, port, pgUrl, smtp.getSmtp().getPort(), ATTACHMENT_CAP,
                dir.resolve("archive"), SMALL_FILES, sha256(ANN), sha256(SAM)));
        FreightConfig config = ConfigLoader.load(Optional.of(file), Map.of("LINK_KEY",
                "0123456789abcdef0123456789abcdef-link-key", "WEBHOOK_SECRET", SECRET));
        node = FreightNode.start(config, false, "127.0.0.1", port);
        admin = new ApiClient(node.port(), node.newAdminKey().orElseThrow());
    }

    @AfterAll
    void stop() {
        if (node != null) node.close();
        if (receiver != null) receiver.stop(0);
        if (smtp != null) smtp.stop();
        if (dir != null) TestSources.deleteTree(dir);
    }

    // ------------------------------------------------------------------ helpers

    static String sha256(String key) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    JsonNode submit(String body) {
        HttpResponse<byte[]> r = admin.post(JOBS, body);
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        return ApiClient.json(r);
    }

    JsonNode job(String id) {
        return ApiClient.json(admin.get(JOBS + "/" + id));
    }

    JsonNode finished(String id) {
        return Await.until("job " + id + " ends", Duration.ofSeconds(30), () -> job(id),
                j -> List.of("completed", "failed").contains(j.get("status").asText()));
    }

    /** The job once every delivery in its log is done (delivered or failed), and it has {@code count}. */
    JsonNode delivered(String id, int count) {
        return Await.until("deliveries of job " + id, Duration.ofSeconds(30), () -> job(id), j -> {
            JsonNode log = j.get("deliveries");
            if (log.size() != count) return false;
            for (JsonNode d : log) if (d.get("status").asText().equals("pending")) return false;
            return true;
        });
    }

    List<Received> at(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    byte[] file(String id) {
        HttpResponse<byte[]> r = admin.get(JOBS + "/" + id + "/download");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    static HttpResponse<byte[]> anonymousGet(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Standard Webhooks verification, written from the specification rather than from Freight's code. */
    static boolean signatureValid(Received r) throws Exception {
        byte[] key = Base64.getDecoder().decode(SECRET.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String signed = r.header("webhook-id") + "." + r.header("webhook-timestamp") + "." + new String(r.body(), StandardCharsets.UTF_8);
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        for (String sig : r.header("webhook-signature").split(" ")) {
            if (java.security.MessageDigest.isEqual(sig.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ webhooks

    @Test
    void aCompletedJobPostsASignedEventWhoseLinkDownloadsTheFileWithoutAKey() throws Exception {
        String id = submit("{\"dataset\": \"sales\", \"format\": \"csv\", \"notify_url\": \"" + hooks + "/done\"}")
                .get("id").asText();
        JsonNode job = delivered(id, 1);
        assertThat(at("/done")).hasSize(1);
        Received hook = at("/done").get(0);
        assertThat(signatureValid(hook)).as("signature verifies with the shared secret").isTrue();
        long timestamp = Long.parseLong(hook.header("webhook-timestamp"));
        assertThat(Math.abs(timestamp - Instant.now().getEpochSecond())).isLessThan(60);
        assertThat(hook.header("content-type")).startsWith("application/json");
        JsonNode body = ApiClient.JSON.readTree(hook.body());
        assertThat(body.get("type").asText()).isEqualTo("export.completed");
        assertThat(body.at("/data/job/id").asText()).isEqualTo(id);
        assertThat(body.at("/data/job/status").asText()).isEqualTo("completed");
        assertThat(body.at("/data/job/row_count").asLong()).isEqualTo(100);
        // Valid for the file's lifetime, in whole seconds (never later than the file).
        assertThat(body.at("/data/download_expires_at").asText()).isEqualTo(Instant.parse(job.get("expires_at").asText())
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        String link = body.at("/data/download_url").asText();
        assertThat(link).startsWith("http://127.0.0.1:" + node.port() + JOBS + "/" + id + "/download?token=");
        HttpResponse<byte[]> download = anonymousGet(link);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(file(id));

        JsonNode entry = job.get("deliveries").get(0);
        assertThat(entry.get("event").asText()).isEqualTo("export.completed");
        assertThat(entry.get("type").asText()).isEqualTo("webhook");
        assertThat(entry.get("target").asText()).isEqualTo(hooks + "/done");
        assertThat(entry.get("status").asText()).isEqualTo("delivered");
        assertThat(entry.get("attempts").asInt()).isEqualTo(1);
        assertThat(entry.get("last_status").asInt()).isEqualTo(204);
        assertThat(entry.get("last_error").isNull()).isTrue();
        assertThat(entry.get("last_attempt_at").asText()).endsWith("Z");
        assertThat(entry.get("next_attempt_at").isNull()).isTrue();
    }

    @Test
    void aWebhookAnsweredWith500IsSentAgainWithTheSameIdAndSignature() throws Exception {
        String id = submit("{\"dataset\": \"sales\", \"row_limit\": 3, \"deliveries\": [{\"type\": \"webhook\", \"url\": \""
                + hooks + "/flaky\"}]}").get("id").asText();
        JsonNode entry = delivered(id, 1).get("deliveries").get(0);
        assertThat(entry.get("status").asText()).isEqualTo("delivered");
        assertThat(entry.get("attempts").asInt()).isEqualTo(2);
        assertThat(entry.get("last_status").asInt()).isEqualTo(204);
        List<Received> tries = at("/flaky");
        assertThat(tries).hasSize(2);
        assertThat(tries.get(1).header("webhook-id")).isEqualTo(tries.get(0).header("webhook-id"));
        assertThat(signatureValid(tries.get(0))).isTrue();
        assertThat(signatureValid(tries.get(1))).isTrue();
    }

    @Test
    void aFailedJobPostsExportFailedWhateverItsCondition() throws Exception {
        String id = submit("{\"dataset\": \"broken\", \"condition\": \"rows > 0\", \"notify_url\": \"" + hooks
                + "/failed\"}").get("id").asText();
        assertThat(finished(id).get("status").asText()).isEqualTo("failed");
        delivered(id, 1);
        JsonNode body = ApiClient.JSON.readTree(at("/failed").get(0).body());
        assertThat(body.get("type").asText()).isEqualTo("export.failed");
        assertThat(body.at("/data/job/error_code").asText()).isEqualTo("source_error");
        assertThat(body.at("/data/download_url").isNull()).isTrue();
    }

    @Test
    void aRetriedJobKeepsTheDeliveriesOfTheOriginal() {
        String id = submit("{\"dataset\": \"broken\", \"notify_url\": \"" + hooks + "/retried\"}").get("id").asText();
        delivered(id, 1);
        HttpResponse<byte[]> r = admin.post(JOBS + "/" + id + "/retry", "");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        String again = ApiClient.json(r).get("id").asText();
        assertThat(delivered(again, 1).at("/deliveries/0/target").asText()).isEqualTo(hooks + "/retried");
        assertThat(at("/retried")).hasSize(2);
    }

    @Test
    void aWebhookHostNotAllowedIsRefusedAtRequestTime() {
        HttpResponse<byte[]> r = admin.post(JOBS, "{\"dataset\": \"sales\", \"notify_url\": \"https://hooks.example.com/x\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode problem = ApiClient.json(r);
        assertThat(problem.get("code").asText()).isEqualTo("invalid_delivery_target");
        assertThat(problem.get("detail").asText()).isEqualTo("webhook host 'hooks.example.com' is not allowed: "
                + "webhooks.allowed_hosts is [127.0.0.1]");
    }

    @Test
    void theSameIdempotencyKeyWithOtherDeliveriesIsAnotherRequest() {
        String first = "{\"dataset\": \"sales\", \"row_limit\": 1, \"notify_url\": \"" + hooks + "/idem-a\"}";
        HttpResponse<byte[]> a = admin.post(JOBS, first, "Idempotency-Key", "idem-deliveries");
        assertThat(a.statusCode()).as(ApiClient.text(a)).isEqualTo(202);
        assertThat(admin.post(JOBS, first, "Idempotency-Key", "idem-deliveries").statusCode()).isEqualTo(200);
        // Answered with the first job, the caller would wait at /idem-b for an event that goes to /idem-a.
        HttpResponse<byte[]> b = admin.post(JOBS, first.replace("/idem-a", "/idem-b"), "Idempotency-Key", "idem-deliveries");
        assertThat(b.statusCode()).as(ApiClient.text(b)).isEqualTo(422);
        assertThat(ApiClient.json(b).get("code").asText()).isEqualTo("idempotency_key_reused");
        HttpResponse<byte[]> c = admin.post(JOBS, first.replace("}", ", \"condition\": \"rows > 0\"}"), "Idempotency-Key",
                "idem-deliveries");
        assertThat(c.statusCode()).as(ApiClient.text(c)).isEqualTo(422);
    }

    @Test
    void aSyncRequestWithADeliveryIsRefused() {
        HttpResponse<byte[]> r = admin.post(JOBS, "{\"dataset\": \"sales\", \"delivery\": \"sync\", \"notify_url\": \""
                + hooks + "/never\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(ApiClient.json(r).get("code").asText()).isEqualTo("invalid_delivery");
    }

    // ------------------------------------------------------------------ conditions

    @Test
    void aConditionThatDoesNotHoldDeliversNothingAndIsRecorded() {
        String id = submit("{\"dataset\": \"sales\", \"condition\": \"rows == 0\", \"notify_url\": \"" + hooks
                + "/unmet\"}").get("id").asText();
        JsonNode job = finished(id);
        assertThat(job.get("status").asText()).isEqualTo("completed");
        assertThat(job.get("condition").asText()).isEqualTo("rows == 0");
        assertThat(job.get("condition_met").asBoolean()).isFalse();
        // Deliveries are queued in the transaction that completes the job: none now means none ever.
        assertThat(job.get("deliveries")).isEmpty();
    }

    @Test
    void aConditionThatHoldsDeliversAndIsRecorded() {
        String id = submit("{\"dataset\": \"sales\", \"filters\": [{\"column\": \"status\", \"op\": \"eq\", \"value\": "
                + "\"paid\"}], \"condition\": \"rows > 0\", \"notify_url\": \"" + hooks + "/met\"}").get("id").asText();
        JsonNode job = delivered(id, 1);
        assertThat(job.get("condition_met").asBoolean()).isTrue();
        assertThat(at("/met")).hasSize(1);
    }

    /** A series of the daily sums: 25 rows a day, (g % 4 + 1) x 4.01 each; the largest day sums to 401.00. */
    static String series(String condition, String path) {
        return "{\"dataset\": \"sales\", \"format\": \"json\", \"series\": {\"time_column\": \"created_at\", \"from\": "
                + "\"2024-01-01\", \"to\": \"2024-01-05\", \"time_zone\": \"UTC\", \"granularity\": \"day\", \"measures\": "
                + "[{\"column\": \"amount\", \"agg\": \"sum\"}]}, \"condition\": \"" + condition + "\", \"notify_url\": \""
                + "http://127.0.0.1:" + path + "\"}";
    }

    @Test
    void aThresholdOnASeriesMeasureIsTakenFromTheRowsAsTheyStream() {
        int port = receiver.getAddress().getPort();
        String over = submit(series("max(sum_amount) > 400.99", port + "/over")).get("id").asText();
        String under = submit(series("max(sum_amount) > 401", port + "/under")).get("id").asText();
        assertThat(delivered(over, 1).get("condition_met").asBoolean()).isTrue();
        JsonNode notMet = finished(under);
        assertThat(notMet.get("condition_met").asBoolean()).isFalse();
        assertThat(notMet.get("deliveries")).isEmpty();
    }

    @Test
    void aConditionOnAMeasureTheSeriesDoesNotHaveIsRefused() {
        HttpResponse<byte[]> r = admin.post(JOBS, series("max(sum_price) > 1", receiver.getAddress().getPort() + "/x"));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode problem = ApiClient.json(r);
        assertThat(problem.get("code").asText()).isEqualTo("invalid_condition");
        assertThat(problem.get("detail").asText()).isEqualTo("condition \"max(sum_price) > 1\": unknown measure "
                + "'sum_price' of this series; measures: sum_amount");
    }

    // ------------------------------------------------------------------ email

    MimeMessage mailTo(String address) {
        return Await.until("an email to " + address, Duration.ofSeconds(30), () -> {
            for (MimeMessage m : smtp.getReceivedMessages()) {
                if (m.getAllRecipients()[0].toString().equals(address)) return m;
            }
            return null;
        }, m -> m != null);
    }

    @Test
    void aSmallFileIsEmailedAsAnAttachmentThatIsTheJobsFile() throws Exception {
        String id = submit("{\"dataset\": \"sales\", \"row_limit\": 5, \"notify_email\": \"small@example.com\"}")
                .get("id").asText();
        JsonNode job = delivered(id, 1);
        MimeMessage mail = mailTo("small@example.com");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("freight@example.com");
        assertThat(mail.getSubject()).isEqualTo("Freight: sales export ready (5 rows)");
        Multipart parts = (Multipart) mail.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        Part attachment = parts.getBodyPart(1);
        assertThat(attachment.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(attachment.getFileName()).isEqualTo(job.get("file_name").asText());
        byte[] bytes;
        try (InputStream in = attachment.getInputStream()) {
            bytes = in.readAllBytes();
        }
        assertThat(bytes).isEqualTo(file(id));
        assertThat((String) parts.getBodyPart(0).getContent()).contains("The csv export of sales is ready: 5 rows")
                .contains("The file is attached: " + job.get("file_name").asText()).doesNotContain("token=");
        JsonNode entry = job.get("deliveries").get(0);
        assertThat(entry.get("type").asText()).isEqualTo("email");
        assertThat(entry.get("target").asText()).isEqualTo("small@example.com");
        assertThat(entry.get("status").asText()).isEqualTo("delivered");
    }

    @Test
    void anEmailToFiftyAddressesOfFullLengthIsQueuedWhenItsJobCompletes() {
        // 50 addresses of 254 characters, the most a request may name: ~13,000 characters of target, which the
        // delivery row once could not hold, so the job that had to queue it never completed.
        String domain = String.join(".", "b".repeat(61), "b".repeat(61), "b".repeat(61)) + ".com";
        List<String> to = new ArrayList<>();
        for (int i = 0; i < 50; i++) to.add(String.format("%02d", i) + "a".repeat(62) + "@" + domain);
        assertThat(to.get(0)).hasSize(254);
        String id = submit("{\"dataset\": \"sales\", \"row_limit\": 1, \"notify_email\": [\"" + String.join("\", \"", to)
                + "\"]}").get("id").asText();
        JsonNode job = finished(id);
        assertThat(job.get("status").asText()).isEqualTo("completed");
        assertThat(job.get("deliveries")).hasSize(1);
        assertThat(job.get("deliveries").get(0).get("type").asText()).isEqualTo("email");
        assertThat(job.get("deliveries").get(0).get("target").asText()).startsWith(to.get(0) + ", " + to.get(1));
    }

    @Test
    void aFileAboveTheCapIsEmailedAsALinkValidForTheFilesLifetime() throws Exception {
        String id = submit("{\"dataset\": \"sales_big\", \"deliveries\": [{\"type\": \"email\", \"to\": [\"big@example.com\"], "
                + "\"subject\": \"{rows} rows of {dataset}\"}]}").get("id").asText();
        JsonNode job = delivered(id, 1);
        assertThat(job.get("file_size_bytes").asLong()).isGreaterThan(ATTACHMENT_CAP);
        MimeMessage mail = mailTo("big@example.com");
        assertThat(mail.getSubject()).isEqualTo("5000 rows of sales_big");
        assertThat(mail.getContent()).isInstanceOf(String.class);
        String text = (String) mail.getContent();
        assertThat(text).contains("Download it (until " + Instant.parse(job.get("expires_at").asText())
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "):");
        String link = text.lines().filter(l -> l.startsWith("http://")).findFirst().orElseThrow();
        HttpResponse<byte[]> download = anonymousGet(link);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(file(id));
    }

    /**
     * An email of a picture as a mail program reads it: multipart/mixed of (multipart/alternative of the text and
     * (multipart/related of the HTML and the picture it shows by cid)) and the PDF attached.
     */
    record PictureMail(String text, String html, String imageName, byte[] image, String pdfName, byte[] pdf) {
    }

    static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    static PictureMail pictureMail(MimeMessage mail) throws Exception {
        assertThat(mail.getContentType()).startsWith("multipart/mixed");
        Multipart mixed = (Multipart) mail.getContent();
        assertThat(mixed.getCount()).isEqualTo(2);
        assertThat(mixed.getBodyPart(0).getContentType()).startsWith("multipart/alternative");
        Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
        assertThat(alternative.getCount()).isEqualTo(2);
        assertThat(alternative.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(alternative.getBodyPart(1).getContentType()).startsWith("multipart/related");
        Multipart related = (Multipart) alternative.getBodyPart(1).getContent();
        assertThat(related.getCount()).isEqualTo(2);
        assertThat(related.getBodyPart(0).getContentType()).startsWith("text/html");
        String html = (String) related.getBodyPart(0).getContent();
        jakarta.mail.internet.MimeBodyPart image = (jakarta.mail.internet.MimeBodyPart) related.getBodyPart(1);
        assertThat(image.getContentType()).startsWith("image/png");
        assertThat(image.getDisposition()).isEqualTo(Part.INLINE);
        String cid = image.getContentID();
        assertThat(cid).startsWith("<").endsWith(">");
        assertThat(html).contains("<img src=\"cid:" + cid.substring(1, cid.length() - 1) + "\"");
        Part pdf = mixed.getBodyPart(1);
        assertThat(pdf.getContentType()).startsWith("application/pdf");
        assertThat(pdf.getDisposition()).isEqualTo(Part.ATTACHMENT);
        PictureMail m = new PictureMail((String) alternative.getBodyPart(0).getContent(), html, image.getFileName(),
                bytes(image), pdf.getFileName(), bytes(pdf));
        assertThat(m.image()).startsWith(PNG_MAGIC);
        assertThat(new String(m.pdf(), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        return m;
    }

    static byte[] bytes(Part part) throws Exception {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    static String pdfText(byte[] pdf) throws IOException {
        try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            return new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
        }
    }

    /** Where the node keeps the job's other picture (the PDF of a png job, the PNG of a pdf_visual one). */
    Path otherPicture(String id) {
        return dir.resolve("data").resolve("exports").resolve(dev.freight.job.Job.fileKeys(id).get(1));
    }

    static String baseName(String fileName) {
        return fileName.substring(0, fileName.lastIndexOf('.'));
    }

    @Test
    void aReportsPdfIsEmailedWithItsPictureShownAndThePdfAttached() throws Exception {
        String id = submit("{\"report\": \"daily_sales\", \"format\": \"pdf_visual\", "
                + "\"notify_email\": \"report-pdf@example.com\"}").get("id").asText();
        JsonNode job = delivered(id, 1);
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        MimeMessage mail = mailTo("report-pdf@example.com");
        assertThat(mail.getSubject()).isEqualTo("Freight: report daily_sales pdf_visual ready");
        PictureMail m = pictureMail(mail);
        // The PDF attached is the job's file; the picture shown is the one drawn beside it, called alike.
        assertThat(m.pdfName()).isEqualTo(job.get("file_name").asText());
        assertThat(m.pdf()).isEqualTo(file(id));
        assertThat(pdfText(m.pdf())).contains("Daily sales", "Revenue", "Latest sales");
        assertThat(m.imageName()).isEqualTo(baseName(m.pdfName()) + ".png");
        assertThat(m.image()).isEqualTo(Files.readAllBytes(otherPicture(id)));
        assertThat(m.text()).contains("The pdf_visual export of report daily_sales is ready: ")
                .contains("The picture is shown in this email: " + m.imageName())
                .contains("The file is attached: " + m.pdfName()).doesNotContain("token=");
    }

    @Test
    void aReportsPngIsEmailedShownWithItsPdfAttached() throws Exception {
        String id = submit("{\"report\": \"daily_sales\", \"format\": \"png\", \"options\": {\"width\": 800, "
                + "\"height\": 500}, \"notify_email\": \"report-png@example.com\"}").get("id").asText();
        JsonNode job = delivered(id, 1);
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        PictureMail m = pictureMail(mailTo("report-png@example.com"));
        assertThat(m.imageName()).isEqualTo(job.get("file_name").asText());
        assertThat(m.image()).isEqualTo(file(id));
        assertThat(m.pdfName()).isEqualTo(baseName(m.imageName()) + ".pdf");
        assertThat(pdfText(m.pdf())).contains("Daily sales", "Revenue", "Latest sales", "open");
    }

    @Test
    void thePdfOfAnEmailedPngShowsWhatTheOwnersRoleMaySee() throws Exception {
        ApiClient ann = new ApiClient(node.port(), ANN);
        HttpResponse<byte[]> r = ann.post(JOBS, "{\"report\": \"daily_sales\", \"format\": \"png\", \"options\": "
                + "{\"width\": 800, \"height\": 500}, \"notify_email\": \"analyst@example.com\"}");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        String id = ApiClient.json(r).get("id").asText();
        JsonNode job = delivered(id, 1);
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        String pdf = pdfText(pictureMail(mailTo("analyst@example.com")).pdf());
        assertThat(pdf).contains("Latest sales").doesNotContain("open").doesNotContain("paid");
    }

    @Test
    void aPdfThatCouldNotBeDrawnLeavesThePictureAloneAndTheEmailSaysSo() throws Exception {
        ApiClient sam = new ApiClient(node.port(), SAM);
        HttpResponse<byte[]> r = sam.post(JOBS, "{\"dataset\": \"sales\", \"format\": \"png\", \"series\": "
                + "{\"time_column\": \"created_at\", \"from\": \"2024-01-01\", \"to\": \"2024-01-05\", \"time_zone\": "
                + "\"UTC\", \"granularity\": \"day\"}, \"options\": {\"width\": 400, \"height\": 200}, "
                + "\"notify_email\": \"small@files.example.com\"}");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        String id = ApiClient.json(r).get("id").asText();
        JsonNode job = delivered(id, 1);
        // The picture is within the role's max_file_bytes, its PDF is not: the export completes all the same.
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.get("file_size_bytes").asLong()).isLessThan(SMALL_FILES);
        assertThat(otherPicture(id)).doesNotExist();
        MimeMessage mail = mailTo("small@files.example.com");
        assertThat(mail.getContentType()).startsWith("multipart/alternative");
        Multipart alternative = (Multipart) mail.getContent();
        String text = (String) alternative.getBodyPart(0).getContent();
        assertThat(text).contains("The picture is shown in this email: " + job.get("file_name").asText())
                .contains("The PDF of it could not be drawn when the export ran, so it is not in this email")
                .doesNotContain("The file is attached");
        Multipart related = (Multipart) alternative.getBodyPart(1).getContent();
        assertThat(bytes(related.getBodyPart(1))).isEqualTo(new ApiClient(node.port(), SAM).get(JOBS + "/" + id + "/download").body());
    }

    @Test
    void aPictureLargerThanTheRolesMaxFileBytesSaysHowToDrawASmallerOne() {
        HttpResponse<byte[]> r = new ApiClient(node.port(), SAM).post(JOBS, "{\"dataset\": \"sales\", \"format\": "
                + "\"pdf_visual\", \"delivery\": \"sync\", \"series\": {\"time_column\": \"created_at\", \"from\": "
                + "\"2024-01-01\", \"to\": \"2024-01-05\", \"time_zone\": \"UTC\", \"granularity\": \"day\"}}");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(400);
        assertThat(ApiClient.json(r).get("code").asText()).isEqualTo("file_too_large");
        assertThat(ApiClient.json(r).get("detail").asText()).contains("max_file_bytes (20000 bytes, 19.5 KiB)")
                .contains("draw a smaller picture (width, height, device_scale 1) or fewer widgets")
                .doesNotContain("parquet");
    }

    @Test
    void aChartsPngIsEmailedShownWithItsPdfAttached() throws Exception {
        String id = submit("{\"dataset\": \"sales\", \"format\": \"png\", \"series\": {\"time_column\": \"created_at\", "
                + "\"from\": \"2024-01-01\", \"to\": \"2024-01-05\", \"time_zone\": \"UTC\", \"granularity\": \"day\", "
                + "\"measures\": [{\"column\": \"amount\", \"agg\": \"sum\"}]}, \"options\": {\"width\": 400, \"height\": 200}, "
                + "\"notify_email\": \"picture@example.com\"}").get("id").asText();
        JsonNode job = delivered(id, 1);
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        PictureMail m = pictureMail(mailTo("picture@example.com"));
        assertThat(m.imageName()).isEqualTo(job.get("file_name").asText());
        assertThat(m.image()).isEqualTo(file(id));
        assertThat(pdfText(m.pdf())).contains("sales · sum amount by day");
    }

    @Test
    void deletingAnEmailedPictureJobDeletesThePictureDrawnBesideIt() throws Exception {
        String id = submit("{\"report\": \"daily_sales\", \"widget\": \"revenue\", \"format\": \"png\", "
                + "\"options\": {\"width\": 400, \"height\": 300}, \"notify_email\": \"deleted@example.com\"}")
                .get("id").asText();
        delivered(id, 1);
        assertThat(otherPicture(id)).exists();
        assertThat(admin.delete(JOBS + "/" + id).statusCode()).isEqualTo(204);
        assertThat(otherPicture(id)).doesNotExist();
        assertThat(dir.resolve("data").resolve("exports").resolve(id)).doesNotExist();
    }

    @Test
    void aPictureJobWithoutAnEmailDrawsNoOtherPicture() throws Exception {
        String id = submit("{\"report\": \"daily_sales\", \"widget\": \"revenue\", \"format\": \"png\", "
                + "\"delivery\": \"async\", \"options\": {\"width\": 400, \"height\": 300}}").get("id").asText();
        assertThat(finished(id).get("status").asText()).isEqualTo("completed");
        assertThat(otherPicture(id)).doesNotExist();
    }

    @Test
    void aScheduleOfAReportEmailsItsPictureAndPdf() throws Exception {
        HttpResponse<byte[]> created = admin.post("/api/v1/export/schedules", """
                {"name": "daily-report-mail", "cron": "0 7 * * MON", "time_zone": "Europe/Berlin",
                 "request": {"report": "daily_sales", "format": "pdf_visual"},
                 "deliveries": [{"type": "email", "to": ["scheduled@example.com"]}]}""");
        assertThat(created.statusCode()).as(ApiClient.text(created)).isEqualTo(201);
        String schedule = ApiClient.json(created).get("id").asText();
        HttpResponse<byte[]> ran = admin.post("/api/v1/export/schedules/" + schedule + "/run", "");
        assertThat(ran.statusCode()).as(ApiClient.text(ran)).isEqualTo(202);
        String id = ApiClient.json(ran).get("id").asText();
        JsonNode job = delivered(id, 1);
        assertThat(job.get("schedule_id").asText()).isEqualTo(schedule);
        PictureMail m = pictureMail(mailTo("scheduled@example.com"));
        assertThat(m.pdf()).isEqualTo(file(id));
        assertThat(pdfText(m.pdf())).contains("Daily sales");
        assertThat(m.text()).contains("Schedule: daily-report-mail (" + schedule + ")");
    }

    @Test
    void aSchedulesCopyAndSubjectAreNamedAfterTheSchedule() throws Exception {
        // The issue's own template: {schedule} is the schedule's name, as people know it.
        HttpResponse<byte[]> created = admin.post("/api/v1/export/schedules", """
                {"name": "weekly-paid", "cron": "0 8 * * MON", "time_zone": "Europe/Berlin",
                 "request": {"dataset": "sales", "format": "csv"},
                 "deliveries": [{"type": "storage", "target": "archive", "name": "{dataset}/{yyyy}/{MM}/{dd}/{schedule}.csv"},
                                {"type": "email", "to": ["weekly@example.com"], "subject": "{schedule}: {rows} rows"}]}""");
        assertThat(created.statusCode()).as(ApiClient.text(created)).isEqualTo(201);
        String schedule = ApiClient.json(created).get("id").asText();
        String id = ApiClient.json(admin.post("/api/v1/export/schedules/" + schedule + "/run", "")).get("id").asText();
        JsonNode job = delivered(id, 2);
        var day = Instant.parse(job.get("completed_at").asText()).atZone(ZoneOffset.UTC);
        Path copy = dir.resolve("archive").resolve("sales").resolve(String.format("%04d", day.getYear()))
                .resolve(String.format("%02d", day.getMonthValue())).resolve(String.format("%02d", day.getDayOfMonth()))
                .resolve("weekly-paid.csv");
        assertThat(copy).hasBinaryContent(file(id));
        assertThat(mailTo("weekly@example.com").getSubject()).isEqualTo("weekly-paid: 100 rows");
    }

    // ------------------------------------------------------------------ storage

    @Test
    void aStorageDeliveryCopiesTheFileUnderItsTemplatedName() throws Exception {
        String id = submit("{\"dataset\": \"sales\", \"deliveries\": [{\"type\": \"storage\", \"target\": \"archive\", "
                + "\"name\": \"{dataset}/{yyyy}/{MM}/{dd}/{schedule}-{job}.{ext}\"}]}").get("id").asText();
        JsonNode job = delivered(id, 1);
        Instant completed = Instant.parse(job.get("completed_at").asText());
        var day = completed.atZone(ZoneOffset.UTC);
        Path copy = dir.resolve("archive").resolve("sales").resolve(String.format("%04d", day.getYear()))
                .resolve(String.format("%02d", day.getMonthValue())).resolve(String.format("%02d", day.getDayOfMonth()))
                .resolve("once-" + id + ".csv");
        assertThat(copy).exists();
        assertThat(Files.readAllBytes(copy)).isEqualTo(file(id));
        assertThat(job.get("deliveries").get(0).get("target").asText())
                .isEqualTo("archive:{dataset}/{yyyy}/{MM}/{dd}/{schedule}-{job}.{ext}");
    }

    @Test
    void aPictureOfAReportWidgetIsCopiedMailedAndAnnouncedUnderTheReportsName() throws Exception {
        // A report's picture has no dataset: its storage copy failed with a NullPointerException at every attempt.
        String id = submit("{\"report\": \"sales_report\", \"widget\": \"amounts\", \"format\": \"png\", "
                + "\"options\": {\"width\": 400, \"height\": 300}, \"notify_url\": \"" + hooks + "/report\", "
                + "\"deliveries\": [{\"type\": \"storage\", \"target\": \"archive\", \"name\": \"{dataset}/{job}.{ext}\"}, "
                + "{\"type\": \"email\", \"to\": \"report@example.com\", \"subject\": \"{dataset} is drawn\"}]}")
                .get("id").asText();
        JsonNode job = delivered(id, 3);
        assertThat(job.get("deliveries").findValuesAsText("status")).as(job.toString()).containsOnly("delivered");
        assertThat(dir.resolve("archive").resolve("sales_report-amounts").resolve(id + ".png")).hasBinaryContent(file(id));
        assertThat(mailTo("report@example.com").getSubject()).isEqualTo("sales_report-amounts is drawn");
        JsonNode event = ApiClient.JSON.readTree(at("/report").get(0).body()).get("data").get("job");
        assertThat(event.get("report").asText()).isEqualTo("sales_report");
        assertThat(event.get("widget").asText()).isEqualTo("amounts");
    }

    @Test
    void anUnknownStorageTargetIsRefusedAtRequestTime() {
        HttpResponse<byte[]> r = admin.post(JOBS, "{\"dataset\": \"sales\", \"deliveries\": [{\"type\": \"storage\", "
                + "\"target\": \"elsewhere\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(ApiClient.json(r).get("detail").asText()).isEqualTo("unknown storage target 'elsewhere'; storage targets: archive");
    }
}
