package dev.freight.schedule;

import dev.freight.auth.Principal;
import dev.freight.delivery.DeliveryPlan;
import dev.freight.delivery.DeliveryPlans;
import dev.freight.job.JobIds;
import dev.freight.query.ExportRequestJson;
import dev.freight.store.StoreException;
import dev.freight.store.StoreSql;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static dev.freight.store.StoreSql.instant;
import static dev.freight.store.StoreSql.utc;

/**
 * Schedules in the job-store database ({@code export_schedule}). Times written here are the job store's clock's,
 * the one every node shares.
 */
public final class ScheduleStore {
    private static final String COLUMNS = "s.id, s.name, s.owner, s.owner_role, s.owner_attributes, s.cron, s.time_zone, "
            + "s.catch_up, s.request, s.delivery_plan, s.paused, s.next_run_at, s.last_run_at, s.last_job_id, "
            + "s.last_error, s.created_at, s.updated_at";
    /** With the status of the last run's job (gone once the job is deleted). */
    private static final String SELECT = "SELECT " + COLUMNS + ", j.status AS last_status FROM export_schedule s "
            + "LEFT JOIN export_job j ON j.id = s.last_job_id";

    /** The owner already has a schedule of that name. */
    public static final class NameTakenException extends RuntimeException {
        public NameTakenException(String name) {
            super("you already have a schedule named '" + name + "': choose another name or edit that one", null,
                    false, false);
        }
    }

    /** What firing one due schedule did: its next tick, and the run it made (or why it made none). */
    public record Fired(Instant nextRunAt, Instant ranAt, String jobId, String error) {
    }

    private final StoreSql sql;
    private final Clock clock;

