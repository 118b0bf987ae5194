package dev.freight.job;

import dev.freight.auth.Principal;
import dev.freight.query.ExportRequest;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
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

    @AfterEach
    void dropSchema() {
        close();
        pools.clear();
        TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
}
