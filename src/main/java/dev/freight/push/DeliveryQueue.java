package dev.freight.push;

import dev.freight.config.DeliveryConfig;
import dev.freight.delivery.DeliveryEvent;
import dev.freight.delivery.DeliveryPlans;
import dev.freight.delivery.DeliveryTarget;
import dev.freight.store.StoreSql;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static dev.freight.store.StoreSql.instant;
import static dev.freight.store.StoreSql.utc;

/**
 * The job store's {@code export_delivery} rows as a queue. A node claims due rows for a lease (skipping rows another
 * node holds), sends them, and records the outcome: delivered, or failed and due again after a backoff that doubles
 * from {@code webhooks.retry_initial_delay} up to {@code retry_max_delay}, until {@code give_up_after} from the
 * row's creation, when it is failed for good. Every time is the job store's clock, shared by all nodes; a node
 * that dies with a claimed row lets its lease lapse and another node takes it.
 */
final class DeliveryQueue {
    /** A claimed delivery: attempt number {@code attempts + 1} starts now. */
    record Due(String id, String jobId, DeliveryEvent event, DeliveryTarget target, int attempts, Instant createdAt) {
    }

    private final StoreSql sql;
    private final Clock clock;
    private final String node;
    private final Duration lease;
    private final DeliveryConfig.Webhooks retry;

    DeliveryQueue(DataSource pool, Clock clock, String node, Duration lease, DeliveryConfig.Webhooks retry) {
        this.sql = new StoreSql(pool, "deliveries");
        this.clock = clock;
        this.node = node;
        this.lease = lease;
        this.retry = retry;
    }

    Clock clock() {
        return clock;
    }

    /** Up to {@code limit} due deliveries, now this node's until the lease ends. */
    List<Due> claim(int limit) {
        return claim(limit, clock.instant());
    }

    /**
     * As {@link #claim(int)}, of the deliveries due by {@code dueBy} only: a pass that started at {@code dueBy} never
     * meets again a delivery it failed, whose next attempt is after it.
     */
    List<Due> claim(int limit, Instant dueBy) {
        if (limit <= 0) return List.of();
        Instant now = clock.instant();
        return sql.inTransaction(c -> {
            List<Due> due = StoreSql.query(c, "SELECT id, job_id, event, spec, attempts, created_at FROM export_delivery "
                            + "WHERE status = 'pending' AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?) "
                            + "ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED",
                    rs -> new Due(rs.getString("id"), rs.getString("job_id"), DeliveryEvent.fromWire(rs.getString("event")),
                            DeliveryPlans.fromJson(rs.getString("spec")).targets().get(0), rs.getInt("attempts"),
                            instant(rs, "created_at")),
                    utc(dueBy.isBefore(now) ? dueBy : now), utc(now), limit);
            for (Due d : due) {
                StoreSql.update(c, "UPDATE export_delivery SET locked_by = ?, locked_until = ? WHERE id = ?", node,
                        utc(now.plus(lease)), d.id());
            }
            return due;
        });
    }

    /** The attempt succeeded ({@code status}: the HTTP status or SMTP reply, when there is one). */
    void delivered(Due d, Integer status) {
        Instant now = clock.instant();
        sql.update("UPDATE export_delivery SET status = 'delivered', attempts = attempts + 1, last_status = ?, "
                + "last_error = NULL, first_attempt_at = COALESCE(first_attempt_at, ?), last_attempt_at = ?, "
                + "next_attempt_at = NULL, locked_by = NULL, locked_until = NULL WHERE id = ? AND locked_by = ?",
                status, utc(now), utc(now), d.id(), node);
    }

    /**
     * The attempt failed: due again after the backoff, or failed for good when {@code permanent} or when the next
     * attempt would come after {@code give_up_after}. Returns the next attempt's time, empty when given up.
     */
    Optional<Instant> failed(Due d, Integer status, String error, boolean permanent) {
        Instant now = clock.instant();
        int attempts = d.attempts() + 1;
        Instant next = now.plus(backoff(attempts));
        boolean giveUp = permanent || next.isAfter(d.createdAt().plus(retry.giveUpAfter()));
        sql.update("UPDATE export_delivery SET status = ?, attempts = ?, last_status = ?, last_error = ?, "
                + "first_attempt_at = COALESCE(first_attempt_at, ?), last_attempt_at = ?, next_attempt_at = ?, "
                + "locked_by = NULL, locked_until = NULL WHERE id = ? AND locked_by = ?",
                giveUp ? "failed" : "pending", attempts, status, truncate(error), utc(now), utc(now),
                giveUp ? null : utc(next), d.id(), node);
        return giveUp ? Optional.empty() : Optional.of(next);
    }

    /**
     * Writes {@code note} as the last error of the deliveries no node has tried and none has taken since
     * {@code dueBefore}, so that their log says why they wait. Only the untried ones that no node holds: a real
     * attempt's error is never overwritten, the delivery stays due as it was, and the first attempt replaces the note.
     * Returns how many were noted.
     */
    int noteUntried(Instant dueBefore, String note) {
        Instant now = clock.instant();
        // Untried past give_up_after as a retried one would be: failed, saying why (no node can send it).
        sql.update("UPDATE export_delivery SET status = 'failed', next_attempt_at = NULL, last_error = ? "
                + "WHERE status = 'pending' AND attempts = 0 AND created_at < ? AND (locked_until IS NULL OR locked_until < ?)",
                truncate("given up untried after " + dev.freight.config.Units.format(retry.giveUpAfter()) + " (webhooks.give_up_after): " + note), utc(now.minus(retry.giveUpAfter())),
                utc(now));
        return sql.update("UPDATE export_delivery SET last_error = ? WHERE status = 'pending' AND attempts = 0 "
                + "AND last_error IS NULL AND next_attempt_at < ? AND (locked_until IS NULL OR locked_until < ?)",
                truncate(note), utc(dueBefore), utc(now));
    }

    /** The name of the schedule that made a job, for a storage copy's {schedule}; empty once it is deleted. */
    Optional<String> scheduleName(String scheduleId) {
        return sql.queryOne("SELECT name FROM export_schedule WHERE id = ?", rs -> rs.getString(1), scheduleId);
    }

    /** Hands a claimed delivery back untried (this node is stopping). */
    void release(Due d) {
        sql.update("UPDATE export_delivery SET locked_by = NULL, locked_until = NULL WHERE id = ? AND locked_by = ?",
                d.id(), node);
    }

    /** Before attempt {@code attempts + 1}: the initial delay, doubled after each failed attempt, capped. */
    Duration backoff(int attempts) {
        Duration d = retry.retryInitialDelay();
        for (int i = 1; i < attempts && d.compareTo(retry.retryMaxDelay()) < 0; i++) d = d.multipliedBy(2);
        return d.compareTo(retry.retryMaxDelay()) > 0 ? retry.retryMaxDelay() : d;
    }

    private static String truncate(String s) {
        if (s == null) return null;
        return s.length() <= 2000 ? s : s.substring(0, 1997) + "...";
    }
}
