package dev.freight.schedule;

import dev.freight.access.AccessPolicy;
import dev.freight.access.Limits;
import dev.freight.audit.AuditLog;
import dev.freight.auth.Principal;
import dev.freight.delivery.DeliveryPlan;
import dev.freight.export.ExportMetrics;
import dev.freight.export.ExportService;
import dev.freight.job.JdbcJobStore;
import dev.freight.job.JobService;
import dev.freight.job.JobSettings;
import dev.freight.query.ExportRequest;
import dev.freight.source.DemoData;
import dev.freight.source.JdbcSource;
import dev.freight.source.SourceRegistry;
import dev.freight.storage.LocalFileStore;
import dev.freight.testing.ScratchDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Firing schedules on the job store, with the time given by the test ("now"), on H2 and on PostgreSQL: each tick
 * becomes one job (also with two nodes firing at once), missed ticks follow catch_up, paused schedules do not fire,
 * and a request that no longer passes makes no job and says why.
 */
class SchedulerTest {
    static Path dir;
    static SourceRegistry sources;
    static final Principal ALICE = Principal.user("alice");

    final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void demo() throws IOException {
        dir = Files.createTempDirectory("freight-scheduler");
        sources = new SourceRegistry(Map.of("demo", new SourceRegistry.Entry(
                JdbcSource.open("demo", DemoData.ensureEmbedded(dir), "sa", "", 4), (schema, table) -> true)), List.of());
    }

