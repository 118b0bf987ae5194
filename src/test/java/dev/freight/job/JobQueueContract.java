package dev.freight.job;

import dev.freight.export.ExportService;
import dev.freight.store.StoreException;
import dev.freight.auth.Principal;
import dev.freight.query.ExportRequest;
import dev.freight.source.JdbcSource;
import dev.freight.source.SourceRegistry;
import dev.freight.storage.LocalFileStore;
import dev.freight.testing.Await;
import dev.freight.testing.LogCapture;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The job table as a queue, with real workers exporting from a real PostgreSQL source into real files. Runs once
 * per job store (H2 and PostgreSQL).
 */
abstract class JobQueueContract {
    static final JobSettings FAST = new JobSettings(2, Duration.ofSeconds(2), Duration.ofMillis(200),
            Duration.ofMillis(100), Duration.ofMillis(200), 3, Duration.ofHours(1), Duration.ofDays(30), false,
            Duration.ofSeconds(5));

    static final long SLOW_ROWS = 6_000;
    static JdbcSource source;
    static SourceRegistry registry;
    /** The slow view as a dataset with a key: its jobs are resumable. */
    static SourceRegistry keyed;
    static final String SLOW_KEYED = "queue_slow_keyed";

    @TempDir
    Path dir;
    JdbcJobStore store;
    LocalFileStore files;
    JobService service;
    final List<WorkerPool> pools = new ArrayList<>();

    /** A new, empty job store's URL; called once per test: {@link #url} is the one the test's {@link #store} uses. */
    abstract String jobStoreUrl(Path dir);

    /** The URL of this test's job store, for a second store on it (another node). */
    String url;

    @BeforeAll
    static void bigTable() {
        String url = TestDatabases.postgres();
        TestDatabases.execute(url,
                "CREATE TABLE IF NOT EXISTS queue_rows AS SELECT g AS id, md5(g::text) AS label, g / 7.0 AS amount "
                        + "FROM generate_series(1, 1000) g",
                // Streams steadily but slowly (5 ms every 20 rows, about 1.5 s in all): long enough to cancel, kill
                // or break a running job, short enough to finish quickly.
                "CREATE OR REPLACE VIEW queue_slow_rows AS SELECT g AS id, md5(g::text) AS label, "
                        + "CASE WHEN g % 20 = 0 THEN pg_sleep(0.005)::text END AS nap "
                        + "FROM generate_series(1, " + SLOW_ROWS + ") g",
                // The same rows in the order of id, which the planner knows: ordered by its key, a resumable export
                // still streams them as they come instead of sorting them all first.
                "CREATE OR REPLACE VIEW queue_slow_rows_keyed AS SELECT g AS id, md5(g::text) AS label, "
                        + "CASE WHEN g % 20 = 0 THEN pg_sleep(0.005)::text END AS nap "
                        + "FROM generate_series(1, " + SLOW_ROWS + ") g ORDER BY g",
                // Ten times slower (about 15 s): outlasts a heartbeat of several seconds.
                "CREATE OR REPLACE VIEW queue_slower_rows AS SELECT g AS id, md5(g::text) AS label, "
                        + "CASE WHEN g % 20 = 0 THEN pg_sleep(0.05)::text END AS nap "
                        + "FROM generate_series(1, " + SLOW_ROWS + ") g");
        if (source == null) {
            source = JdbcSource.open("pg", url, null, null, 8);
            registry = SourceRegistry.of(Map.of("pg", source));
            keyed = new SourceRegistry(Map.of("pg", new SourceRegistry.Entry(source, (schema, table) -> true)),
                    List.of(new SourceRegistry.Definition(SLOW_KEYED, "pg", "queue_slow_rows_keyed", null, null, List.of("id"))));
        }
    }

    @BeforeEach
    void open() throws Exception {
        url = jobStoreUrl(dir);
        store = JdbcJobStore.open(url, null, null, 4, Clock.systemUTC());
        files = new LocalFileStore(dir.resolve("exports"));
        service = new JobService(store, files, ExportService.unrestricted(registry), FAST, null);
    }

    @AfterEach
    void close() {
        pools.forEach(WorkerPool::close);
        pools.clear();
        store.close();
    }

    WorkerPool pool(JobSettings settings) {
        return pool(settings, registry);
    }

    WorkerPool pool(JobSettings settings, SourceRegistry datasets) {
        WorkerPool pool = new WorkerPool(store, files, ExportService.unrestricted(datasets), settings, Clock.systemUTC());
        pools.add(pool);
        pool.start();
        return pool;
    }

    static ExportRequest slow(String format) {
        return ExportRequest.of("queue_slow_rows", format);
    }

    Job submit(ExportRequest request) {
        return service.submit(Principal.user("tester"), null, request).job();
    }

    Job await(String id, String what, Predicate<Job> condition, Duration timeout) {
        return Await.until("job " + id + " " + what, timeout, () -> store.get(id).orElseThrow(), condition);
    }

    Job awaitStatus(String id, JobStatus status) {
        return await(id, "to be " + status, j -> j.status() == status, Duration.ofSeconds(60));
    }

    /**
     * The export of {@code view} is under way: its query runs on the source. (Its progress would show only at the
     * end: the slow views' rows come in one fetch.)
     */
    static void awaitSourceQuery(String view) {
        Await.until("the export's query of " + view + " running on the source", Duration.ofSeconds(30),
                () -> TestDatabases.runningStatements(view) > 0);
    }

