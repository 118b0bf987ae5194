package dev.freight.delivery;

import java.time.Instant;

/**
 * One line of a job's delivery log: one target for one event of the job ({@code export.completed},
 * {@code export.failed}, {@code export.expired}). {@code status}: pending (due at {@code nextAttemptAt}), delivered
 * or failed (gave up); {@code lastStatus} the last HTTP status (webhooks) or SMTP reply code, when there was one.
 */
public record DeliveryRecord(String id, String jobId, String event, String type, String target, String status,
                             int attempts, Integer lastStatus, String lastError, Instant createdAt,
                             Instant lastAttemptAt, Instant nextAttemptAt) {
    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
}
