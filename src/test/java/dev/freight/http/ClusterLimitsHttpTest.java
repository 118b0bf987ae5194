package dev.freight.http;

import dev.freight.error.ProblemCode;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import static dev.freight.http.SecuredServer.JOBS;
import static dev.freight.http.SecuredServer.jobIds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three nodes on one PostgreSQL job store, requests spread over them as a load balancer would: the limits hold for
 * the cluster, not per node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterLimitsHttpTest {
    private static final String SMALL_ASYNC = "{\"dataset\": \"demo.orders\", \"row_limit\": 5, \"delivery\": \"async\"}";
    private static final String SMALL_SYNC = "{\"dataset\": \"demo.orders\", \"row_limit\": 5, \"delivery\": \"sync\"}";

    private final String schema = TestDatabases.runId() + "_cluster_limits";
    private final List<SecuredServer> nodes = new ArrayList<>();

    @BeforeAll
    void start() {
        TestDatabases.execute(TestDatabases.postgres(), "CREATE SCHEMA " + schema);
        String jobStore = TestDatabases.postgres().replaceAll("currentSchema=[^&]*", "currentSchema=" + schema);
        String yaml = """
                limits:
                  exports_per_hour: 1000
                roles:
                  five_at_once:
                    datasets: {}
                    limits: { concurrent_jobs: 5 }
                  seven_an_hour:
                    datasets: {}
                    limits: { exports_per_hour: 7, concurrent_jobs: 100 }
                """;
        // Nodes that take requests and run no job: queued jobs stay pending, so the count under test stays still.
        for (int i = 0; i < 3; i++) nodes.add(new SecuredServer(yaml, SecuredServer.defaults(), null, jobStore, false));
    }

    @AfterAll
    void stop() {
        nodes.forEach(SecuredServer::close);
        TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    /** {@code requests} posted at once, the i-th to node i mod 3; the answers in order. */
    private List<HttpResponse<byte[]>> atOnce(int requests, IntFunction<HttpResponse<byte[]>> post) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(requests);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int n = i;
                answers.add(threads.submit(() -> {
                    go.await();
                    return post.apply(n);
                }));
            }
            go.countDown();
            List<HttpResponse<byte[]>> result = new ArrayList<>();
            for (Future<HttpResponse<byte[]>> a : answers) result.add(a.get(120, TimeUnit.SECONDS));
            return result;
        } finally {
            threads.shutdownNow();
        }
    }

    private static long admitted(List<HttpResponse<byte[]>> answers, ProblemCode refusal) {
        long admitted = 0;
        for (HttpResponse<byte[]> r : answers) {
            if (r.statusCode() == 200 || r.statusCode() == 202) {
                admitted++;
            } else {
                LimitsHttpTest.assertProblem(r, refusal);
            }
        }
        return admitted;
    }

    @Test
    void fiftyParallelCreatesSpreadOverThreeNodesAdmitExactlyConcurrentJobs() throws Exception {
        String principal = "spread@five_at_once";
        List<HttpResponse<byte[]>> answers = atOnce(50, i -> nodes.get(i % 3).client(principal).post(JOBS, SMALL_ASYNC));
        try {
            assertThat(admitted(answers, ProblemCode.TOO_MANY_JOBS)).isEqualTo(5);
            // Every node lists the same five.
            for (SecuredServer node : nodes) assertThat(jobIds(node.client(principal))).hasSize(5);
        } finally {
            for (String id : jobIds(nodes.get(0).client(principal))) {
                nodes.get(0).client(principal).post(JOBS + "/" + id + "/cancel", "");
            }
        }
    }

    @Test
    void anHourlyBudgetOfSevenAdmitsSevenAcrossTheCluster() throws Exception {
        String principal = "budget@seven_an_hour";
        List<HttpResponse<byte[]>> answers = atOnce(21, i -> nodes.get(i % 3).client(principal).post(JOBS, SMALL_SYNC));

        assertThat(admitted(answers, ProblemCode.RATE_LIMITED)).isEqualTo(7);
        for (SecuredServer node : nodes) {
            LimitsHttpTest.assertProblem(node.client(principal).post(JOBS, SMALL_SYNC), ProblemCode.RATE_LIMITED);
        }
    }
}