    @AfterAll
    static void closeDemo() throws java.io.IOException {
        sources.sources().values().forEach(JdbcSource::close);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    /** One node: its own connection pool on the job store, its own services. */
    record Node(JdbcJobStore store, Scheduler scheduler, Schedules schedules) {
    }

    Node node(ScratchDatabase db) throws IOException {
        return node(db, false);
    }

    /** {@code keys}: a tick runs as its owner's keys in this job store stand (false: every owner as saved). */
    Node node(ScratchDatabase db, boolean keys) throws IOException {
        JdbcJobStore store = JdbcJobStore.open(db.url(), db.postgresSchema() == null ? "sa" : null,
                db.postgresSchema() == null ? "" : null, 4, Clock.systemUTC());
        open.add(store);
        ExportService exports = new ExportService(sources, AccessPolicy.unrestricted(), Limits.unlimited(), AuditLog.NONE,
                new ExportMetrics(new SimpleMeterRegistry()), ExportService.Settings.DEFAULTS);
        JobService jobs = new JobService(store, new LocalFileStore(Files.createDirectories(dir.resolve("files"))), exports,
                JobSettings.defaults(), null);
        Schedules schedules = Schedules.over(store, jobs);
        Scheduler scheduler = !keys ? new Scheduler(schedules.store(), jobs) : new Scheduler(schedules.store(),
                jobs, dev.freight.auth.ApiKeys.load(dev.freight.config.ConfigLoader.load(java.util.Optional.empty(), Map.of()),
                        new dev.freight.auth.StoredApiKeys(store.dataSource()))::scheduleOwner);
        return new Node(store, scheduler, schedules);
    }

    ScratchDatabase database(String kind) {
        ScratchDatabase db = ScratchDatabase.create(kind, dir);
        open.add(db);
        return db;
    }

    static Schedule.Definition everyMinute(String name, CatchUp catchUp) {
        return new Schedule.Definition(name, "* * * * *", "UTC", catchUp, ExportRequest.of("orders", "csv"),
                DeliveryPlan.NONE, false);
    }

    /** The ticks (epoch seconds) of the jobs a schedule made, oldest first. */
    static List<Long> ticks(JdbcJobStore store, String scheduleId) throws Exception {
        List<Long> ticks = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT idempotency_key FROM export_job WHERE idempotency_key LIKE 'schedule:"
                     + scheduleId + ":%' ORDER BY idempotency_key")) {
            while (rs.next()) {
                String key = rs.getString(1);
                ticks.add(Long.parseLong(key.substring(key.lastIndexOf(':') + 1)));
            }
        }
        return ticks;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void eachTickBecomesOneJobWhenTwoNodesFireAtOnce(String kind) throws Exception {
        ScratchDatabase db = database(kind);
        Node a = node(db);
        Node b = kind.equals("h2") ? a : node(db);
        Schedule s = a.schedules().create(ALICE, everyMinute("minutely", CatchUp.LAST));
        Instant first = s.nextRunAt();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 10; i++) {
                Instant now = first.plus(Duration.ofMinutes(i)).plusMillis(300);
                Callable<Integer> fireA = () -> a.scheduler().fireDue(now);
                Callable<Integer> fireB = () -> b.scheduler().fireDue(now);
                Future<Integer> x = pool.submit(fireA);
                Future<Integer> y = pool.submit(fireB);
                assertThat(x.get() + y.get()).as("tick %d fired once", i).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) expected.add(first.plus(Duration.ofMinutes(i)).getEpochSecond());
        assertThat(ticks(a.store(), s.id())).containsExactlyElementsOf(expected);
        Schedule after = a.schedules().store().get(s.id()).orElseThrow();
        assertThat(after.nextRunAt()).isEqualTo(first.plus(Duration.ofMinutes(10)));
        assertThat(after.lastRunAt()).isEqualTo(first.plus(Duration.ofMinutes(9)));
        assertThat(after.lastJobId()).isNotNull();
        assertThat(after.lastStatus()).isEqualTo("pending");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aLateTickIsStillRunAndSoIsEachOneDueSinceWithinAMinute(String kind) throws Exception {
        Node n = node(database(kind));
        Schedule s = n.schedules().create(ALICE, new Schedule.Definition("every-10s", "*/10 * * * * *", "UTC",
                CatchUp.NONE, ExportRequest.of("orders", "csv"), DeliveryPlan.NONE, false));
        Instant first = s.nextRunAt();
        assertThat(n.scheduler().fireDue(first.plusSeconds(35))).isEqualTo(4);
        assertThat(ticks(n.store(), s.id())).containsExactly(first.getEpochSecond(), first.getEpochSecond() + 10,
                first.getEpochSecond() + 20, first.getEpochSecond() + 30);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void afterDowntimeCatchUpLastRunsOnlyTheNewestMissedTick(String kind) throws Exception {
        Node n = node(database(kind));
        Schedule s = n.schedules().create(ALICE, everyMinute("caught-up", CatchUp.LAST));
        Instant back = s.nextRunAt().plus(Duration.ofHours(3)).plusSeconds(20);
        assertThat(n.scheduler().fireDue(back)).isEqualTo(1);
        assertThat(ticks(n.store(), s.id())).containsExactly(s.nextRunAt().plus(Duration.ofHours(3)).getEpochSecond());
        Schedule after = n.schedules().store().get(s.id()).orElseThrow();
        assertThat(after.nextRunAt()).isEqualTo(s.nextRunAt().plus(Duration.ofHours(3)).plusSeconds(60));
        assertThat(after.lastError()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void afterDowntimeCatchUpNoneSkipsTheMissedTicksAndSaysSo(String kind) throws Exception {
        Node n = node(database(kind));
        Schedule s = n.schedules().create(ALICE, new Schedule.Definition("daily", "0 6 * * *", "Europe/Berlin",
                CatchUp.NONE, ExportRequest.of("orders", "csv"), DeliveryPlan.NONE, false));
        Instant back = s.nextRunAt().plus(Duration.ofDays(2)).plus(Duration.ofHours(3));
        assertThat(n.scheduler().fireDue(back)).isEqualTo(1);
        assertThat(ticks(n.store(), s.id())).isEmpty();
        Schedule after = n.schedules().store().get(s.id()).orElseThrow();
        assertThat(after.nextRunAt()).isEqualTo(s.nextRunAt().plus(Duration.ofDays(3)));
        assertThat(after.lastError()).contains("missed while no node was up").contains("catch_up: none");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2"})
    void aDailyScheduleAtHalfPastTwoRunsOnceOnTheDaysClocksChange(String kind) throws Exception {
        Node n = node(database(kind));
        java.time.ZoneId berlin = java.time.ZoneId.of("Europe/Berlin");
        Schedule s = n.schedules().create(ALICE, new Schedule.Definition("half-past-two", "30 2 * * *", "Europe/Berlin",
                CatchUp.LAST, ExportRequest.of("orders", "csv"), DeliveryPlan.NONE, false));
        // Three days around each of 2027's changes, each tick fired a second after it is due, as a node would.
        for (String from : List.of("2027-03-27T02:30:00+01:00", "2027-10-30T02:30:00+02:00")) {
            try (Connection c = n.store().dataSource().getConnection();
                 java.sql.PreparedStatement st = c.prepareStatement("UPDATE export_schedule SET next_run_at = ? WHERE id = ?")) {
                st.setObject(1, java.time.OffsetDateTime.parse(from));
                st.setString(2, s.id());
                st.executeUpdate();
            }
            for (int day = 0; day < 3; day++) {
                Instant due = n.schedules().store().get(s.id()).orElseThrow().nextRunAt();
                assertThat(n.scheduler().fireDue(due.plusSeconds(1))).isEqualTo(1);
            }
        }
        List<Instant> runs = ticks(n.store(), s.id()).stream().map(Instant::ofEpochSecond).toList();
        Map<java.time.LocalDate, Long> perDay = runs.stream().collect(java.util.stream.Collectors.groupingBy(
                r -> r.atZone(berlin).toLocalDate(), java.util.stream.Collectors.counting()));
        assertThat(perDay.values()).allMatch(count -> count == 1);
        // 2027-03-28 has no 02:30: it ran once, after the gap; 2027-10-31 has two: it ran at the first.
        assertThat(runs).contains(at("2027-03-28T03:30:00+02:00"), at("2027-10-31T02:30:00+02:00"))
                .doesNotContain(at("2027-10-31T02:30:00+01:00"));
        assertThat(perDay).hasSize(6).containsKeys(java.time.LocalDate.parse("2027-03-28"), java.time.LocalDate.parse("2027-10-31"));
    }

    private static Instant at(String text) {
        return java.time.OffsetDateTime.parse(text).toInstant();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2"})
    void aPausedScheduleDoesNotFireAndResumesFromNow(String kind) throws Exception {
        Node n = node(database(kind));
        Schedule s = n.schedules().create(ALICE, everyMinute("paused", CatchUp.LAST));
        Schedule paused = n.schedules().pause(s).orElseThrow();
        assertThat(paused.nextRunAt()).isNull();
        assertThat(paused.nextRuns(5)).isEmpty();
        assertThat(n.scheduler().fireDue(s.nextRunAt().plus(Duration.ofMinutes(5)))).isZero();
        Schedule resumed = n.schedules().resume(paused).orElseThrow();
        assertThat(resumed.paused()).isFalse();
        assertThat(resumed.nextRunAt()).isAfter(Instant.now().minusSeconds(1)).isBefore(Instant.now().plusSeconds(61));
        assertThat(ticks(n.store(), s.id())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2"})
    void aTickWhoseRequestNoLongerPassesMakesNoJobAndTheScheduleSaysWhy(String kind) throws Exception {
        Node n = node(database(kind));
        Schedule s = n.schedules().create(ALICE, everyMinute("filtered", CatchUp.LAST));
        // The request stored as it was accepted; now it names a column the dataset does not have.
        try (Connection c = n.store().dataSource().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE export_schedule SET request = '" + dev.freight.query.ExportRequestJson.write(
                    ExportRequest.of("orders", "csv").withColumns(List.of("no_such_column"))) + "' WHERE id = '" + s.id() + "'");
        }
        assertThat(n.scheduler().fireDue(s.nextRunAt().plusSeconds(1))).isEqualTo(1);
        assertThat(ticks(n.store(), s.id())).isEmpty();
        Schedule after = n.schedules().store().get(s.id()).orElseThrow();
        assertThat(after.lastError()).contains("no_such_column");
        assertThat(after.nextRunAt()).isEqualTo(s.nextRunAt().plusSeconds(60));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2"})
    void aTickOfAnOwnerWhoseKeysWereRevokedMakesNoJobAndTheScheduleSaysWhy(String kind) throws Exception {
        Node n = node(database(kind), true);
        dev.freight.auth.StoredApiKeys keys = new dev.freight.auth.StoredApiKeys(n.store().dataSource());
        keys.create(ALICE, "cd".repeat(32));
        Schedule s = n.schedules().create(ALICE, everyMinute("revoked", CatchUp.LAST));
        // An owner no key ever held (named by the operator on the command line) runs as saved.
        Schedule ops = n.schedules().create(Principal.user("ops"), everyMinute("keyless", CatchUp.LAST));
        assertThat(n.scheduler().fireDue(s.nextRunAt().plusSeconds(1))).isEqualTo(2);
        assertThat(ticks(n.store(), s.id())).hasSize(1);
        keys.revoke("alice");
        assertThat(n.scheduler().fireDue(s.nextRunAt().plusSeconds(61))).isEqualTo(2);
        assertThat(ticks(n.store(), s.id())).as("no job after the revocation").hasSize(1);
        assertThat(ticks(n.store(), ops.id())).hasSize(2);
        Schedule after = n.schedules().store().get(s.id()).orElseThrow();
        assertThat(after.lastError()).isEqualTo("the owner 'alice' has no active API key any more (revoked): the "
                + "schedule makes no jobs until the name has a key again; delete it or ask an admin to");
        assertThat(after.nextRunAt()).isEqualTo(s.nextRunAt().plusSeconds(120));
        // A new key of the name: its ticks run again.
        keys.create(ALICE, "ef".repeat(32));
        n.scheduler().fireDue(s.nextRunAt().plusSeconds(121));
        assertThat(ticks(n.store(), s.id())).hasSize(2);
    }
}
