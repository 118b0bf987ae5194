package dev.freight.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.testing.Await;
import dev.freight.testing.ForkedNode;
import dev.freight.testing.S3TestServer;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.freight.http.SecuredServer.JOBS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three nodes as separate JVMs on one PostgreSQL job store and one file store shared by all (a directory, as NFS
 * would be, or an S3 bucket): 30 jobs queued through one node, the node running the long export killed with SIGKILL part way. Every job
 * completes exactly once, the killed export is taken over from its last checkpoint (not from the start) and its file
 * is the same as an undisturbed export's, no partial file is left, and an event stream on a surviving node follows
 * the export to its end.
 */
class ClusterFailoverTest {
    private static final Pattern SERVING = Pattern.compile("Freight is serving .* at http://[^:]+:(\\d+)");
    private static final Pattern NEW_KEY = Pattern.compile("Admin API key \\(shown once, stored hashed\\): (frt_\\S+)");
    private static final Pattern SHARED_KEY = Pattern.compile("Admin API key: the one shown when this job store");
    private static final Map<String, String> LINK_KEY = Map.of("LINK_KEY", "cluster-failover-link-key-".repeat(2));
    /** Rows of the paced view: about 6 s to export, time enough to kill its node part way. */
    private static final int PACED_ROWS = 120_000;

    @TempDir
    Path dir;
    private final String schema = TestDatabases.runId() + "_failover";
    private final String view = TestDatabases.runId() + "_failover_rows";
    private final String small = TestDatabases.runId() + "_failover_small";
    private final List<ForkedNode> nodes = new ArrayList<>();
    private S3TestServer s3;

