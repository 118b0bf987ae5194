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

    /**
     * Ends the key of a job's other picture. '0' is no letter of a job id (lowercase base32: a-z, 2-7), so no job's
     * own key ends so, and the key stays within what every file store takes ([a-z0-9]).
     */
    static final String OTHER_PICTURE = "0other";

    /** The key of the job's file in the file store: the job id, never anything a user typed. */
    public String storageKey() {
        return id;
    }

    /**
     * The key of the job's other picture (the PDF of a png job, the PNG of a pdf_visual job), drawn beside its file
     * when an email delivers it ({@link dev.freight.format.ExportFormat#otherPicture}); it goes whenever the
     * job's file goes ({@link #fileKeys}).
     */
    public String otherPictureKey() {
        return otherPictureKey(id);
    }

    static String otherPictureKey(String id) {
        return id + OTHER_PICTURE;
    }

    /** Every key a job's files may have in the file store: deleting a job's file deletes all of them. */
    public static java.util.List<String> fileKeys(String id) {
        return java.util.List.of(id, otherPictureKey(id));
    }

    /** The job a file key belongs to: the id itself, or the id of whose other picture it is. */
    public static String jobOfKey(String key) {
        return key != null && key.endsWith(OTHER_PICTURE) ? key.substring(0, key.length() - OTHER_PICTURE.length()) : key;
    }
}
