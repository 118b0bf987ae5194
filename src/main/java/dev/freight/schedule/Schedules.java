package dev.freight.schedule;

import dev.freight.auth.Principal;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.ProblemCode;
import dev.freight.export.PreparedExport;
import dev.freight.job.Job;
import dev.freight.job.JdbcJobStore;
import dev.freight.job.JobService;
import dev.freight.job.JobStore;
import dev.freight.query.ExportRequest;
import dev.freight.query.SeriesRequest;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Saving, pausing, resuming and running schedules, for the API and the command line alike. A schedule is checked
 * as its runs will be: its request is prepared with its owner's permissions when it is saved, so a schedule that
 * could never run is refused then, not at 8 o'clock on Monday.
 */
public final class Schedules {
    /** How many coming runs a schedule shows (the UI's cron helper shows them while one types). */
    public static final int NEXT_RUNS = 5;
    private static final int MAX_NAME = 200;

    private final ScheduleStore store;
    private final Scheduler scheduler;
    private final JobService jobs;

    public Schedules(ScheduleStore store, JobService jobs) {
        this.store = store;
        this.scheduler = new Scheduler(store, jobs);
        this.jobs = jobs;
    }

    /** Over the job store's database, on its clock. */
    public static Schedules over(JdbcJobStore store, JobService jobs) {
        return new Schedules(new ScheduleStore(store.dataSource(), store.clock()), jobs);
    }

    public ScheduleStore store() {
        return store;
    }

    public Schedule create(Principal owner, Schedule.Definition d) {
        Schedule.Definition checked = check(owner, d);
        return store.create(owner, checked, firstRun(checked));
    }

    /** Replaces a schedule's definition; its next run is counted from now by the (new) cron. */
    public Optional<Schedule> replace(Schedule existing, Schedule.Definition d) {
        Schedule.Definition checked = check(existing.owner(), d);
        return store.replace(existing.id(), checked, firstRun(checked));
    }

    public Optional<Schedule> pause(Schedule s) {
        store.setPaused(s.id(), true, null);
        return store.get(s.id());
    }

    /** Resumes from now: ticks that passed while paused are not run. */
    public Optional<Schedule> resume(Schedule s) {
        store.resume(s);
        return store.get(s.id());
    }

    public Job runNow(Schedule s, JobStore.Admission admission) {
        return scheduler.runNow(s, admission);
    }

    public boolean delete(Schedule s) {
        return store.delete(s.id());
    }

    /**
     * A character a name may hold: none that is invisible or turns text around (controls, bidi overrides and other
     * format characters, a lone surrogate), so that a name reads in a list as it is.
     */
    private static boolean shown(int cp) {
        int type = Character.getType(cp);
        return type != Character.CONTROL && type != Character.FORMAT && type != Character.SURROGATE
                && type != Character.UNASSIGNED && type != Character.PRIVATE_USE;
    }

    /** The coming runs: none while paused. */
    public List<Instant> nextRuns(Schedule s) {
        return s.nextRuns(NEXT_RUNS);
    }

    /** The coming runs of a cron in a zone, for a schedule being written. */
    public List<Instant> preview(String cron, String timeZone) {
        return firing(CronSchedule.parse(cron, timeZone)).next(now(), NEXT_RUNS);
    }

    /** {@code times}, if it fires again: one that never does (30 February) is refused as a save refuses it. */
    private CronSchedule firing(CronSchedule times) {
        if (times.nextAfter(now()).isEmpty()) {
            throw new InvalidRequestException(ProblemCode.INVALID_SCHEDULE, "cron", "cron \"" + times.expression()
                    + "\" never fires again");
        }
        return times;
    }

    private Schedule.Definition check(Principal owner, Schedule.Definition d) {
        String name = d.name() == null ? "" : d.name().trim();
        if (name.isEmpty() || name.length() > MAX_NAME || !name.codePoints().allMatch(Schedules::shown)) {
            throw new InvalidRequestException(ProblemCode.INVALID_SCHEDULE, "name", "name must be 1 to " + MAX_NAME
                    + " characters without control characters");
        }
        CronSchedule times = firing(CronSchedule.parse(d.cron(), d.timeZone()));
        // What runs is what is stored: the format resolved and values converted, as a job stores its request.
        PreparedExport prepared = jobs.exports().prepare(d.request(), owner);
        // Deliveries as a create checks them: hosts allowed, storage targets configured, the condition's measure.
        jobs.checkDeliveries(d.plan(), prepared);
        return new Schedule.Definition(name, times.expression(), times.zone().getId(), d.catchUp(),
                relativeRange(d.request(), prepared.request()), d.plan(), d.paused());
    }

    /**
     * The request to store: as planned, except that a series' {@code timeframe} stays as written. Planning resolves
     * it to a fixed from/to (a job exports the range it was asked for, retried or not), but a schedule's "last_7d"
     * means the seven days before each run; stored resolved, every run exported the week the schedule was saved.
     */
    private static ExportRequest relativeRange(ExportRequest asked, ExportRequest planned) {
        SeriesRequest s = asked.series();
        SeriesRequest p = planned.series();
        if (s == null || s.timeframe() == null || p == null) return planned;
        return planned.withSeries(new SeriesRequest(p.timeColumn(), s.timeframe(), null, null, p.timeZone(),
                p.granularity(), p.measures(), p.groupBy(), p.fill()));
    }

    private Instant firstRun(Schedule.Definition d) {
        return CronSchedule.parse(d.cron(), d.timeZone()).nextAfter(now()).orElse(null);
    }

    private Instant now() {
        return store.clock().instant();
    }
}
