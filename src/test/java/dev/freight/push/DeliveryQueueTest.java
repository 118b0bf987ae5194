package dev.freight.push;

import dev.freight.auth.Principal;
import dev.freight.config.DeliveryConfig;
import dev.freight.delivery.DeliveryPlan;
import dev.freight.delivery.DeliveryTarget;
import dev.freight.job.Job;
import dev.freight.job.JdbcJobStore;
import dev.freight.job.JobStore;
import dev.freight.query.ExportRequest;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delivery queue shared by two nodes (two stores, two pools) on one PostgreSQL job store: a delivery is
 * claimed by one node at a time, retried by whichever claims it once its backoff is over, and taken over when the
 * node holding it stops renewing its lease.
 */
class DeliveryQueueTest {
    static final DeliveryConfig.Webhooks RETRY = new DeliveryConfig.Webhooks(List.of(), Optional.empty(), false,
            Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(5));
    /** Gives up after an hour: no delivery of a test is given up on while it runs. */
    static final DeliveryConfig.Webhooks PATIENT = new DeliveryConfig.Webhooks(List.of(), Optional.empty(), false,
            Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofSeconds(5));

    String schema;
    JdbcJobStore first;
    JdbcJobStore second;

    @BeforeEach
    void open() {
        schema = "deliveries_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        TestDatabases.execute(TestDatabases.postgres(), "CREATE SCHEMA " + schema);
        String url = TestDatabases.postgres().replaceAll("currentSchema=[^&]*", "currentSchema=" + schema);
        first = JdbcJobStore.open(url, null, null, 2, Clock.systemUTC());
        second = JdbcJobStore.open(url, null, null, 2, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        first.close();
        second.close();
        TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA " + schema + " CASCADE");
    }

    DeliveryQueue queue(JdbcJobStore store, String node, Duration lease) {
        return new DeliveryQueue(store.dataSource(), store.clock(), node, lease, RETRY);
    }

    /** A job with {@code hooks} webhooks, completed on the first node: its deliveries are queued. */
    Job completedWith(int hooks) {
        List<DeliveryTarget> targets = new ArrayList<>();
        for (int i = 0; i < hooks; i++) targets.add(new DeliveryTarget.Webhook("https://hooks.example.com/" + i));
        first.create(new JobStore.NewJob(Principal.user("owner"), null, ExportRequest.of("t", "csv"), null, 1,
                JobStore.Admission.UNLIMITED, new DeliveryPlan(targets, null), null));
        Job job = first.claim("worker", Duration.ofMinutes(1)).orElseThrow();
        assertThat(first.complete(job.id(), "worker", 1, "t.csv", 10, "text/csv", Instant.now().plusSeconds(3600),
                null)).isTrue();
        return job;
    }

    @Test
    void twoNodesNeverClaimTheSameDelivery() {
        Job job = completedWith(3);
        assertThat(first.deliveryLog(job.id())).hasSize(3).allMatch(d -> d.status().equals("pending"));
        List<DeliveryQueue.Due> a = queue(first, "a", Duration.ofMinutes(1)).claim(2);
        List<DeliveryQueue.Due> b = queue(second, "b", Duration.ofMinutes(1)).claim(10);
        assertThat(a).hasSize(2);
        assertThat(b).hasSize(1);
        Set<String> ids = new HashSet<>();
        a.forEach(d -> ids.add(d.id()));
        b.forEach(d -> ids.add(d.id()));
        assertThat(ids).hasSize(3);
        assertThat(queue(second, "c", Duration.ofMinutes(1)).claim(10)).isEmpty();
    }

    @Test
    void aFailedDeliveryIsRetriedByAnotherNodeAfterItsBackoff() throws Exception {
        Job job = completedWith(1);
        DeliveryQueue a = queue(first, "a", Duration.ofMinutes(1));
        DeliveryQueue b = queue(second, "b", Duration.ofMinutes(1));
        DeliveryQueue.Due due = a.claim(1).get(0);
        Optional<Instant> next = a.failed(due, 500, "HTTP 500", false);
        assertThat(next).isPresent();
        assertThat(b.claim(1)).as("not before its backoff").isEmpty();
        Thread.sleep(Duration.between(first.clock().instant(), next.get()).toMillis() + 50);
        DeliveryQueue.Due again = b.claim(1).get(0);
        assertThat(again.id()).isEqualTo(due.id());
        assertThat(again.attempts()).isEqualTo(1);
        b.delivered(again, 204);
        var log = first.deliveryLog(job.id()).get(0);
        assertThat(log.status()).isEqualTo("delivered");
        assertThat(log.attempts()).isEqualTo(2);
        assertThat(log.lastStatus()).isEqualTo(204);
        assertThat(log.lastError()).isNull();
    }

    @Test
    void aDeliveryHeldByANodeThatStoppedIsTakenOverWhenItsLeaseLapses() throws Exception {
        completedWith(1);
        DeliveryQueue.Due held = queue(first, "gone", Duration.ofMillis(300)).claim(1).get(0);
        DeliveryQueue b = queue(second, "b", Duration.ofMinutes(1));
        assertThat(b.claim(1)).isEmpty();
        Thread.sleep(400);
        assertThat(b.claim(1)).extracting(DeliveryQueue.Due::id).containsExactly(held.id());
    }

    @Test
    void theBackoffDoublesUpToItsCapAndADeliveryIsGivenUpAfterGiveUpAfter() {
        Job job = completedWith(1);
        DeliveryQueue a = queue(first, "a", Duration.ofMinutes(1));
        assertThat(List.of(a.backoff(1), a.backoff(2), a.backoff(3), a.backoff(4))).containsExactly(Duration.ofMillis(300),
                Duration.ofMillis(600), Duration.ofMillis(1000), Duration.ofMillis(1000));
        DeliveryQueue.Due due = a.claim(1).get(0);
        DeliveryQueue.Due late = new DeliveryQueue.Due(due.id(), due.jobId(), due.event(), due.target(), 5,
                due.createdAt().minus(Duration.ofSeconds(3)));
        assertThat(a.failed(late, 503, "HTTP 503", false)).isEmpty();
        var log = first.deliveryLog(job.id()).get(0);
        assertThat(log.status()).isEqualTo("failed");
        assertThat(log.attempts()).isEqualTo(6);
        assertThat(log.lastError()).isEqualTo("HTTP 503");
        assertThat(log.nextAttemptAt()).isNull();
    }

    @Test
    void aJobWhoseConditionDidNotHoldQueuesNothingNorWhenItsFileExpires() {
        first.create(new JobStore.NewJob(Principal.user("owner"), null, ExportRequest.of("t", "csv"), null, 1,
                JobStore.Admission.UNLIMITED, new DeliveryPlan(List.of(new DeliveryTarget.Webhook("https://hooks.example.com/x")),
                "rows == 0"), null));
        Job job = first.claim("w", Duration.ofMinutes(1)).orElseThrow();
        first.complete(job.id(), "w", 5, "t.csv", 1, "text/csv", Instant.now(), false);
        assertThat(first.get(job.id()).orElseThrow().conditionMet()).isFalse();
        assertThat(first.markExpired(job.id())).isTrue();
        assertThat(first.deliveryLog(job.id())).isEmpty();
    }

    @Test
    void failingOrExpiringAJobQueuesTheEventsItsTargetsHear() {
        List<DeliveryTarget> targets = List.of(new DeliveryTarget.Webhook("https://hooks.example.com/x"),
                new DeliveryTarget.Email(List.of("ops@example.com"), null), new DeliveryTarget.Storage("archive", "{job}.csv"));
        first.create(new JobStore.NewJob(Principal.user("owner"), null, ExportRequest.of("t", "csv"), null, 1,
                JobStore.Admission.UNLIMITED, new DeliveryPlan(targets, null), null));
        Job failing = first.claim("w", Duration.ofMinutes(1)).orElseThrow();
        first.fail(failing.id(), "w", "source_error", "boom");
        assertThat(first.deliveryLog(failing.id())).extracting(d -> d.event() + " " + d.type())
                .containsExactly("export.failed webhook", "export.failed email");

        first.create(new JobStore.NewJob(Principal.user("owner"), null, ExportRequest.of("t", "csv"), null, 1,
                JobStore.Admission.UNLIMITED, new DeliveryPlan(targets, null), null));
        Job done = first.claim("w", Duration.ofMinutes(1)).orElseThrow();
        first.complete(done.id(), "w", 1, "t.csv", 1, "text/csv", Instant.now(), null);
        assertThat(second.markExpired(done.id())).isTrue();
        assertThat(first.markExpired(done.id())).as("expired once").isFalse();
        assertThat(first.deliveryLog(done.id())).extracting(d -> d.event() + " " + d.type()).containsExactly(
                "export.completed webhook", "export.completed email", "export.completed storage", "export.expired webhook");
    }

    @Test
    void aPassClaimsOnlyWhatWasDueWhenItStartedSoAFailedDeliveryIsNotTriedTwice() throws Exception {
        Job job = completedWith(1);
        DeliveryQueue a = queue(first, "a", Duration.ofMinutes(1));
        Instant passStart = first.clock().instant();
        DeliveryQueue.Due d = a.claim(5, passStart).get(0);
        a.failed(d, 500, "HTTP 500", false);
        // Its backoff (300 ms) over, it is due again, but after the pass started.
        Thread.sleep(400);
        assertThat(a.claim(5, passStart)).isEmpty();
        assertThat(a.claim(5)).extracting(DeliveryQueue.Due::id).containsExactly(d.id());
        assertThat(first.deliveryLog(job.id()).get(0).attempts()).isEqualTo(1);
    }

    @Test
    void aNoteOnAnUntakenDeliveryChangesOnlyItsLastErrorAndNeverARealOneAndTheFirstAttemptReplacesIt() {
        Job job = completedWith(2);
        DeliveryQueue a = queue(first, "a", Duration.ofMinutes(1));
        DeliveryQueue.Due tried = a.claim(1).get(0);
        a.failed(tried, 500, "HTTP 500", false);
        Instant dueBefore = first.clock().instant().plus(Duration.ofHours(1));

        assertThat(new DeliveryQueue(second.dataSource(), second.clock(), "notes", Duration.ZERO, PATIENT)
                .noteUntried(dueBefore, "not sent yet: why")).isEqualTo(1);
        List<dev.freight.delivery.DeliveryRecord> log = first.deliveryLog(job.id());
        dev.freight.delivery.DeliveryRecord triedLog = log.stream().filter(r -> r.id().equals(tried.id())).findFirst().orElseThrow();
        dev.freight.delivery.DeliveryRecord noted = log.stream().filter(r -> !r.id().equals(tried.id())).findFirst().orElseThrow();
        assertThat(triedLog.lastError()).isEqualTo("HTTP 500");
        assertThat(noted.lastError()).isEqualTo("not sent yet: why");
        assertThat(noted.status()).isEqualTo("pending");
        assertThat(noted.attempts()).isZero();
        assertThat(noted.lastAttemptAt()).isNull();

        DeliveryQueue.Due untried = a.claim(5).stream().filter(x -> x.id().equals(noted.id())).findFirst().orElseThrow();
        a.delivered(untried, 204);
        dev.freight.delivery.DeliveryRecord delivered = first.deliveryLog(job.id()).stream()
                .filter(r -> r.id().equals(noted.id())).findFirst().orElseThrow();
        assertThat(delivered.status()).isEqualTo("delivered");
        assertThat(delivered.lastError()).isNull();
    }

    @Test
    void aDeliveryNoNodeTookWithinGiveUpAfterIsFailedSayingWhy() throws Exception {
        Job job = completedWith(1);
        DeliveryQueue notes = queue(second, "notes", Duration.ZERO);
        notes.noteUntried(first.clock().instant(), "no node can send it");
        assertThat(first.deliveryLog(job.id()).get(0).status()).isEqualTo("pending");
        Thread.sleep(RETRY.giveUpAfter().plusMillis(200).toMillis());

        notes.noteUntried(first.clock().instant(), "no node can send it");

        var log = first.deliveryLog(job.id()).get(0);
        assertThat(log.status()).isEqualTo("failed");
        assertThat(log.attempts()).isZero();
        assertThat(log.lastError()).isEqualTo("given up untried after 3s (webhooks.give_up_after): no node can send it");
        assertThat(queue(first, "a", Duration.ofMinutes(1)).claim(5)).isEmpty();
    }
}
