package dev.freight.cli;

import dev.freight.auth.Principal;
import dev.freight.config.FreightConfig;
import dev.freight.delivery.DeliveryPlan;
import dev.freight.delivery.DeliveryRecord;
import dev.freight.delivery.DeliveryTarget;
import dev.freight.job.Job;
import dev.freight.job.JobStatus;
import dev.freight.job.JobStore;
import dev.freight.query.ExportRequest;
import dev.freight.testing.Await;
import dev.freight.testing.LogCapture;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker on a PostgreSQL job store without {@code server.signed_links.key} sends no deliveries (it could not sign
 * their links the way the serve nodes verify them). It still starts, says so at WARN once when deliveries are
 * configured, and writes why in the log of each delivery no node has taken: if no node has the key, the job page
 * and {@code jobs show} tell why the delivery waits.
 */
class KeylessWorkerDeliveriesTest {
    @TempDir
    static Path dir;
    static Path config;
    /** The job store's schema (the source's table is in another: the job store wants a schema of its own). */
    static String pgUrl;
    static String schema;

    @BeforeAll
    static void configure() throws Exception {
        schema = TestDatabases.runId() + "_keyless";
        TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA IF EXISTS " + schema + " CASCADE", "CREATE SCHEMA " + schema,
                "DROP SCHEMA IF EXISTS " + schema + "_src CASCADE", "CREATE SCHEMA " + schema + "_src");
        pgUrl = TestDatabases.postgres().replaceAll("currentSchema=[^&]*", "currentSchema=" + schema);
        String sourceUrl = TestDatabases.postgres().replaceAll("currentSchema=[^&]*", "currentSchema=" + schema + "_src");
        TestDatabases.execute(sourceUrl, "CREATE TABLE items AS SELECT g AS id, 'item ' || g AS name FROM generate_series(1, 10) g");
        // No server section: no signed_links.key. A storage target is a delivery that needs no secret.
        config = Files.writeString(dir.resolve("freight.yml"), """
                data_dir: %s
                job_store:
                  url: "%s"
                storage:
                  path: %s
                sources:
                  pg:
                    url: "%s"
                exports:
                  worker_concurrency: 1
                delivery_storage:
                  archive: { path: %s }
                """.formatted(dir.resolve("data"), pgUrl, dir.resolve("exports"), sourceUrl, dir.resolve("archive")));
    }

    @AfterAll
    static void drop() {
        TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA " + schema + " CASCADE",
                "DROP SCHEMA " + schema + "_src CASCADE");
    }

    static Job submit(FreightRuntime runtime) {
        Principal owner = Principal.user("keyless");
        return runtime.service.submit(owner, null, runtime.exports.prepare(ExportRequest.of("items", "csv"), owner),
                JobStore.Admission.UNLIMITED, new DeliveryPlan(List.of(new DeliveryTarget.Storage("archive",
                        "{dataset}.csv")), null), null).job();
    }

    /** What a minute without any node taking it looks like: the delivery was due two minutes ago. */
    static void dueTwoMinutesAgo(String jobId) {
        TestDatabases.execute(pgUrl, "UPDATE export_delivery SET created_at = created_at - interval '2 minutes', "
                + "next_attempt_at = next_attempt_at - interval '2 minutes' WHERE job_id = '" + jobId + "'");
    }

    @Test
    void aKeylessWorkerStartsWarnsOnceAndTheDeliveriesNoNodeTakesSayWhyTheyWait() {
        FreightConfig loaded = FreightRuntime.loadConfig(config);
        try (LogCapture log = LogCapture.start(); FreightRuntime runtime = FreightRuntime.full(loaded, false, true)) {
            assertThat(runtime.deliverer).isNull();
            Job job = submit(runtime);
            Await.until("job " + job.id() + " completes", Duration.ofSeconds(30),
                    () -> runtime.store.get(job.id()).orElseThrow().status() == JobStatus.COMPLETED);
            assertThat(log.at("WARN", FreightRuntime.class.getName())).singleElement().asString()
                    .startsWith("deliveries are not sent by this node: it has no server.signed_links.key to sign their "
                            + "links with, and the job store is PostgreSQL");

            // Just due: a node that sends would take it within a second, so nothing is said yet.
            assertThat(runtime.unsent.noteUntaken()).isZero();
            assertThat(runtime.store.deliveryLog(job.id())).singleElement().satisfies(d -> assertThat(d.lastError()).isNull());

            dueTwoMinutesAgo(job.id());
            DeliveryRecord before = runtime.store.deliveryLog(job.id()).get(0);
            assertThat(runtime.unsent.noteUntaken()).isEqualTo(1);
            DeliveryRecord waiting = runtime.store.deliveryLog(job.id()).get(0);
            assertThat(waiting.lastError()).isEqualTo("not sent yet: no node has taken it; node "
                    + runtime.workers.nodeId() + " sends none: it has no server.signed_links.key to sign their links "
                    + "with, and the job store is PostgreSQL, shared by every node (only nodes with the key send "
                    + "deliveries); set the key on the worker nodes");
            // Only a note: still due as it was, untried.
            assertThat(waiting.status()).isEqualTo(DeliveryRecord.PENDING);
            assertThat(waiting.attempts()).isZero();
            assertThat(waiting.nextAttemptAt()).isEqualTo(before.nextAttemptAt());
            assertThat(waiting.lastAttemptAt()).isNull();
        }
    }

    @Test
    void workerOnceWithoutTheKeySaysItSentNoDeliveries() {
        FreightConfig loaded = FreightRuntime.loadConfig(config);
        Job job;
        try (FreightRuntime runtime = FreightRuntime.full(loaded, false, false)) {
            job = submit(runtime);
        }
        Cli.Output run = Cli.capture("worker", "--once", "--config", config.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("Ran 1 job(s)\n").contains("Sent no deliveries: it has no server.signed_links.key to sign "
                + "their links with, and the job store is PostgreSQL, shared by every node (only nodes with the key "
                + "send deliveries)\n");
        try (FreightRuntime runtime = FreightRuntime.storesOnly(loaded)) {
            assertThat(runtime.store.deliveryLog(job.id())).singleElement()
                    .satisfies(d -> assertThat(d.status()).isEqualTo(DeliveryRecord.PENDING));
        }
    }
}
