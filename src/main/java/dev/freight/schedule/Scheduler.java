package dev.freight.schedule;

import dev.freight.audit.AuditEvent;
import dev.freight.audit.AuditLog;
import dev.freight.auth.Principal;
import dev.freight.error.IdempotencyKeyReusedException;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.ProblemCode;
import dev.freight.export.PreparedExport;
import dev.freight.job.Job;
import dev.freight.job.JobIds;
import dev.freight.job.JobService;
import dev.freight.job.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Fires schedules: every node that runs workers looks for due schedules every {@code poll} and turns each due tick
 * into one ordinary job. Exactly once per tick across nodes: a due schedule's row is taken with
 * {@code FOR UPDATE SKIP LOCKED}, so one node fires it, and the job is created with the idempotency key
 * {@code schedule:<id>:<tick>}, so a node that died between creating the job and moving the schedule on leaves a
 * tick the next node fires into the same job, not a second one.
 *
 * <p>Ticks are the job store's clock's ({@link ScheduleStore#clock()}): every node agrees when one is due.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    /** A tick no node fired within this long after it was due was missed: every node was down (or the store). */
    public static final Duration MISSED_AFTER = Duration.ofMinutes(1);
    /** Due schedules fired in one pass, so one pass ends even with a thousand schedules due at once. */
    private static final int MAX_PER_PASS = 1000;

    private final ScheduleStore schedules;
    private final JobService jobs;
    private final AuditLog audit;
    private ScheduledExecutorService timer;

    /**
     * Who a schedule runs as at a tick: its saved owner as the keys stand now (role and attributes of today), or
     * none when that principal may no longer do anything (its keys revoked).
     */
    @FunctionalInterface
    public interface Owners {
        /** Every owner as saved: where no keys are known (tests, one-shot commands). */
        Owners AS_SAVED = Optional::of;

        Optional<Principal> current(Principal saved);
    }

    private final Owners owners;

    public Scheduler(ScheduleStore schedules, JobService jobs) {
        this(schedules, jobs, Owners.AS_SAVED);
    }

    public Scheduler(ScheduleStore schedules, JobService jobs, Owners owners) {
        this.schedules = schedules;
        this.jobs = jobs;
        this.audit = jobs.exports().audit();
        this.owners = owners;
    }

    /** Looks for due schedules every {@code poll}, on a thread of its own, until closed. */
    public synchronized void start(Duration poll) {
        if (timer != null) return;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "freight-scheduler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::firePass, 0, poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void firePass() {
        try {
            fireDue(schedules.clock().instant());
        } catch (RuntimeException e) {
            // The store or a source is down: the tick stays due and the next pass fires it.
            LOG.warn("schedules: could not fire due schedules: {}", e.getMessage());
        }
    }

    /** Fires every schedule due at {@code now}; the number fired. */
    public int fireDue(Instant now) {
        int fired = 0;
        while (fired < MAX_PER_PASS && schedules.fireOneDue(now, s -> fire(s, now))) fired++;
        return fired;
    }

    private ScheduleStore.Fired fire(Schedule s, Instant now) {
        CronSchedule times = s.times();
        Instant tick = s.nextRunAt();
        if (Duration.between(tick, now).compareTo(MISSED_AFTER) > 0) {
            // Missed while no node was up: of the ticks since, only the newest is run (catch_up: last), and under
            // catch_up: none not even that one unless it is recent enough to be on time.
            Instant latest = times.latestAtOrBefore(now, tick.minusNanos(1)).orElse(tick);
            if (s.catchUp() == CatchUp.NONE && Duration.between(latest, now).compareTo(MISSED_AFTER) > 0) {
                LOG.info("schedule {} ({}): ticks from {} missed while no node was up; catch_up none skips them",
                        s.id(), s.name(), tick);
                return new ScheduleStore.Fired(times.nextAfter(now).orElse(null), null, null, "the ticks from " + tick
                        + " to " + latest + " were missed while no node was up (catch_up: none skips them)");
            }
            tick = latest;
        }
        // A tick that is late but not missed is run, and so is each one after it that is due by now: a pass
        // delayed by a second does not lose the ticks of a per-second schedule.
        Instant next = times.nextAfter(tick).orElse(null);
        Optional<Principal> owner = owners.current(s.owner());
        if (owner.isEmpty()) {
            // A revoked principal's schedules would go on exporting (and delivering) without anyone able to sign in.
            String why = "the owner '" + s.owner().name() + "' has no active API key any more (revoked): the schedule "
                    + "makes no jobs until the name has a key again; delete it or ask an admin to";
            LOG.warn("schedule {} ({}): tick {} refused: {}", s.id(), s.name(), tick, why);
            audit.record(AuditEvent.of(AuditEvent.EXPORT_REFUSED, s.owner(), s.request())
                    .withProblem(ProblemCode.FORBIDDEN.code(), why).withDetail("schedule " + s.name()));
            return new ScheduleStore.Fired(next, tick, null, why);
        }
        try {
            Job job = submit(s.withOwner(owner.get()), "schedule:" + s.id() + ":" + tick.getEpochSecond());
            return new ScheduleStore.Fired(next, tick, job.id(), null);
        } catch (InvalidRequestException | IdempotencyKeyReusedException e) {
            // The request no longer passes (a column was dropped, the role lost the dataset): this tick makes no
            // job, the schedule says why, and the next tick tries again.
            LOG.warn("schedule {} ({}): tick {} refused: {}", s.id(), s.name(), tick, e.getMessage());
            audit.record(AuditEvent.of(AuditEvent.EXPORT_REFUSED, s.owner(), s.request())
                    .withProblem(code(e), e.getMessage()).withDetail("schedule " + s.name()));
            return new ScheduleStore.Fired(next, tick, null, e.getMessage());
        }
    }

    /**
     * Runs the schedule now, outside its ticks ("run now"), as {@code admission} allows: the caller's caps apply as
     * to any export they start.
     */
    public Job runNow(Schedule s, JobStore.Admission admission) {
        Instant now = schedules.clock().instant();
        try {
            Job job = submit(s, "schedule:" + s.id() + ":run:" + JobIds.next(), admission);
            schedules.recordRun(s.id(), now, job.id(), null);
            return job;
        } catch (InvalidRequestException e) {
            schedules.recordRun(s.id(), now, null, e.getMessage());
            throw e;
        }
    }

    private Job submit(Schedule s, String idempotencyKey) {
        // A tick is not a request someone is waiting on: the owner's concurrent_jobs and hourly caps, which pace
        // interactive exports, do not drop it.
        return submit(s, idempotencyKey, JobStore.Admission.UNLIMITED);
    }

    private Job submit(Schedule s, String idempotencyKey, JobStore.Admission admission) {
        PreparedExport prepared = jobs.exports().prepare(s.request(), s.owner());
        JobStore.Created created = jobs.submit(s.owner(), idempotencyKey, prepared, admission, s.plan(), s.id());
        if (created.created() && prepared.auditEvent() != null) {
            audit.record(prepared.auditEvent().withJob(created.job().id()).withDetail("schedule " + s.name())
                    .at(created.job().createdAt()));
        }
        return created.job();
    }

    private static String code(RuntimeException e) {
        if (e instanceof InvalidRequestException i) return i.code();
        return dev.freight.error.ProblemCode.IDEMPOTENCY_KEY_REUSED.code();
    }

    @Override
    public synchronized void close() {
        if (timer == null) return;
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer = null;
    }
}
