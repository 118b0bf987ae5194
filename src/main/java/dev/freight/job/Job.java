package dev.freight.job;

import dev.freight.query.ExportRequest;
import dev.freight.auth.Principal;
import dev.freight.delivery.DeliveryPlan;

import java.time.Instant;
import java.util.Map;

/**
 * One export job as stored. {@code request} is the export request exactly as accepted; {@code progress} is derived
 * from rows processed and the estimate. {@code plan} is what happens when it ends (never null), {@code scheduleId}
 * the schedule that made it (null for a one-off export), {@code conditionMet} whether the plan's condition held on
 * its result (null until it has been evaluated, or when the plan has no condition).
 */
public record Job(String id, String owner, String idempotencyKey, ExportRequest request, JobStatus status,
                  Long totalRows, long processedRows, Long rowCount, String fileName, Long fileSizeBytes,
                  String contentType, String errorCode, String errorMessage, int attempts, int maxAttempts,
                  boolean cancelRequested, boolean downloaded, Instant createdAt, Instant startedAt,
                  Instant completedAt, Instant expiresAt, Instant runAfter, String lockedBy, Instant lockedUntil,
                  String ownerRole, Map<String, String> ownerAttributes, DeliveryPlan plan, String scheduleId,
                  Boolean conditionMet) {

    public Job {
        if (plan == null) plan = DeliveryPlan.NONE;
    }

    /** The owner as they were when creating the job: the job runs with this role's current rules. */
    public Principal principal() {
        return new Principal(owner, ownerRole, ownerAttributes);
    }

    public Double progress() {
        if (status == JobStatus.COMPLETED || status == JobStatus.EXPIRED) return 1.0;
        if (totalRows == null || totalRows <= 0) return null;
        return Math.min(1.0, (double) processedRows / totalRows);
    }

    /** The key of the job's file in the file store: the job id, never anything a user typed. */
    public String storageKey() {
        return id;
    }
}
