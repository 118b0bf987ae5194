package dev.freight.job;

import dev.freight.auth.Principal;
import dev.freight.export.ExportService;
import dev.freight.query.ExportRequest;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each test gets a fresh schema, so migrations run from scratch and no job leaks between tests; it is dropped
 * afterwards so that other tests' catalogs never see it.
 */
class PostgresJobQueueTest extends JobQueueContract {
    private String schema;

    @Override
    String jobStoreUrl(Path dir) {
        schema = "jobs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        TestDatabases.execute(TestDatabases.postgres(), "CREATE SCHEMA " + schema);
        return TestDatabases.postgres().replaceAll("currentSchema=[^&]*", "currentSchema=" + schema);
    }

    /**
     * Two nodes (two stores, each with its own pool) on one job store count the same exports: a sync export in
     * flight on one and the jobs queued on the other fill one owner's concurrent_jobs, and the hourly budget is one.
     */
    @Test
    void twoNodesCountTheSameExportsAndTakeFromTheSameBudget() {
        Principal owner = Principal.user("cluster-" + System.nanoTime());
        JobStore.Admission caps = new JobStore.Admission(2, 3);
        try (JdbcJobStore other = JdbcJobStore.open(url, null, null, 2, Clock.systemUTC())) {
            JobStore.SyncSlot streaming = other.admitSync(owner, caps);
            store.create(new JobStore.NewJob(owner, null, ExportRequest.of("queue_rows", "csv"), null, 3, caps));

            assertThatThrownBy(() -> other.create(new JobStore.NewJob(owner, null, ExportRequest.of("queue_rows",
                    "csv"), null, 3, caps))).isInstanceOf(JobStore.TooManyJobsException.class);
            streaming.close();
            other.create(new JobStore.NewJob(owner, null, ExportRequest.of("queue_rows", "csv"), null, 3, caps));

            // Three taken of three, on two nodes: the budget is spent for both.
            assertThatThrownBy(() -> store.admitSync(owner, new JobStore.Admission(Integer.MAX_VALUE, 3)))
                    .isInstanceOf(JobStore.RateLimitedException.class);
            assertThatThrownBy(() -> other.admitSync(owner, new JobStore.Admission(Integer.MAX_VALUE, 3)))
                    .isInstanceOf(JobStore.RateLimitedException.class);
        }
    }

    /** A node that stops removes the sync exports it still held: they must not count until their lease ends. */
    @Test
    void aClosedNodesSyncExportsStopCountingAtOnce() {
        Principal owner = Principal.user("closing-" + System.nanoTime());
        JdbcJobStore other = JdbcJobStore.open(url, null, null, 2, Clock.systemUTC());
        other.admitSync(owner, new JobStore.Admission(1, Long.MAX_VALUE));
        assertThat(store.countActive(owner.name())).isEqualTo(1);

        other.close();

        assertThat(store.countActive(owner.name())).isZero();
    }

    /**
     * A job queued on one node wakes the idle workers of another at once (NOTIFY), not at their next poll: here
     * the poll is a minute away, and the job is taken within seconds.
     */
    @Test
    void aJobQueuedOnOneNodeWakesTheIdleWorkersOfAnotherAtOnce() throws Exception {
        JobSettings minutePoll = new JobSettings(1, FAST.lease(), FAST.progressInterval(), Duration.ofMinutes(1),
                FAST.retryBackoff(), FAST.maxAttempts(), FAST.fileTtl(), FAST.jobRetention(), false, FAST.shutdownGrace());
        try (JdbcJobStore other = JdbcJobStore.open(url, null, null, 2, Clock.systemUTC());
             WorkerPool idle = new WorkerPool(other, files, ExportService.unrestricted(registry), minutePoll,
                     Clock.systemUTC())) {
            idle.start();
            dev.freight.testing.Await.until("the other node listening", Duration.ofSeconds(10),
                    () -> other.signals().hearsEverything());
            Thread.sleep(300); // its worker has looked once, found nothing, and waits for its next poll

            Job job = store.create(new JobStore.NewJob(Principal.user("tester"), null, ExportRequest.of("queue_rows",
                    "csv"), null, 3)).job();

            Job done = dev.freight.testing.Await.until("the job taken by the idle node", Duration.ofSeconds(10),
                    () -> store.get(job.id()).orElseThrow(), j -> j.status() == JobStatus.COMPLETED);
            assertThat(Duration.between(done.createdAt(), done.startedAt())).isLessThan(Duration.ofSeconds(5));
        }
    }

    /** A cancel requested on one node reaches the node running the job at once (NOTIFY), not at its next look. */
    @Test
    void aCancelOnOneNodeStopsTheJobRunningOnAnother() throws Exception {
        try (JdbcJobStore other = JdbcJobStore.open(url, null, null, 2, Clock.systemUTC());
             WorkerPool runner = new WorkerPool(other, files, ExportService.unrestricted(registry), FAST,
                     Clock.systemUTC())) {
            java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            other.signals().subscribe((kind, id) -> {
                if (kind == JobSignals.Kind.CANCEL) heard.add(id);
            });
            dev.freight.testing.Await.until("the other node listening", Duration.ofSeconds(10),
                    () -> other.signals().hearsEverything());
            runner.start();
            Job job = store.create(new JobStore.NewJob(Principal.user("tester"), null, slow("csv"), null, 3)).job();
            dev.freight.testing.Await.until("the job running on the other node", Duration.ofSeconds(10),
                    () -> runner.runningCount() == 1);

            assertThat(store.requestCancel(job.id())).isEqualTo(JobStore.CancelOutcome.CANCEL_REQUESTED);

            dev.freight.testing.Await.until("the cancel heard by the other node", Duration.ofSeconds(5),
                    () -> heard.contains(job.id()));
            dev.freight.testing.Await.until("the job cancelled", Duration.ofSeconds(10),
                    () -> store.get(job.id()).orElseThrow().status() == JobStatus.CANCELLED);
        }
    }

    /** job_store.listen: false (a pooler in transaction mode): the node hears its own changes only, and polls. */
    @Test
    void aNodeThatDoesNotListenHearsOnlyItsOwnChanges() throws Exception {
        try (JdbcJobStore quiet = JdbcJobStore.open(url, null, null, 2, Clock.systemUTC(), false)) {
            java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            quiet.signals().subscribe((kind, id) -> heard.add(id));

            Job mine = quiet.create(new JobStore.NewJob(Principal.user("tester"), null, ExportRequest.of("queue_rows",
                    "csv"), null, 3)).job();
            Job theirs = store.create(new JobStore.NewJob(Principal.user("tester"), null, ExportRequest.of("queue_rows",
                    "csv"), null, 3)).job();
            Thread.sleep(500);

            assertThat(quiet.signals().hearsEverything()).isFalse();
            assertThat(heard).contains(mine.id()).doesNotContain(theirs.id());
        }
    }

    @AfterEach
    void dropSchema() {
        close();
        pools.clear();
        TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
}
