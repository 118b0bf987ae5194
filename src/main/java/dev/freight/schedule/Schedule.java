package dev.freight.schedule;

import dev.freight.auth.Principal;
import dev.freight.delivery.DeliveryPlan;
import dev.freight.query.ExportRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A scheduled export as stored: the request, when it runs ({@code cron} in {@code timeZone}), what happens with
 * each run's file ({@code plan}) and whose permissions it runs with ({@code owner}, as they were when it was
 * saved; at each tick the owner's key as it stands then and the role's current rules apply). {@code nextRunAt} is null when paused or when the cron never
 * fires again. {@code lastStatus} is the status of the last run's job, if it is still there.
 */
public record Schedule(String id, String name, Principal owner, String cron, String timeZone, CatchUp catchUp,
                       ExportRequest request, DeliveryPlan plan, boolean paused, Instant nextRunAt, Instant lastRunAt,
                       String lastJobId, String lastStatus, String lastError, Instant createdAt, Instant updatedAt) {

    /** The cron read in the schedule's zone (both were checked when it was saved). */
    public CronSchedule times() {
        return CronSchedule.parse(cron, timeZone);
    }

    /** The next {@code n} runs: none while paused. */
    public List<Instant> nextRuns(int n) {
        if (paused || nextRunAt == null || n <= 0) return List.of();
        List<Instant> runs = new ArrayList<>(n);
        runs.add(nextRunAt);
        runs.addAll(times().next(nextRunAt, n - 1));
        return runs;
    }

    /** The same schedule run by {@code current}, its owner as the keys stand today (same name). */
    public Schedule withOwner(Principal current) {
        return new Schedule(id, name, current, cron, timeZone, catchUp, request, plan, paused, nextRunAt, lastRunAt,
                lastJobId, lastStatus, lastError, createdAt, updatedAt);
    }

    /** What a caller saves: everything but the times and results the store keeps. */
    public record Definition(String name, String cron, String timeZone, CatchUp catchUp, ExportRequest request,
                             DeliveryPlan plan, boolean paused) {
    }
}