    public ScheduleStore(DataSource dataSource, Clock clock) {
        this.sql = new StoreSql(dataSource, "schedules");
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    public Schedule create(Principal owner, Schedule.Definition d, Instant nextRunAt) {
        String id = JobIds.next();
        Instant now = clock.instant();
        try {
            sql.update("INSERT INTO export_schedule (id, name, owner, owner_role, owner_attributes, cron, time_zone, "
                            + "catch_up, request, delivery_plan, paused, next_run_at, created_at, updated_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    id, d.name(), owner.name(), owner.role(), owner.attributesJson(), d.cron(), d.timeZone(),
                    d.catchUp().wireName(), ExportRequestJson.write(d.request()), plan(d.plan()), d.paused(),
                    utc(d.paused() ? null : nextRunAt), utc(now), utc(now));
        } catch (StoreException e) {
            if (StoreSql.isUniqueViolation(e)) throw new NameTakenException(d.name());
            throw e;
        }
        return get(id).orElseThrow();
    }

    /** Replaces what the owner saves; the owner, times of past runs and creation stay. */
    public Optional<Schedule> replace(String id, Schedule.Definition d, Instant nextRunAt) {
        int changed;
        try {
            changed = sql.update("UPDATE export_schedule SET name = ?, cron = ?, time_zone = ?, catch_up = ?, request = ?, "
                            + "delivery_plan = ?, paused = ?, next_run_at = ?, updated_at = ? WHERE id = ?",
                    d.name(), d.cron(), d.timeZone(), d.catchUp().wireName(), ExportRequestJson.write(d.request()),
                    plan(d.plan()), d.paused(), utc(d.paused() ? null : nextRunAt), utc(clock.instant()), id);
        } catch (StoreException e) {
            if (StoreSql.isUniqueViolation(e)) throw new NameTakenException(d.name());
            throw e;
        }
        return changed == 0 ? Optional.empty() : get(id);
    }

    public Optional<Schedule> get(String id) {
        if (!JobIds.isWellFormed(id)) return Optional.empty();
        return sql.queryOne(SELECT + " WHERE s.id = ?", ScheduleStore::read, id);
    }

    /** By name; {@code owner} null lists everyone's. */
    public List<Schedule> list(String owner) {
        return owner == null
                ? sql.query(SELECT + " ORDER BY s.owner, s.name", ScheduleStore::read)
                : sql.query(SELECT + " WHERE s.owner = ? ORDER BY s.name", ScheduleStore::read, owner);
    }

    /** Pauses (next run cleared) or resumes (from {@code nextRunAt}); false when there is no such schedule. */
    public boolean setPaused(String id, boolean paused, Instant nextRunAt) {
        return sql.update("UPDATE export_schedule SET paused = ?, next_run_at = ?, updated_at = ? WHERE id = ?",
                paused, utc(paused ? null : nextRunAt), utc(clock.instant()), id) > 0;
    }

    /** Resumes from now (ticks that passed while paused are not run); the next run. */
    public Instant resume(Schedule s) {
        Instant next = s.times().nextAfter(clock.instant()).orElse(null);
        setPaused(s.id(), false, next);
        return next;
    }

    /** Records a run made now by hand ("run now"): the tick schedule is unchanged. */
    public void recordRun(String id, Instant ranAt, String jobId, String error) {
        sql.update("UPDATE export_schedule SET last_run_at = ?, last_job_id = COALESCE(?, last_job_id), last_error = ?, "
                + "updated_at = ? WHERE id = ?", utc(ranAt), jobId, truncate(error), utc(clock.instant()), id);
    }

    public boolean delete(String id) {
        return sql.update("DELETE FROM export_schedule WHERE id = ?", id) > 0;
    }

    /**
     * Takes one schedule due at {@code now} that no other node holds, lets {@code fire} run it while its row stays
     * locked, and records what it did, in one transaction. False when none is due. {@code fire} may create a job:
     * if this transaction then fails, the next attempt creates the same job again (same idempotency key), which the
     * job store answers with the one already there.
     */
    public boolean fireOneDue(Instant now, Function<Schedule, Fired> fire) {
        return sql.inTransaction(c -> {
            Optional<Schedule> due = StoreSql.queryOne(c, "SELECT " + COLUMNS + ", CAST(NULL AS VARCHAR(16)) AS last_status "
                    + "FROM export_schedule s WHERE s.paused = FALSE AND s.next_run_at <= ? ORDER BY s.next_run_at "
                    + "LIMIT 1 FOR UPDATE SKIP LOCKED", ScheduleStore::read, utc(now));
            if (due.isEmpty()) return false;
            Fired fired = fire.apply(due.get());
            record(c, due.get().id(), fired);
            return true;
        });
    }

    private void record(Connection c, String id, Fired f) throws SQLException {
        StoreSql.update(c, "UPDATE export_schedule SET next_run_at = ?, last_run_at = COALESCE(?, last_run_at), "
                        + "last_job_id = COALESCE(?, last_job_id), last_error = ?, updated_at = ? WHERE id = ?",
                utc(f.nextRunAt()), utc(f.ranAt()), f.jobId(), truncate(f.error()), utc(clock.instant()), id);
    }

    /**
     * last_error holds 2,000 characters. A refusal's message may be longer (a list of columns), and a tick whose
     * record failed would stay due and be refused again at every poll.
     */
    private static String truncate(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 1997) + "...";
    }

    private static String plan(DeliveryPlan plan) {
        return plan == null || plan.equals(DeliveryPlan.NONE) ? null : DeliveryPlans.toJson(plan);
    }

    private static Schedule read(ResultSet rs) throws SQLException {
        String planJson = rs.getString("delivery_plan");
        Principal owner;
        try {
            owner = new Principal(rs.getString("owner"), rs.getString("owner_role"),
                    Principal.attributesFromJson(rs.getString("owner_attributes")));
        } catch (RuntimeException e) {
            throw new SQLException("export_schedule.owner_attributes: " + e.getMessage(), e);
        }
        return new Schedule(rs.getString("id"), rs.getString("name"), owner, rs.getString("cron"),
                rs.getString("time_zone"), CatchUp.fromWire(rs.getString("catch_up")).orElse(CatchUp.LAST),
                ExportRequestJson.read(rs.getString("request")),
                planJson == null ? DeliveryPlan.NONE : DeliveryPlans.fromJson(planJson), rs.getBoolean("paused"),
                instant(rs, "next_run_at"), instant(rs, "last_run_at"), rs.getString("last_job_id"),
                rs.getString("last_status"), rs.getString("last_error"), instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }
}