    @AfterEach
    void stop() throws Exception {
        for (ForkedNode n : nodes) n.close();
        if (s3 != null) s3.close();
        TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA IF EXISTS " + schema + " CASCADE",
                "DROP VIEW IF EXISTS " + view, "DROP TABLE IF EXISTS " + small);
    }

    private String storage(String kind) throws Exception {
        if (kind.equals("local")) return "storage:\n  path: " + dir.resolve("shared-files") + "\n";
        s3 = S3TestServer.start(Files.createDirectories(dir.resolve("bucket-root")), "exports");
        return s3.storageYaml("exports", "download: proxy\npart_size: 5MiB");
    }

    private Path config(String node, String jobStore, String storage) throws Exception {
        Path data = Files.createDirectories(dir.resolve(node));
        return Files.writeString(data.resolve("freight.yml"), """
                data_dir: %s
                server:
                  port: 0
                  signed_links:
                    key: ${env:LINK_KEY}
                job_store:
                  url: "%s"
                %s
                sources:
                  pg:
                    url: "%s"
                    include: ["%s", "%s"]
                datasets:
                  failover_rows:
                    source: pg
                    table: %s
                    key: id
                exports:
                  worker_concurrency: 2
                  lease: 3s
                  heartbeat: 500ms
                  sweep_interval: 1s
                  retry_backoff: 1s
                limits:
                  concurrent_jobs: 100
                  exports_per_hour: 1000
                """.formatted(data, jobStore, storage.strip(), TestDatabases.postgres(), view, small, view));
    }

    @ParameterizedTest(name = "storage {0}")
    @ValueSource(strings = {"local", "s3"})
    void theKilledNodesExportIsTakenOverAndEveryJobCompletesExactlyOnce(String storageKind) throws Exception {
        String storage = storage(storageKind);
        Map<String, String> env = new HashMap<>(LINK_KEY);
        env.put("S3_ACCESS_KEY", S3TestServer.ACCESS_KEY);
        env.put("S3_SECRET_KEY", S3TestServer.SECRET_KEY);
        TestDatabases.execute(TestDatabases.postgres(), "CREATE SCHEMA " + schema,
                "CREATE TABLE " + small + " AS SELECT g AS id, 'order ' || g AS label FROM generate_series(1, 200) g",
                // Rows whose bytes are known in advance, paced by the source: 5 ms every 100 rows; about 100 bytes
                // each, so that an S3 upload of 5 MiB parts has stored a part or two part way. In the order of id, which
                // the planner knows: the resumable export (ordered by its key) streams rows as they come.
                "CREATE VIEW " + view + " AS SELECT g AS id, md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text) "
                        + "AS payload, CASE WHEN g % 100 = 0 THEN pg_sleep(0.005)::text END AS pause "
                        + "FROM generate_series(1, " + PACED_ROWS + ") g ORDER BY g");
        String jobStore = TestDatabases.postgres().replaceAll("currentSchema=[^&]*", "currentSchema=" + schema);
        List<Integer> ports = new ArrayList<>();
        String key = null;
        for (int i = 0; i < 3; i++) {
            ForkedNode node = ForkedNode.start(env, "serve", "--config", config("node" + i, jobStore, storage).toString());
            nodes.add(node);
            ports.add(Integer.parseInt(node.await(SERVING, Duration.ofSeconds(90)).group(1)));
            if (i == 0) key = node.await(NEW_KEY, Duration.ofSeconds(5)).group(1);
            else node.await(SHARED_KEY, Duration.ofSeconds(5));
        }
        ApiClient first = new ApiClient(ports.get(0), key);

        String paced = "{\"dataset\": \"failover_rows\", \"format\": \"csv\", \"delivery\": \"async\"}";
        String big = SecuredServer.submit(first, paced).get("id").asText();
        List<String> others = new ArrayList<>();
        for (int i = 0; i < 29; i++) {
            others.add(SecuredServer.submit(first, "{\"dataset\": \"" + small + "\", \"format\": \"csv\", "
                    + "\"delivery\": \"async\", \"row_limit\": " + (i + 1) + "}").get("id").asText());
        }
        // Part way: some rows exported and a checkpoint recorded (with S3, once a part has gone up), far from all.
        long checkpoint = Await.until("the long export part way, with a checkpoint", Duration.ofSeconds(60),
                () -> checkpointRows(big, jobStore), rows -> rows > 10_000);
        JsonNode running = ApiClient.json(first.get(JOBS + "/" + big));
        int victim = victim(big, jobStore);
        ApiClient survivor = new ApiClient(ports.get((victim + 1) % 3), key);
        CompletableFuture<List<HttpApiContract.Event>> followed =
                CompletableFuture.supplyAsync(() -> HttpApiContract.events(survivor, big));
        Thread.sleep(300);   // the stream has started and sent the job's state

        nodes.get(victim).kill();

        List<HttpApiContract.Event> events = followed.get(90, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(running.get("processed_rows").asLong()).isLessThan(PACED_ROWS);
        assertThat(events.get(events.size() - 1).name()).isEqualTo("file_ready");
        // The takeover continues from the checkpoint (processed rows go back at most to it, not to 0) and the stream
        // follows it to the end.
        List<Long> progress = events.stream().filter(e -> e.name().equals("progress"))
                .map(e -> e.data().get("processed_rows").asLong()).toList();
        assertThat(progress).allSatisfy(rows -> assertThat(rows).isGreaterThanOrEqualTo(Math.min(checkpoint,
                progress.get(0))));
        assertThat(checkpoint).isLessThan(PACED_ROWS);

        List<String> all = new ArrayList<>(others);
        all.add(big);
        for (String id : all) {
            JsonNode job = Await.until("job " + id + " completed", Duration.ofSeconds(90),
                    () -> ApiClient.json(survivor.get(JOBS + "/" + id)), j -> !j.get("status").asText().equals("pending")
                            && !j.get("status").asText().equals("running"));
            assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
            JsonNode audit = ApiClient.json(survivor.get("/api/v1/audit?job_id=" + id)).get("events");
            long completions = 0;
            for (JsonNode e : audit) if (e.get("action").asText().equals("export_completed")) completions++;
            assertThat(completions).as("completions of " + id).isEqualTo(1);
        }
        assertThat(ApiClient.json(survivor.get(JOBS + "/" + big)).get("attempts").asInt()).isEqualTo(2);

        // The same export, undisturbed, on a surviving node: the same bytes.
        String again = SecuredServer.submit(survivor, paced).get("id").asText();
        Await.until("the undisturbed export", Duration.ofSeconds(90),
                () -> ApiClient.json(survivor.get(JOBS + "/" + again)).get("status").asText(), "completed"::equals);
        byte[] takenOver = survivor.get(JOBS + "/" + big + "/download").body();
        byte[] undisturbed = survivor.get(JOBS + "/" + again + "/download").body();
        assertThat(takenOver.length).isGreaterThan(PACED_ROWS * 30);
        assertThat(takenOver).isEqualTo(undisturbed);

        // The killed node's partial file (or multipart upload) is swept by a surviving node; one file per job.
        if (s3 == null) {
            Await.until("no partial file left", Duration.ofSeconds(30), () -> {
                try (Stream<Path> files = Files.list(dir.resolve("shared-files"))) {
                    return files.noneMatch(f -> f.getFileName().toString().endsWith(".part"));
                }
            }, Boolean.TRUE::equals);
        } else {
            Await.until("no pending upload left", Duration.ofSeconds(30), () -> s3.pendingUploads("exports"),
                    List::isEmpty);
            assertThat(s3.objectKeys("exports")).hasSize(all.size() + 1);
        }
    }

    /** The rows of the job's recorded checkpoint; 0 while it has none. */
    private static long checkpointRows(String jobId, String jobStore) throws Exception {
        try (java.sql.Connection c = TestDatabases.connect(jobStore); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT checkpoint FROM export_job WHERE id = '" + jobId + "'")) {
            assertThat(rs.next()).isTrue();
            String json = rs.getString(1);
            return json == null ? 0 : new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("rows").asLong();
        }
    }

    /** Which node runs the job: the process id in its worker's name (pid@host-…). */
    private int victim(String jobId, String jobStore) throws Exception {
        Map<Long, Integer> byPid = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) byPid.put(nodes.get(i).pid(), i);
        try (java.sql.Connection c = TestDatabases.connect(jobStore); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT locked_by FROM export_job WHERE id = '" + jobId + "'")) {
            assertThat(rs.next()).isTrue();
            long pid = Long.parseLong(rs.getString(1).substring(0, rs.getString(1).indexOf('@')));
            assertThat(byPid).containsKey(pid);
            return byPid.get(pid);
        }
    }
}
