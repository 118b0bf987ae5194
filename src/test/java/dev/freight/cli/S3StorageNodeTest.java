package dev.freight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freight.config.ConfigException;
import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
import dev.freight.job.Sweeper;
import dev.freight.testing.S3TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Whole nodes with {@code storage.type: s3} against a real S3 protocol server (s3proxy in this JVM): a job's file
 * of more than three parts goes to the bucket and nowhere else, downloads redirect to a presigned URL (or stream
 * through the node in proxy mode) with ranges and the file name, the sweeper deletes expired files and aborts
 * orphaned uploads, and a bucket that refuses the node's credentials fails jobs with storage_unavailable while the
 * node keeps serving, or stops a node at start.
 */
class S3StorageNodeTest {
    private static final String BUCKET = "exports";
    private static final Map<String, String> ENV = Map.of("S3_ACCESS_KEY", S3TestServer.ACCESS_KEY,
            "S3_SECRET_KEY", S3TestServer.SECRET_KEY);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @TempDir
    static Path dir;
    static S3TestServer s3;
    static String sourceUrl;
    static FreightNode node;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3TestServer.start(Files.createDirectories(dir.resolve("s3")), BUCKET);
        sourceUrl = "jdbc:h2:file:" + dir.resolve("src");
        try (Connection c = DriverManager.getConnection(sourceUrl, "sa", ""); Statement s = c.createStatement()) {
            // About 19 MB of CSV: four parts of 5 MiB.
            s.execute("CREATE TABLE big AS SELECT x AS id, REPEAT('abcdefghij', 9) || x AS payload FROM SYSTEM_RANGE(1, 200000)");
            s.execute("CREATE TABLE small AS SELECT x AS id FROM SYSTEM_RANGE(1, 10)");
        }
        node = start("node", "part_size: 5MiB", "");
        admin = node.newAdminKey().orElseThrow();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) node.close();
        s3.close();
    }

    static FreightConfig config(String name, String s3Extra, String more) throws IOException {
        Path data = Files.createDirectories(dir.resolve(name));
        Path file = Files.writeString(data.resolve("freight.yml"), """
                data_dir: %s
                server:
                  port: 0
                  signed_links:
                    key: ${env:LINK_KEY}
                sources:
                  src:
                    url: "%s"
                    user: sa
                exports:
                  sync_max_rows: 5
                  heartbeat: 200ms
                %s
                %s""".formatted(data, sourceUrl, more, s3.storageYaml(BUCKET, s3Extra)));
        Map<String, String> env = new java.util.HashMap<>(ENV);
        env.put("LINK_KEY", "0123456789abcdef0123456789abcdef-link-key");
        return ConfigLoader.load(Optional.of(file), env);
    }

    static FreightNode start(String name, String s3Extra, String more) throws IOException {
        return FreightNode.start(config(name, s3Extra, more), false, "127.0.0.1", 0);
    }

    static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpRequest.Builder api(FreightNode n, String path) {
        String key = n == node ? admin : KEYS.computeIfAbsent(n, k -> k.newAdminKey().orElseThrow());
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.port() + path)).header("Authorization", "Bearer " + key);
    }

    /** The admin keys of the nodes a test starts beside the shared one, each with its own job store. */
    static final Map<FreightNode, String> KEYS = new java.util.concurrent.ConcurrentHashMap<>();

    static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** Queues an export and waits for it to end; the job as the API shows it then. */
    static JsonNode exported(FreightNode n, String dataset) throws Exception {
        HttpResponse<byte[]> created = send(api(n, "/api/v1/export/jobs").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"dataset\": \"" + dataset + "\", \"delivery\": \"async\"}")));
        assertThat(created.statusCode()).as(new String(created.body())).isEqualTo(202);
        String id = json(created).get("id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode job = json(send(api(n, "/api/v1/export/jobs/" + id)));
            String status = job.get("status").asText();
            if (!status.equals("pending") && !status.equals("running")) return job;
            assertThat(System.nanoTime()).as("job " + id + " still " + status).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    static byte[] object(String id) throws IOException {
        try (var in = s3.client().getObject(b -> b.bucket(BUCKET).key(id))) {
            return in.readAllBytes();
        }
    }

    static long expiresParameter(String location) {
        Matcher m = Pattern.compile("X-Amz-Expires=(\\d+)").matcher(location);
        assertThat(m.find()).as(location).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void aLargeExportGoesToTheBucketInPartsAndItsDownloadRedirectsToAPresignedUrlThatTakesRanges() throws Exception {
        JsonNode job = exported(node, "big");
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        String id = job.get("id").asText();
        long size = job.get("file_size_bytes").asLong();
        assertThat(size).isGreaterThan(15L << 20);

        // In the bucket, complete, from one multipart upload of four parts; nothing pending, nothing on local disk.
        byte[] stored = object(id);
        assertThat(stored).hasSize((int) size);
        assertThat(new String(stored, 0, 20)).startsWith("ID,PAYLOAD\r\n1,abcdef");
        assertThat(s3.client().headObject(b -> b.bucket(BUCKET).key(id)).eTag()).endsWith("-4\"");
        assertThat(s3.pendingUploads(BUCKET)).isEmpty();
        assertThat(dir.resolve("node").resolve("exports")).doesNotExist();

        HttpResponse<byte[]> redirect = send(api(node, "/api/v1/export/jobs/" + id + "/download"));
        assertThat(redirect.statusCode()).isEqualTo(307);
        assertThat(redirect.headers().firstValue("Cache-Control")).hasValue("no-store");
        String location = redirect.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(s3.endpoint() + "/" + BUCKET + "/" + id + "?")
                .doesNotContain(S3TestServer.SECRET_KEY);
        assertThat(expiresParameter(location)).isBetween(290L, 300L);

        // Straight from S3, without the API key: a range, and the file name Freight would have given.
        HttpResponse<byte[]> range = send(HttpRequest.newBuilder(URI.create(location)).header("Range", "bytes=10485700-10485799"));
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(stored, 10_485_700, 10_485_800));
        assertThat(range.headers().firstValue("Content-Disposition").orElseThrow())
                .contains("filename=\"" + job.get("file_name").asText() + "\"");
        assertThat(range.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");

        // HEAD is answered by the node itself: what a download manager plans with.
        HttpResponse<byte[]> head = send(api(node, "/api/v1/export/jobs/" + id + "/download")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(size);
    }

    @Test
    void aSignedLinkLeadsToAPresignedUrlThatExpiresWithTheLink() throws Exception {
        JsonNode job = exported(node, "small");
        String id = job.get("id").asText();
        HttpResponse<byte[]> link = send(api(node, "/api/v1/export/jobs/" + id + "/link")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"expires_in\": 60}")));
        assertThat(link.statusCode()).isEqualTo(201);

        HttpResponse<byte[]> redirect = send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.port() + json(link).get("url").asText())));
        assertThat(redirect.statusCode()).isEqualTo(307);
        String location = redirect.headers().firstValue("Location").orElseThrow();
        assertThat(expiresParameter(location)).isBetween(55L, 60L);
        HttpResponse<byte[]> file = send(HttpRequest.newBuilder(URI.create(location)));
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(new String(file.body())).startsWith("ID\r\n1\r\n2\r\n").endsWith("10\r\n");
        assertThat(file.headers().firstValue("Content-Disposition").orElseThrow())
                .contains("filename=\"" + job.get("file_name").asText() + "\"");
    }

    @Test
    void inProxyModeTheNodeStreamsTheFileWithRangesAndIfRange() throws Exception {
        try (FreightNode proxy = start("proxy", "part_size: 5MiB\ndownload: proxy", "")) {
            JsonNode job = exported(proxy, "big");
            String id = job.get("id").asText();
            byte[] stored = object(id);

            HttpResponse<byte[]> whole = send(api(proxy, "/api/v1/export/jobs/" + id + "/download"));
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.body()).isEqualTo(stored);
            String etag = whole.headers().firstValue("ETag").orElseThrow();
            assertThat(whole.headers().firstValue("Content-Disposition").orElseThrow())
                    .contains("filename=\"" + job.get("file_name").asText() + "\"");

            HttpResponse<byte[]> part = send(api(proxy, "/api/v1/export/jobs/" + id + "/download")
                    .header("Range", "bytes=5242000-5243999").header("If-Range", etag));
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 5242000-5243999/" + stored.length);
            assertThat(part.body()).isEqualTo(Arrays.copyOfRange(stored, 5_242_000, 5_244_000));

            HttpResponse<byte[]> changed = send(api(proxy, "/api/v1/export/jobs/" + id + "/download")
                    .header("Range", "bytes=0-9").header("If-Range", "\"another-file\""));
            assertThat(changed.statusCode()).isEqualTo(200);
            assertThat(changed.body()).hasSize(stored.length);
        }
    }

    @Test
    void theSweeperDeletesExpiredFilesAndAbortsOrphanedUploads() throws Exception {
        String id = exported(node, "small").get("id").asText();
        String stranger = "0123456789abcdef0123456789abcdef";
        // An attempt of this job that died mid-upload, and an upload of a job this node's job store does not know
        // (another deployment sharing the bucket may be writing it).
        s3.client().createMultipartUpload(b -> b.bucket(BUCKET).key(id));
        s3.client().createMultipartUpload(b -> b.bucket(BUCKET).key(stranger));

        Clock now = node.runtime.store.clock();
        new Sweeper(node.runtime.store, node.runtime.files, node.runtime.settings, now).sweepOnce();

        assertThat(s3.pendingUploads(BUCKET)).containsExactly(stranger);
        assertThat(s3.objectKeys(BUCKET)).contains(id);

        Clock dayLater = Clock.offset(now, Duration.ofHours(25));
        Sweeper.Report report = new Sweeper(node.runtime.store, node.runtime.files, node.runtime.settings, dayLater).sweepOnce();

        assertThat(report.expired()).isGreaterThanOrEqualTo(1);
        assertThat(s3.objectKeys(BUCKET)).doesNotContain(id);
        assertThat(s3.pendingUploads(BUCKET)).isEmpty();
        HttpResponse<byte[]> gone = send(api(node, "/api/v1/export/jobs/" + id + "/download"));
        assertThat(gone.statusCode()).isEqualTo(410);
    }

    @Test
    void refusedCredentialsFailTheJobWithStorageUnavailableAndTheNodeKeepsServing() throws Exception {
        String earlier = exported(node, "small").get("id").asText();
        s3.restart(S3TestServer.ACCESS_KEY, "rotated-" + S3TestServer.SECRET_KEY);
        try {
            JsonNode job = exported(node, "big");

            assertThat(job.get("status").asText()).isEqualTo("failed");
            assertThat(job.get("error_code").asText()).isEqualTo("storage_unavailable");
            assertThat(job.get("error_message").asText())
                    .startsWith("S3 bucket 'exports' at " + s3.endpoint() + ": starting the upload of ")
                    .contains("failed: HTTP 403").contains("check the S3 credentials");
            assertThat(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/health/live")))
                    .statusCode()).isEqualTo(200);
            // Alive, but not ready for work: a load balancer sends exports elsewhere until the bucket answers again.
            HttpResponse<byte[]> ready = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port()
                    + "/health/ready")));
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(json(ready).get("detail").asText()).isEqualTo("the file store does not answer");
            assertThat(send(api(node, "/api/v1/export/jobs")).statusCode()).isEqualTo(200);
            HttpResponse<byte[]> download = send(api(node, "/api/v1/export/jobs/" + earlier + "/download"));
            assertThat(download.statusCode()).isEqualTo(503);
            assertThat(json(download).get("code").asText()).isEqualTo("storage_unavailable");
        } finally {
            s3.restart(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY);
        }
        assertThat(s3.pendingUploads(BUCKET)).isEmpty();
        assertThat(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/health/ready")))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void aNodeWhoseBucketRefusesItOrIsMissingDoesNotStart() throws Exception {
        config("wrong", "", "");
        Path file = dir.resolve("wrong").resolve("freight.yml");
        Map<String, String> wrongSecret = Map.of("S3_ACCESS_KEY", S3TestServer.ACCESS_KEY, "S3_SECRET_KEY", "nope",
                "LINK_KEY", "0123456789abcdef0123456789abcdef-link-key");
        FreightConfig refused = ConfigLoader.load(Optional.of(file), wrongSecret);
        assertThat(catchThrowableOfType(ConfigException.class, () -> FreightNode.start(refused, false, "127.0.0.1", 0).close()))
                .hasMessageStartingWith("configuration: storage.s3: S3 bucket 'exports' at " + s3.endpoint()
                        + ": checking the bucket failed: HTTP 403").hasMessageContaining("check the S3 credentials");

        Files.writeString(file, Files.readString(file).replace("bucket: exports", "bucket: no-such-bucket"));
        Map<String, String> rightSecret = new java.util.HashMap<>(ENV);
        rightSecret.put("LINK_KEY", "0123456789abcdef0123456789abcdef-link-key");
        FreightConfig noBucket = ConfigLoader.load(Optional.of(file), rightSecret);
        assertThat(catchThrowableOfType(ConfigException.class, () -> FreightNode.start(noBucket, false, "127.0.0.1", 0).close()))
                .hasMessageContaining("S3 bucket 'no-such-bucket'").hasMessageEndingWith("the bucket does not exist (storage.s3.bucket)");
    }
}