    @Test
    void aJobKeepsItsDeliveryPlanAndSchedule() {
        dev.freight.delivery.DeliveryPlan plan = new dev.freight.delivery.DeliveryPlan(List.of(
                new dev.freight.delivery.DeliveryTarget.Webhook("https://hooks.example.com/freight"),
                new dev.freight.delivery.DeliveryTarget.Email(List.of("ops@example.com"), null)), "rows > 0");
        Job job = store.create(new JobStore.NewJob(Principal.user("tester"), null, ExportRequest.of("queue_rows", "csv"),
                null, 3, JobStore.Admission.UNLIMITED, plan, "sch_1")).job();
        Job read = store.get(job.id()).orElseThrow();
        assertThat(read.plan()).isEqualTo(plan);
        assertThat(read.scheduleId()).isEqualTo("sch_1");
        assertThat(read.conditionMet()).isNull();
        Job plain = submit(ExportRequest.of("queue_rows", "csv"));
        assertThat(plain.plan()).isSameAs(dev.freight.delivery.DeliveryPlan.NONE);
        assertThat(plain.scheduleId()).isNull();
        assertThat(store.deliveryLog(plain.id())).isEmpty();
    }

    @Test
    void aQueuedJobIsExportedToAFileAndRecorded() throws Exception {
        pool(FAST);
        Job job = submit(ExportRequest.of("queue_rows", "csv").withRowLimit(1000L));
        assertThat(job.status()).isEqualTo(JobStatus.PENDING);
        assertThat(job.totalRows()).isEqualTo(1000L);

        Job done = awaitStatus(job.id(), JobStatus.COMPLETED);
        assertThat(done.rowCount()).isEqualTo(1000L);
        assertThat(done.attempts()).isEqualTo(1);
        assertThat(done.fileName()).matches("queue_rows-\\d{8}-\\d{6}-" + job.id() + "\\.csv");
        assertThat(done.contentType()).startsWith("text/csv");
        assertThat(done.expiresAt()).isAfter(done.completedAt());
        assertThat(done.lockedBy()).isNull();
        Path file = files.root().resolve(job.id());
        assertThat(Files.size(file)).isEqualTo(done.fileSizeBytes());
        assertThat(Files.readAllLines(file)).hasSize(1001).first().isEqualTo("id,label,amount");
        try (var parts = Files.list(files.root())) {
            assertThat(parts.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
        }
    }

    @Test
    void concurrentClaimsNeverTakeTheSameJob() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) ids.add(submit(ExportRequest.of("queue_rows", "csv").withRowLimit(1L)).id());
        List<String> claimed = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService claimers = Executors.newFixedThreadPool(8);
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String worker = "w" + i;
            tasks.add(() -> {
                // A claim may come back empty while another claimer holds the row lock (H2 skips it): keep going
                // until nothing is pending.
                while (store.countByStatus().get(JobStatus.PENDING) > 0) {
                    store.claim(worker, Duration.ofMinutes(1)).ifPresent(j -> claimed.add(j.id()));
                }
                return null;
            });
        }
        for (Future<Void> f : claimers.invokeAll(tasks)) f.get();
        claimers.shutdown();
        assertThat(claimed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
        assertThat(store.list(null, JobStatus.RUNNING, null, 100).jobs()).hasSize(20)
                .allSatisfy(j -> assertThat(j.attempts()).isEqualTo(1));
    }

    @Test
    void theSameIdempotencyKeyReturnsTheSameJob() {
        JobStore.Created first = service.submit(Principal.user("alice"), "key-1", ExportRequest.of("queue_rows", "csv").withRowLimit(5L));
        JobStore.Created again = service.submit(Principal.user("alice"), "key-1", ExportRequest.of("queue_rows", "csv").withRowLimit(5L));
        JobStore.Created otherCaller = service.submit(Principal.user("bob"), "key-1", ExportRequest.of("queue_rows", "csv").withRowLimit(5L));
        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.job().id()).isEqualTo(first.job().id());
        assertThat(otherCaller.created()).isTrue();
        assertThat(otherCaller.job().id()).isNotEqualTo(first.job().id());
    }

    @Test
    void cancellingARunningJobStopsItWithinASecondAndRemovesThePartialFile() throws Exception {
        WorkerPool pool = pool(FAST);
        Job job = submit(slow("ndjson"));
        awaitStatus(job.id(), JobStatus.RUNNING);
        awaitSourceQuery("queue_slow_rows");
        Instant asked = Instant.now();
        assertThat(service.cancel(job.id())).as("%s", store.get(job.id())).isEqualTo(JobStore.CancelOutcome.CANCEL_REQUESTED);
        Job cancelled = awaitStatus(job.id(), JobStatus.CANCELLED);
        assertThat(Duration.between(asked, cancelled.completedAt())).isLessThan(Duration.ofSeconds(1));
        assertThat(cancelled.fileName()).isNull();
        // The worker records the cancel, then lets go of the job: a moment later it counts as running no more.
        Await.until("the worker to let go of the cancelled job", Duration.ofSeconds(1), () -> pool.runningCount() == 0);
        try (var left = Files.list(files.root())) {
            assertThat(left.toList()).isEmpty();
        }
    }

    @Test
    void cancelRequestsAreSeenByWorkersOnOtherNodes() throws Exception {
        pool(FAST);
        Job job = submit(slow("ndjson"));
        awaitStatus(job.id(), JobStatus.RUNNING);
        // Straight to the store, as another node's API would: only the heartbeat carries it to the worker.
        assertThat(store.requestCancel(job.id())).isEqualTo(JobStore.CancelOutcome.CANCEL_REQUESTED);
        Instant asked = Instant.now();
        awaitStatus(job.id(), JobStatus.CANCELLED);
        assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aCancelRequestedOnAnotherNodeStopsTheJobWithinASecondWhateverTheHeartbeat() throws Exception {
        // A heartbeat every 5 s: only a look at cancel requests of its own can stop the job within a second.
        pool(new JobSettings(1, Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(100),
                Duration.ofMillis(200), 3, Duration.ofHours(1), Duration.ofDays(30), false, Duration.ofSeconds(5)));
        Job job = submit(ExportRequest.of("queue_slower_rows", "ndjson"));
        awaitStatus(job.id(), JobStatus.RUNNING);
        awaitSourceQuery("queue_slower_rows");
        Instant asked = Instant.now();
        assertThat(store.requestCancel(job.id())).isEqualTo(JobStore.CancelOutcome.CANCEL_REQUESTED);
        Job cancelled = awaitStatus(job.id(), JobStatus.CANCELLED);
        assertThat(Duration.between(asked, cancelled.completedAt())).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aPendingJobIsCancelledAtOnce() {
        Job job = submit(ExportRequest.of("queue_rows", "csv"));
        assertThat(service.cancel(job.id())).isEqualTo(JobStore.CancelOutcome.CANCELLED);
        assertThat(store.get(job.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(service.cancel(job.id())).isEqualTo(JobStore.CancelOutcome.ALREADY_FINISHED);
    }

    @Test
    void aKilledWorkersJobIsFinishedByAnotherAfterItsLeaseLapses() throws Exception {
        WorkerPool doomed = pool(FAST.withConcurrency(1));
        Job job = submit(slow("csv"));
        Job running = awaitStatus(job.id(), JobStatus.RUNNING);
        String firstWorker = running.lockedBy();
        doomed.kill();
        assertThat(store.get(job.id()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);

        pool(FAST.withConcurrency(1));
        Job done = awaitStatus(job.id(), JobStatus.COMPLETED);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.rowCount()).isEqualTo(SLOW_ROWS);
        assertThat(firstWorker).isNotNull();
        assertThat(Files.readAllLines(files.root().resolve(job.id()))).hasSize((int) SLOW_ROWS + 1);
    }

    @Test
    void aTerminatedSourceConnectionIsRetriedAndTheJobCompletes() throws Exception {
        pool(FAST);
        Job job = submit(slow("csv"));
        awaitStatus(job.id(), JobStatus.RUNNING);
        await(job.id(), "to lose its source connection", j -> terminateExportBackend() || j.status().isTerminal(),
                Duration.ofSeconds(30));

        Job done = awaitStatus(job.id(), JobStatus.COMPLETED);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.rowCount()).isEqualTo(SLOW_ROWS);
        assertThat(done.errorCode()).isNull();
    }

    /** A resumable job's checkpoint once it has one past {@code rows}. */
    JobCheckpoint awaitCheckpointPast(String id, long rows) {
        return Await.until("job " + id + " to record a checkpoint past " + rows + " rows", Duration.ofSeconds(30),
                () -> store.checkpoint(id).flatMap(JobCheckpoint::read).orElse(null),
                c -> c != null && c.checkpoint().rows() > rows);
    }

    /** What an export of the keyed slow view that never stopped writes: its rows ordered by the key. */
    static byte[] undisturbed(String format) {
        return dev.freight.testing.ExportRunner.export(source, ExportRequest.of("queue_slow_rows_keyed", format)
                .withSort(List.of(new dev.freight.query.SortKey("id", "asc")))).bytes();
    }

    @Test
    void aJobWhoseSourceConnectionDropsContinuesFromItsCheckpointIntoTheSameBytes() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            service = new JobService(store, files, ExportService.unrestricted(keyed), FAST, null);
            pool(FAST, keyed);
            Job job = submit(ExportRequest.of(SLOW_KEYED, "csv"));
            JobCheckpoint reached = awaitCheckpointPast(job.id(), 1000);
            await(job.id(), "to lose its source connection", j -> terminateExportBackend() || j.status().isTerminal(),
                    Duration.ofSeconds(30));

            Job done = awaitStatus(job.id(), JobStatus.COMPLETED);
            assertThat(done.attempts()).isEqualTo(2);
            assertThat(done.rowCount()).isEqualTo(SLOW_ROWS);
            assertThat(Files.readAllBytes(files.root().resolve(job.id()))).isEqualTo(undisturbed("csv"));
            String resumed = log.await("INFO", JobRunner.class.getName(), "continues from its checkpoint after",
                    Duration.ofSeconds(5));
            long from = Long.parseLong(resumed.replaceAll(".*after (\\d+) rows.*", "$1"));
            assertThat(from).isGreaterThanOrEqualTo(reached.checkpoint().rows()).isLessThan(SLOW_ROWS);
            assertThat(files.parts()).isEmpty();
        }
    }

    @Test
    void aKilledWorkersResumableJobIsContinuedByAnotherFromItsCheckpoint() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            service = new JobService(store, files, ExportService.unrestricted(keyed), FAST, null);
            WorkerPool doomed = pool(FAST.withConcurrency(1), keyed);
            Job job = submit(ExportRequest.of(SLOW_KEYED, "ndjson"));
            JobCheckpoint reached = awaitCheckpointPast(job.id(), 2000);
            doomed.kill();

            pool(FAST.withConcurrency(1), keyed);
            Job done = awaitStatus(job.id(), JobStatus.COMPLETED);
            assertThat(done.attempts()).isEqualTo(2);
            assertThat(done.rowCount()).isEqualTo(SLOW_ROWS);
            assertThat(Files.readAllBytes(files.root().resolve(job.id()))).isEqualTo(undisturbed("ndjson"));
            assertThat(log.await("INFO", JobRunner.class.getName(), "continues from its checkpoint after",
                    Duration.ofSeconds(5))).contains("job " + job.id());
            assertThat(reached.checkpoint().rows()).isGreaterThan(2000);
            assertThat(files.parts()).isEmpty();
        }
    }

    /** With exports.resume off, a keyed job is exported as requested (in no particular order) and records no checkpoint. */
    @Test
    void withResumeOffAKeyedJobTakesNoCheckpoint() throws Exception {
        service = new JobService(store, files, ExportService.unrestricted(keyed), FAST, null);
        pool(FAST.withResume(false), keyed);
        Job job = submit(ExportRequest.of(SLOW_KEYED, "csv"));

        Job done = awaitStatus(job.id(), JobStatus.COMPLETED);
        assertThat(done.rowCount()).isEqualTo(SLOW_ROWS);
        assertThat(store.checkpoint(job.id())).isEmpty();
    }

    /** The part a queued job's checkpoint names is its next attempt's: the sweeper keeps it, and only it. */
    @Test
    void theSweeperKeepsThePartAQueuedJobsCheckpointNames() throws Exception {
        Job job = submit(ExportRequest.of("queue_rows", "csv"));
        store.claim("crashed", Duration.ofMillis(1)).orElseThrow();
        dev.freight.storage.FileStore.Upload kept = files.create(job.id());
        kept.stream().write(new byte[10_000]);
        kept.stream().flush();
        dev.freight.storage.FileStore.Upload other = files.create(job.id());
        other.stream().write(new byte[10_000]);
        other.stream().flush();
        String checkpoint = new JobCheckpoint(new dev.freight.engine.Checkpoint(100, 100L, 5_000),
                kept.stored().orElseThrow()).json().orElseThrow();
        JobStore.Heartbeat beat = store.heartbeat(job.id(), "crashed", Duration.ofMillis(1), 100, checkpoint);
        assertThat(beat).isNotEqualTo(JobStore.Heartbeat.LEASE_LOST);
        Thread.sleep(50);

        new Sweeper(store, files, FAST, store.clock()).sweepOnce();

        assertThat(files.parts()).extracting(dev.freight.storage.FileStore.Part::name)
                .containsExactly(kept.stored().orElseThrow().upload());
        kept.close();
        other.close();
    }

    /** Kills the PostgreSQL backend that is streaming queue_rows, as a crashed or restarted server would. */
    static boolean terminateExportBackend() {
        try (Connection c = DriverManager.getConnection(TestDatabases.postgres()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                     + "query LIKE '%queue_slow_rows%' AND pid <> pg_backend_pid()")) {
            return rs.next() && rs.getBoolean(1);
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * A crashed worker's partial file goes at the next sweep once its job no longer runs on a live lease; the part
     * of a job running on a live lease stays (it may be the one being written), and so does, for a day, the part of
     * a job this job store does not know (another deployment sharing the bucket or directory may be writing it).
     */
    @Test
    void theSweeperRemovesPartialFilesOfJobsNotRunningOnALiveLease() throws Exception {
        Job live = submit(ExportRequest.of("queue_rows", "csv"));
        store.claim("writer", Duration.ofMinutes(5)).orElseThrow();
        Job lapsed = submit(ExportRequest.of("queue_rows", "csv"));
        store.claim("crashed", Duration.ofMillis(1)).orElseThrow();
        Job queued = submit(ExportRequest.of("queue_rows", "csv"));
        List<dev.freight.storage.FileStore.Upload> crashed = new java.util.ArrayList<>();
        for (String key : List.of(live.id(), lapsed.id(), queued.id(), "nojobwiththisid")) {
            dev.freight.storage.FileStore.Upload u = files.create(key);
            u.stream().write(new byte[100_000]);
            u.stream().flush();
            crashed.add(u);
        }
        Thread.sleep(50);

        new Sweeper(store, files, FAST, store.clock()).sweepOnce();

        assertThat(files.parts()).extracting(dev.freight.storage.FileStore.Part::key)
                .containsExactlyInAnyOrder(live.id(), "nojobwiththisid");

        new Sweeper(store, files, FAST, store.clock()).removeAbandonedParts(store.clock().instant().plus(Duration.ofHours(25)));

        assertThat(files.parts()).isEmpty();
        crashed.forEach(dev.freight.storage.FileStore.Upload::close);
    }

    /**
     * Leases are the job store's time: a node whose own clock runs a minute ahead neither takes a running job from a
     * healthy node at its claim nor fails it as lost in its sweep.
     */
    @Test
    void aNodeWhoseClockRunsAMinuteAheadTakesNoRunningJobAndFailsNone() {
        // One job that could be taken over (attempts left) and one that could only be failed as lost (none left).
        Job job = store.create(new JobStore.NewJob(Principal.user("tester"), null, ExportRequest.of("queue_rows", "csv"),
                null, 3)).job();
        Job lastAttempt = store.create(new JobStore.NewJob(Principal.user("tester"), null,
                ExportRequest.of("queue_rows", "csv"), null, 1)).job();
        store.claim("healthy-node", Duration.ofSeconds(30)).orElseThrow();
        store.claim("healthy-node", Duration.ofSeconds(30)).orElseThrow();

        try (JdbcJobStore ahead = JdbcJobStore.open(url, null, null, 2,
                Clock.offset(Clock.systemUTC(), Duration.ofSeconds(60)))) {
            assertThat(ahead.clock().instant()).isBetween(java.time.Instant.now().minusSeconds(5),
                    java.time.Instant.now().plusSeconds(5));
            assertThat(ahead.claim("fast-clock-node", Duration.ofSeconds(30))).isEmpty();
            assertThat(ahead.failExhaustedLeases()).isEmpty();
            new Sweeper(ahead, files, FAST, ahead.clock()).sweepOnce();
        }
        for (Job j : List.of(job, lastAttempt)) {
            Job after = store.get(j.id()).orElseThrow();
            assertThat(after.status()).isEqualTo(JobStatus.RUNNING);
            assertThat(after.lockedBy()).isEqualTo("healthy-node");
            assertThat(after.attempts()).isEqualTo(1);
        }
    }

    /**
     * concurrent_jobs is counted and taken in the inserting transaction: twenty creates at once under a limit of
     * two (each on its own connection, as separate nodes would be) store exactly two jobs.
     */
    @Test
    void twentyParallelCreatesUnderALimitOfTwoStoreExactlyTwo() throws Exception {
        Principal owner = Principal.user("parallel-" + System.nanoTime());
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(20);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                results.add(threads.submit(() -> {
                    go.await();
                    try {
                        store.create(new JobStore.NewJob(owner, null, ExportRequest.of("queue_rows", "csv"), null, 3,
                                new JobStore.Admission(2, Long.MAX_VALUE)));
                        return true;
                    } catch (JobStore.TooManyJobsException refused) {
                        return false;
                    }
                }));
            }
            go.countDown();
            long created = 0;
            for (var r : results) if (r.get(30, java.util.concurrent.TimeUnit.SECONDS)) created++;
            assertThat(created).isEqualTo(2);
            assertThat(store.countActive(owner.name())).isEqualTo(2);
        } finally {
            threads.shutdownNow();
        }
    }

    private static final ExportRequest QUEUED = ExportRequest.of("queue_rows", "csv");

    private JobStore.Created queue(Principal owner, JobStore.Admission caps) {
        return store.create(new JobStore.NewJob(owner, null, QUEUED, null, 3, caps));
    }

    @Test
    void syncExportsInFlightCountWithTheJobsUntilClosed() {
        Principal owner = Principal.user("in-flight-" + System.nanoTime());
        JobStore.Admission two = new JobStore.Admission(2, Long.MAX_VALUE);
        queue(owner, two);
        JobStore.SyncSlot streaming = store.admitSync(owner, two);

        assertThat(store.countActive(owner.name())).isEqualTo(2);
        assertThatThrownBy(() -> queue(owner, two)).isInstanceOf(JobStore.TooManyJobsException.class)
                .hasMessageContaining("concurrent_jobs");
        assertThatThrownBy(() -> store.admitSync(owner, two)).isInstanceOf(JobStore.TooManyJobsException.class);

        streaming.close();
        streaming.close();
        assertThat(store.countActive(owner.name())).isEqualTo(1);
        queue(owner, two);
    }

    /** A node that died holding a sync export stops renewing it: once its lease has passed it counts no more. */
    @Test
    void aSyncExportWhoseLeaseLapsedNoLongerCounts() throws Exception {
        Principal owner = Principal.user("lapsed-" + System.nanoTime());
        try (Connection c = store.dataSource().getConnection(); java.sql.PreparedStatement insert = c.prepareStatement(
                "INSERT INTO sync_export (id, owner, node, expires_at) VALUES (?, ?, 'dead-node', ?)")) {
            insert.setString(1, JobIds.next());
            insert.setString(2, owner.name());
            insert.setObject(3, store.clock().instant().minusSeconds(1).atOffset(java.time.ZoneOffset.UTC));
            insert.executeUpdate();
        }
        assertThat(store.countActive(owner.name())).isZero();
        store.admitSync(owner, new JobStore.Admission(1, Long.MAX_VALUE)).close();
    }

    @Test
    void renewingASyncExportMovesItsLeaseAnotherLeaseFromNow() throws Exception {
        Principal owner = Principal.user("renewed-" + System.nanoTime());
        try (JobStore.SyncSlot slot = store.admitSync(owner, new JobStore.Admission(1, Long.MAX_VALUE))) {
            String select = "SELECT id, expires_at FROM sync_export WHERE owner = '" + owner.name() + "'";
            String id;
            Instant first;
            try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(select)) {
                assertThat(rs.next()).isTrue();
                id = rs.getString(1);
                first = rs.getObject(2, java.time.OffsetDateTime.class).toInstant();
            }
            Thread.sleep(20);
            store.renewSyncExports(List.of(id));
            try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(select)) {
                assertThat(rs.next()).isTrue();
                Instant renewed = rs.getObject(2, java.time.OffsetDateTime.class).toInstant();
                assertThat(renewed).isAfter(first);
                assertThat(Duration.between(store.clock().instant(), renewed))
                        .isBetween(JdbcJobStore.SYNC_LEASE.minusSeconds(5), JdbcJobStore.SYNC_LEASE);
            }
        }
    }

    /** The hourly budget lives in the job store: every node takes from the same one. */
    @Test
    void theHourlyBudgetAdmitsItsCapacityAcrossJobsAndSyncExportsThenTellsTheWait() {
        Principal owner = Principal.user("hourly-" + System.nanoTime());
        JobStore.Admission three = new JobStore.Admission(Integer.MAX_VALUE, 3);
        queue(owner, three);
        store.admitSync(owner, three).close();
        queue(owner, three);

        JobStore.RateLimitedException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                JobStore.RateLimitedException.class, () -> queue(owner, three));
        assertThat(refused.perHour()).isEqualTo(3);
        // Refilled at one export every 20 minutes.
        assertThat(refused.waitFor()).isBetween(Duration.ofMinutes(19), Duration.ofMinutes(20));
        assertThatThrownBy(() -> store.admitSync(owner, three)).isInstanceOf(JobStore.RateLimitedException.class);
        assertThat(store.countActive(owner.name())).as("nothing stored when refused").isEqualTo(2);
        // Another owner has a budget of its own.
        queue(Principal.user("other-" + owner.name()), three);
    }

    @Test
    void aRequestRefusedForConcurrencyTakesNothingFromTheBudget() {
        Principal owner = Principal.user("first-" + System.nanoTime());
        JobStore.Admission oneAtATwoPerHour = new JobStore.Admission(1, 2);
        queue(owner, oneAtATwoPerHour);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> queue(owner, oneAtATwoPerHour)).isInstanceOf(JobStore.TooManyJobsException.class);
        }
        // The second of the two hourly exports is still there.
        queue(owner, new JobStore.Admission(Integer.MAX_VALUE, 2));
        assertThatThrownBy(() -> queue(owner, new JobStore.Admission(Integer.MAX_VALUE, 2)))
                .isInstanceOf(JobStore.RateLimitedException.class);
    }

    @Test
    void aBudgetOfAnotherCapacityStartsFullAtTheNewOne() {
        Principal owner = Principal.user("resized-" + System.nanoTime());
        queue(owner, new JobStore.Admission(Integer.MAX_VALUE, 1));
        assertThatThrownBy(() -> queue(owner, new JobStore.Admission(Integer.MAX_VALUE, 1)))
                .isInstanceOf(JobStore.RateLimitedException.class);

        for (int i = 0; i < 5; i++) queue(owner, new JobStore.Admission(Integer.MAX_VALUE, 5));
        assertThatThrownBy(() -> queue(owner, new JobStore.Admission(Integer.MAX_VALUE, 5)))
                .isInstanceOf(JobStore.RateLimitedException.class);
    }

    @Test
    void aRequestTheCatalogNoLongerAcceptsFailsAtOnceWithItsCode() throws Exception {
        // Stored straight into the job table: as if the request was valid when queued and a column was dropped since.
        Job bad = store.create(new JobStore.NewJob(Principal.user("tester"), null,
                ExportRequest.of("queue_rows", "csv").withColumns(List.of("no_such_column")), null, 3)).job();
        pool(FAST);
        Job failed = awaitStatus(bad.id(), JobStatus.FAILED);
        assertThat(failed.errorCode()).isEqualTo("unknown_column");
        assertThat(failed.errorMessage()).contains("no_such_column");
        assertThat(failed.attempts()).isEqualTo(1);
    }

    @Test
    void gracefulShutdownReleasesRunningJobsWithoutCountingTheAttempt() throws Exception {
        WorkerPool pool = new WorkerPool(store, files, ExportService.unrestricted(registry), new JobSettings(1, Duration.ofSeconds(30),
                Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofMillis(200), 3, Duration.ofHours(1),
                Duration.ofDays(30), false, Duration.ofMillis(100)), Clock.systemUTC());
        pool.start();
        Job job = submit(slow("ndjson"));
        awaitStatus(job.id(), JobStatus.RUNNING);
        pool.close();
        Job released = store.get(job.id()).orElseThrow();
        assertThat(released.status()).isEqualTo(JobStatus.PENDING);
        assertThat(released.lockedBy()).isNull();
        assertThat(released.attempts()).isZero();
    }

    @Test
    void theSweeperExpiresFilesPastTheirTtlAndPurgesOldRecords() throws Exception {
        pool(FAST.withFileTtl(Duration.ofMillis(1)));
        Job job = submit(ExportRequest.of("queue_rows", "csv").withRowLimit(10L));
        awaitStatus(job.id(), JobStatus.COMPLETED);
        Path file = files.root().resolve(job.id());
        assertThat(file).exists();

        // A second on: the file's 1 ms TTL may not have passed yet when the job is seen completed that fast.
        Sweeper.Report report = new Sweeper(store, files, FAST, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(1)))
                .sweepOnce();
        assertThat(report.expired()).isEqualTo(1);
        assertThat(store.get(job.id()).orElseThrow().status()).isEqualTo(JobStatus.EXPIRED);
        assertThat(file).doesNotExist();

        Clock farFuture = Clock.offset(Clock.systemUTC(), Duration.ofDays(31));
        assertThat(new Sweeper(store, files, FAST, farFuture).sweepOnce().purged()).isEqualTo(1);
        assertThat(store.get(job.id())).isEmpty();
    }

    /** A job's other picture, as a run that emails a picture stores it beside the job's file. */
    Path otherPicture(Job job) throws Exception {
        try (dev.freight.storage.FileStore.Upload u = files.create(job.otherPictureKey())) {
            u.stream().write("%PDF-1.4 the other picture".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            u.publish();
        }
        Path picture = files.root().resolve(job.otherPictureKey());
        assertThat(picture).exists();
        return picture;
    }

    @Test
    void theSweeperExpiresAJobsOtherPictureWithItsFile() throws Exception {
        pool(FAST.withFileTtl(Duration.ofMillis(1)));
        Job job = submit(ExportRequest.of("queue_rows", "csv").withRowLimit(10L));
        awaitStatus(job.id(), JobStatus.COMPLETED);
        Path picture = otherPicture(job);

        Sweeper.Report report = new Sweeper(store, files, FAST, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(1)))
                .sweepOnce();

        assertThat(report.expired()).isEqualTo(1);
        assertThat(files.root().resolve(job.id())).doesNotExist();
        assertThat(picture).doesNotExist();
    }

    @Test
    void aPurgedJobsOtherPictureGoesWithItsRecord() throws Exception {
        Job job = submit(ExportRequest.of("queue_rows", "csv"));
        assertThat(service.cancel(job.id())).isEqualTo(JobStore.CancelOutcome.CANCELLED);
        Path picture = otherPicture(job);

        Clock farFuture = Clock.offset(Clock.systemUTC(), Duration.ofDays(31));
        assertThat(new Sweeper(store, files, FAST, farFuture).sweepOnce().purged()).isEqualTo(1);

        assertThat(picture).doesNotExist();
    }

    @Test
    void deletingAJobDeletesItsOtherPictureToo() throws Exception {
        pool(FAST);
        Job job = submit(ExportRequest.of("queue_rows", "csv").withRowLimit(10L));
        Job done = awaitStatus(job.id(), JobStatus.COMPLETED);
        Path picture = otherPicture(job);

        assertThat(service.delete(done)).isTrue();

        assertThat(files.root().resolve(job.id())).doesNotExist();
        assertThat(picture).doesNotExist();
    }

    /** A part of a job's other picture is the job's: kept while it runs on a live lease, removed once it does not. */
    @Test
    void theSweeperJudgesAPartOfAnOtherPictureByItsJob() throws Exception {
        Job live = submit(ExportRequest.of("queue_rows", "csv"));
        store.claim("writer", Duration.ofMinutes(5)).orElseThrow();
        Job lapsed = submit(ExportRequest.of("queue_rows", "csv"));
        store.claim("crashed", Duration.ofMillis(1)).orElseThrow();
        List<dev.freight.storage.FileStore.Upload> parts = new ArrayList<>();
        for (Job job : List.of(live, lapsed)) {
            dev.freight.storage.FileStore.Upload u = files.create(job.otherPictureKey());
            u.stream().write(new byte[10_000]);
            u.stream().flush();
            parts.add(u);
        }
        Thread.sleep(50);

        new Sweeper(store, files, FAST, store.clock()).sweepOnce();

        assertThat(files.parts()).extracting(dev.freight.storage.FileStore.Part::key)
                .containsExactly(live.otherPictureKey());
        parts.forEach(dev.freight.storage.FileStore.Upload::close);
    }

    /** A file store on a disk that fills up after {@code capacity} bytes, the way a real full disk fails writes. */
    static dev.freight.storage.FileStore fillingUp(LocalFileStore real, long capacity) {
        return new dev.freight.storage.FileStore() {
            @Override
            public Upload create(String key) throws java.io.IOException {
                Upload upload = real.create(key);
                java.io.OutputStream full = new java.io.FilterOutputStream(upload.stream()) {
                    long written;

                    @Override
                    public void write(byte[] b, int off, int len) throws java.io.IOException {
                        written += len;
                        if (written > capacity) throw new java.io.IOException("No space left on device");
                        out.write(b, off, len);
                    }
                };
                return new Upload() {
                    public java.io.OutputStream stream() { return full; }
                    public long publish() throws java.io.IOException { return upload.publish(); }
                    public void abort() { upload.abort(); }
                    public void close() { upload.close(); }
                };
            }

            @Override
            public java.util.Optional<Long> size(String key) throws java.io.IOException { return real.size(key); }

            @Override
            public java.io.InputStream open(String key, long offset) throws java.io.IOException { return real.open(key, offset); }

            @Override
            public boolean delete(String key) throws java.io.IOException { return real.delete(key); }

            @Override
            public List<Part> parts() throws java.io.IOException { return real.parts(); }

            @Override
            public void deletePart(Part part) throws java.io.IOException { real.deletePart(part); }
        };
    }

    /** The job store, losing its connection for the first {@code failures} attempts to record a finished job. */
    static JobStore losingConnectionAtCompletion(JobStore real, int failures) {
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(failures);
        return (JobStore) java.lang.reflect.Proxy.newProxyInstance(JobStore.class.getClassLoader(),
                new Class<?>[]{JobStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("complete") && left.getAndDecrement() > 0) {
                        throw new StoreException("connection lost", new java.sql.SQLException("I/O error", "08006"));
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A finished file is never lost to a bookkeeping failure: recording completion retries through an outage. */
    @Test
    void aJobStoreOutageWhileAFinishedJobIsRecordedDelaysItAndLosesNothing() throws Exception {
        WorkerPool pool = new WorkerPool(losingConnectionAtCompletion(store, 3), files, ExportService.unrestricted(registry), FAST,
                Clock.systemUTC());
        pools.add(pool);
        pool.start();
        Job job = submit(ExportRequest.of("queue_rows", "csv"));
        Job done = awaitStatus(job.id(), JobStatus.COMPLETED);
        assertThat(done.attempts()).isEqualTo(1);
        assertThat(done.errorCode()).isNull();
        assertThat(files.size(job.storageKey())).hasValue(done.fileSizeBytes());
    }

    @Test
    void aFullDiskFailsTheJobCleanlyAfterItsRetriesAndLeavesNoPartialFile() throws Exception {
        WorkerPool pool = new WorkerPool(store, fillingUp(files, 100_000), ExportService.unrestricted(registry), FAST, Clock.systemUTC());
        pools.add(pool);
        pool.start();
        Job job = submit(slow("csv"));
        Job failed = awaitStatus(job.id(), JobStatus.FAILED);
        assertThat(failed.errorCode()).isEqualTo("write_failed");
        assertThat(failed.errorMessage()).contains("No space left on device");
        assertThat(failed.attempts()).isEqualTo(FAST.maxAttempts());
        try (var left = Files.list(files.root())) {
            assertThat(left.toList()).isEmpty();
        }
    }

    // ---------------------------------------------------------------- the node's log

    static final Duration LOG_WAIT = Duration.ofSeconds(30);
    static final String RUNNER = "dev.freight.job.JobRunner";

    @Test
    void aFailedJobIsLoggedAtWarnWithItsAttemptCodeAndMessage() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            Job bad = store.create(new JobStore.NewJob(Principal.user("tester"), null,
                    ExportRequest.of("queue_rows", "csv").withColumns(List.of("no_such_column")), null, 3)).job();
            pool(FAST);
            String line = log.await("WARN", RUNNER, "job " + bad.id() + " failed", LOG_WAIT);
            assertThat(line).startsWith("job " + bad.id() + " failed on attempt 1 of 3: unknown_column: ")
                    .contains("no_such_column").endsWith("(dataset queue_rows, format csv, owner tester)");
        }
    }

    @Test
    void eachRetryIsLoggedWithTheAttemptTheErrorAndWhenTheJobRunsAgain() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            WorkerPool pool = new WorkerPool(store, fillingUp(files, 100_000), ExportService.unrestricted(registry), FAST,
                    Clock.systemUTC());
            pools.add(pool);
            pool.start();
            Job job = submit(slow("csv"));
            String first = log.await("WARN", RUNNER, "job " + job.id() + " attempt 1 of 3 failed", LOG_WAIT);
            assertThat(first).contains(": write_failed: ").contains("No space left on device")
                    .containsPattern("; retrying in 200ms, at \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z \\(dataset queue_slow_rows");
            assertThat(log.await("WARN", RUNNER, "job " + job.id() + " attempt 2 of 3 failed", LOG_WAIT))
                    .contains("; retrying in 400ms, at ");
            assertThat(log.await("WARN", RUNNER, "job " + job.id() + " failed on attempt 3 of 3", LOG_WAIT))
                    .contains(": write_failed: ");
        }
    }

    @Test
    void aCancelIsLoggedWhereItIsRequestedAndWhereTheJobStops() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            pool(FAST);
            Job job = submit(slow("ndjson"));
            awaitStatus(job.id(), JobStatus.RUNNING);
            service.cancel(job.id());
            Job cancelled = awaitStatus(job.id(), JobStatus.CANCELLED);
            assertThat(log.await("INFO", "dev.freight.job.JobService", "job " + job.id(), LOG_WAIT))
                    .isEqualTo("job " + job.id() + " cancel requested while running: the node running it stops it within a second");
            assertThat(log.await("INFO", RUNNER, "job " + job.id() + " cancelled", LOG_WAIT))
                    .matches("job " + job.id() + " cancelled while running, after \\d+ rows \\(attempt 1 of 3\\)");
            assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        }
    }

    @Test
    void shutdownLogsTheRunningJobsTheWaitAndTheJobsItReleased() throws Exception {
        WorkerPool pool = new WorkerPool(store, files, ExportService.unrestricted(registry), new JobSettings(1, Duration.ofSeconds(30),
                Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofMillis(200), 3, Duration.ofHours(1),
                Duration.ofDays(30), false, Duration.ofMillis(100)), Clock.systemUTC());
        pool.start();
        Job job = submit(slow("ndjson"));
        awaitStatus(job.id(), JobStatus.RUNNING);
        List<String> lines;
        try (LogCapture log = LogCapture.start()) {
            pool.close();
            lines = log.at("INFO", "dev.freight.job.WorkerPool");
        }
        assertThat(lines).containsExactly(
                "stopping workers: no new jobs are claimed; 1 job(s) running, waiting up to 100ms (shutdown_grace) for "
                        + "them to finish: [" + job.id() + "]",
                "shutdown_grace of 100ms over: stopping 1 job(s) still running: [" + job.id() + "]",
                "released 1 job(s) back to the queue, for another node or the next start: [" + job.id() + "]");
        assertThat(store.get(job.id()).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
    }

    @Test
    void aJobTakenOverFromALostWorkerIsLoggedWithBothWorkers() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            WorkerPool doomed = pool(FAST.withConcurrency(1));
            Job job = submit(slow("csv"));
            String lostWorker = awaitStatus(job.id(), JobStatus.RUNNING).lockedBy();
            doomed.kill();
            WorkerPool heir = pool(FAST.withConcurrency(1));
            String line = log.await("WARN", "dev.freight.job.JdbcJobStore", "job " + job.id() + " taken over", LOG_WAIT);
            assertThat(line).startsWith("job " + job.id() + " taken over by worker " + heir.nodeId() + "/0: worker "
                    + lostWorker + " stopped renewing its lease, which lapsed at ").endsWith("; attempt 2 of 3 starts");
        }
    }

    @Test
    void theSweeperLogsAJobItFailsBecauseItsWorkerWasLostOnTheLastAttempt() throws Exception {
        Job job = store.create(new JobStore.NewJob(Principal.user("tester"), null, ExportRequest.of("queue_rows", "csv"),
                null, 1)).job();
        store.claim("node-a/0", Duration.ofMillis(1)).orElseThrow();
        Thread.sleep(20);
        try (LogCapture log = LogCapture.start()) {
            assertThat(new Sweeper(store, files, FAST, Clock.systemUTC()).sweepOnce().workerLost()).isEqualTo(1);
            assertThat(log.at("WARN", "dev.freight.job.Sweeper")).singleElement().asString()
                    .startsWith("job " + job.id() + " failed on attempt 1 of 1: worker_lost: worker node-a/0 stopped "
                            + "renewing its lease, which lapsed at ")
                    .endsWith("; no attempts left (dataset queue_rows, format csv, owner tester)");
        }
        assertThat(store.get(job.id()).orElseThrow().errorCode()).isEqualTo("worker_lost");
    }

    @Test
    void listingIsNewestFirstAndPagesByCursor() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) ids.add(submit(ExportRequest.of("queue_rows", "csv").withRowLimit(1L)).id());
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JobStore.Page page = store.list("tester", null, cursor, 3);
            page.jobs().forEach(j -> seen.add(j.id()));
            cursor = page.nextCursor();
        } while (cursor != null);
        java.util.Collections.reverse(ids);
        assertThat(seen).containsExactlyElementsOf(ids);
        assertThat(store.list("someone-else", null, null, 10).jobs()).isEmpty();
        assertThat(store.list(null, JobStatus.PENDING, null, 100).jobs()).hasSize(7);
    }
}
