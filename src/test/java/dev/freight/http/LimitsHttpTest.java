package dev.freight.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.error.ProblemCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

import static dev.freight.http.SecuredServer.JOBS;
import static dev.freight.http.SecuredServer.awaitStatus;
import static dev.freight.http.SecuredServer.jobIds;
import static dev.freight.http.SecuredServer.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Limits over real HTTP: each refusal answers with its code (and Retry-After where waiting helps), and leaves no
 * job behind. Every test uses principals of its own, since budgets are per principal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsHttpTest {
    private static final String SMALL_SYNC = "{\"dataset\": \"demo.orders\", \"row_limit\": 5, \"delivery\": \"sync\"}";
    private static final String SMALL_ASYNC = "{\"dataset\": \"demo.orders\", \"row_limit\": 5, \"delivery\": \"async\"}";

    SecuredServer s;

    @BeforeAll
    void start() {
        s = new SecuredServer("""
                limits:
                  exports_per_hour: 1000
                roles:
                  hourly:
                    datasets: {}
                    limits: { exports_per_hour: 2 }
                  single:
                    datasets: {}
                    limits: { concurrent_jobs: 1 }
                  pair:
                    datasets: {}
                    limits: { concurrent_jobs: 2 }
                  small:
                    datasets: {}
                    limits: { max_rows: 1000 }
                  tiny_files:
                    datasets: {}
                    limits: { max_file_bytes: 20KiB }
                  mid_files:
                    datasets: {}
                    limits: { max_file_bytes: 1MiB }
                  small_body:
                    datasets: {}
                    limits: { max_request_bytes: 200 }
                """, SecuredServer.defaults());
    }

    @AfterAll
    void stop() {
        if (s != null) s.close();
    }

    static void assertProblem(HttpResponse<byte[]> r, int status, String code) {
        assertThat(ProblemCode.fromCode(code)).as(code + " is listed in ProblemCode").isPresent();
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(status);
        assertThat(ApiClient.header(r, "Content-Type")).startsWith("application/problem+json");
        assertThat(ApiClient.json(r).get("code").asText()).isEqualTo(code);
    }

    static void assertProblem(HttpResponse<byte[]> r, ProblemCode code) {
        assertProblem(r, code.status(), code.code());
    }

    @Test
    void theExportAfterTheHourlyBudgetIsRefusedWithRetryAfterAndCreatesNothing() {
        ApiClient c = s.client("rate-a@hourly");
        assertThat(c.post(JOBS, SMALL_SYNC).statusCode()).isEqualTo(200);
        String job = submit(c, SMALL_ASYNC).get("id").asText();

        HttpResponse<byte[]> third = c.post(JOBS, SMALL_ASYNC);

        assertProblem(third, ProblemCode.RATE_LIMITED);
        long retryAfter = Long.parseLong(ApiClient.header(third, "Retry-After"));
        assertThat(retryAfter).isBetween(1L, 3600L);
        assertThat(ApiClient.json(third).get("detail").asText()).contains("exports_per_hour", "2");
        assertProblem(c.post(JOBS, SMALL_SYNC), 429, "rate_limited");
        assertThat(jobIds(c)).containsExactly(job);
    }

    @Test
    void theBudgetIsPerPrincipal() {
        ApiClient first = s.client("rate-b@hourly");
        for (int i = 0; i < 2; i++) assertThat(first.post(JOBS, SMALL_SYNC).statusCode()).isEqualTo(200);
        assertProblem(first.post(JOBS, SMALL_SYNC), 429, "rate_limited");

        assertThat(s.client("rate-c@hourly").post(JOBS, SMALL_SYNC).statusCode()).isEqualTo(200);
    }

    @Test
    void aRetryTakesFromTheBudgetLikeANewExport() {
        ApiClient c = s.client("rate-d@hourly");
        String failed = submit(c, "{\"dataset\": \"pg.boom_early\", \"delivery\": \"async\"}").get("id").asText();
        awaitStatus(c, failed, "failed");
        HttpResponse<byte[]> retried = c.post(JOBS + "/" + failed + "/retry", "");
        assertThat(retried.statusCode()).as(ApiClient.text(retried)).isEqualTo(202);

        assertProblem(c.post(JOBS + "/" + failed + "/retry", ""), 429, "rate_limited");
        assertThat(jobIds(c)).hasSize(2);
    }

    /** Admission is atomic: twenty creates at once with concurrent_jobs 2 queue exactly two jobs. */
    @Test
    void twentyParallelCreatesWithALimitOfTwoAdmitAtMostTwo() throws Exception {
        ApiClient c = s.client("conc-parallel@pair");
        String slowAsync = "{\"dataset\": \"pg.big\", \"delivery\": \"async\"}";
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(20);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<HttpResponse<byte[]>>> answers = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                String body = slowAsync;
                answers.add(threads.submit(() -> {
                    go.await();
                    return c.post(JOBS, body);
                }));
            }
            go.countDown();
            int admitted = 0;
            for (var a : answers) {
                HttpResponse<byte[]> r = a.get(120, java.util.concurrent.TimeUnit.SECONDS);
                if (r.statusCode() == 200 || r.statusCode() == 202) {
                    admitted++;
                } else {
                    assertProblem(r, ProblemCode.TOO_MANY_JOBS);
                }
            }
            assertThat(admitted).isEqualTo(2);
            assertThat(jobIds(c)).hasSize(2);
        } finally {
            threads.shutdownNow();
            for (String id : jobIds(c)) c.post(JOBS + "/" + id + "/cancel", "");
        }
    }

    @Test
    void aSecondJobWhileOneRunsIsRefusedWithTooManyJobs() {
        ApiClient c = s.client("conc-a@single");
        String running = submit(c, "{\"dataset\": \"pg.big\", \"delivery\": \"async\"}").get("id").asText();
        try {
            HttpResponse<byte[]> second = c.post(JOBS, SMALL_ASYNC);

            assertProblem(second, 429, "too_many_jobs");
            assertThat(ApiClient.header(second, "Retry-After")).isEqualTo("5");
            assertThat(ApiClient.json(second).get("detail").asText()).contains("concurrent_jobs", "1");
            assertProblem(c.post(JOBS, SMALL_SYNC), 429, "too_many_jobs");
            assertThat(jobIds(c)).containsExactly(running);
            // Another principal of the same role has jobs of its own to count.
            assertThat(s.client("conc-b@single").post(JOBS, SMALL_SYNC).statusCode()).isEqualTo(200);
        } finally {
            c.post(JOBS + "/" + running + "/cancel", "");
        }
        awaitStatus(c, running, "cancelled");
        assertThat(c.post(JOBS, SMALL_SYNC).statusCode()).isEqualTo(200);
    }

    @Test
    void aRowLimitAboveMaxRowsIsRefused() {
        ApiClient c = s.client("rows-a@small");
        HttpResponse<byte[]> r = c.post(JOBS, "{\"dataset\": \"demo.orders\", \"row_limit\": 1001, \"delivery\": \"async\"}");

        assertProblem(r, ProblemCode.TOO_MANY_ROWS);
        assertThat(ApiClient.json(r).get("field").asText()).isEqualTo("row_limit");
        assertThat(ApiClient.json(r).get("detail").asText()).contains("1000");
        assertThat(jobIds(c)).isEmpty();
    }

    @Test
    void anExportEstimatedAboveMaxRowsIsRefusedUpFront() {
        ApiClient c = s.client("rows-b@small");
        for (String delivery : List.of("sync", "async", "auto")) {
            HttpResponse<byte[]> r = c.post(JOBS, "{\"dataset\": \"demo.orders\", \"delivery\": \"" + delivery + "\"}");

            assertProblem(r, 400, "too_many_rows");
            assertThat(ApiClient.json(r).get("detail").asText()).contains("max_rows", "1000", "filters", "row_limit");
        }
        assertThat(jobIds(c)).isEmpty();
    }

    @Test
    void exportsWithinMaxRowsRun() {
        ApiClient c = s.client("rows-c@small");
        assertThat(c.post(JOBS, "{\"dataset\": \"demo.orders\", \"row_limit\": 1000, \"delivery\": \"sync\"}")
                .statusCode()).isEqualTo(200);
        // Without a row_limit, but filtered down to fewer rows than the limit.
        HttpResponse<byte[]> filtered = c.post(JOBS, "{\"dataset\": \"demo.orders\", \"delivery\": \"sync\", "
                + "\"filters\": [{\"column\": \"id\", \"op\": \"lte\", \"value\": 500}]}");
        assertThat(filtered.statusCode()).as(ApiClient.text(filtered)).isEqualTo(200);
    }

    /**
     * The up-front check believes PostgreSQL's statistics (10 rows, from before the table grew); the rows
     * themselves stop the job one past max_rows, and its partial file goes.
     */
    @Test
    void aJobThatTurnsOutLargerThanMaxRowsFailsWithTooManyRowsAndLeavesNoFile() throws IOException {
        String url = dev.freight.testing.TestDatabases.postgres().replaceAll("currentSchema=[^&]*",
                "currentSchema=" + dev.freight.testing.TestDatabases.runId() + "_http");
        dev.freight.testing.TestDatabases.execute(url, "DROP TABLE IF EXISTS grown",
                "CREATE TABLE grown (id bigint PRIMARY KEY) WITH (autovacuum_enabled = false)",
                "INSERT INTO grown SELECT g FROM generate_series(1, 10) g", "ANALYZE grown",
                "INSERT INTO grown SELECT g FROM generate_series(11, 5000) g");
        ApiClient c = s.client("rows-d@small");
        String id = submit(c, "{\"dataset\": \"pg.grown\", \"delivery\": \"async\"}").get("id").asText();

        JsonNode failed = awaitStatus(c, id, "failed");

        assertThat(failed.get("error_code").asText()).isEqualTo("too_many_rows");
        assertThat(failed.get("error_message").asText()).contains("max_rows limit of 1000 rows");
        assertThat(failed.get("attempts").asInt()).isEqualTo(1);
        try (Stream<java.nio.file.Path> left = Files.list(s.files.root())) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith(id));
        }
    }

    @Test
    void aJobWhoseFileGrowsPastMaxFileBytesFailsAndLeavesNoFile() throws IOException {
        ApiClient c = s.client("files-a@tiny_files");
        String id = submit(c, "{\"dataset\": \"demo.orders\", \"delivery\": \"async\"}").get("id").asText();

        JsonNode failed = awaitStatus(c, id, "failed");

        assertThat(failed.get("error_code").asText()).isEqualTo("file_too_large");
        assertThat(failed.get("error_message").asText()).contains("max_file_bytes", "20480 bytes", "20 KiB");
        assertThat(failed.get("attempts").asInt()).isEqualTo(1);
        assertThat(failed.get("file_name").isNull()).isTrue();
        try (Stream<java.nio.file.Path> left = Files.list(s.files.root())) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith(id));
        }
        assertProblem(c.get(JOBS + "/" + id + "/download"), 410, "no_file");
    }

    @Test
    void aJobWithinMaxFileBytesCompletes() {
        ApiClient c = s.client("files-b@tiny_files");
        String id = submit(c, "{\"dataset\": \"demo.orders\", \"row_limit\": 20, \"delivery\": \"async\"}").get("id").asText();
        assertThat(awaitStatus(c, id, "completed").get("file_size_bytes").asLong()).isLessThan(20 * 1024);
    }

    @Test
    void aSyncExportPastMaxFileBytesBeforeTheFirstByteIsAProblem() {
        HttpResponse<byte[]> r = s.client("files-c@tiny_files").post(JOBS, "{\"dataset\": \"demo.orders\", "
                + "\"delivery\": \"sync\", \"row_limit\": 2000}");

        assertProblem(r, ProblemCode.FILE_TOO_LARGE);
        assertThat(ApiClient.header(r, "Content-Disposition")).isNull();
    }

    @Test
    void aSyncExportPastMaxFileBytesAfterTheFirstByteBreaksTheTransfer() {
        ApiClient c = s.client("files-d@mid_files");
        HttpRequest req = c.request(JOBS).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"dataset\": \"demo.orders\", \"delivery\": \"sync\", "
                        + "\"row_limit\": 50000}")).build();
        assertThatThrownBy(() -> {
            HttpResponse<InputStream> r = c.send(req, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            try (InputStream in = r.body()) {
                long n = in.transferTo(java.io.OutputStream.nullOutputStream());
                throw new AssertionError("the transfer ended cleanly after " + n + " bytes");
            }
        }).isInstanceOf(IOException.class);
    }

    @Test
    void aBodyAboveTheRolesMaxRequestBytesIs413AndCreatesNothing() {
        String body = "{\"dataset\": \"demo.orders\", \"row_limit\": 5, \"delivery\": \"async\"}" + " ".repeat(200);
        ApiClient c = s.client("body-a@small_body");

        assertProblem(c.post(JOBS, body), ProblemCode.PAYLOAD_TOO_LARGE);
        assertThat(jobIds(c)).isEmpty();
        // The same body is fine for a role without that cap.
        assertThat(s.client("body-b").post(JOBS, body).statusCode()).isEqualTo(202);
    }
}
