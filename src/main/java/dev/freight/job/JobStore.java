package dev.freight.job;

import dev.freight.query.ExportRequest;
import dev.freight.auth.Principal;
import dev.freight.delivery.DeliveryPlan;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Durable export jobs, which are also the work queue. Every state change a worker makes is conditional on it
 * still holding the job's lease ({@code locked_by}), so a worker that lost its lease cannot overwrite the work of
 * the one that took over.
 */
public interface JobStore extends AutoCloseable {

    /**
     * The owner's caps that the store enforces when it admits an export, for every node of the job store at once:
     * {@code maxActive} its concurrent_jobs, {@code exportsPerHour} its hourly budget (Long.MAX_VALUE: none).
     */
    record Admission(int maxActive, long exportsPerHour) {
        public static final Admission UNLIMITED = new Admission(Integer.MAX_VALUE, Long.MAX_VALUE);

        boolean limited() {
            return maxActive != Integer.MAX_VALUE || exportsPerHour != Long.MAX_VALUE;
        }
    }

    /**
     * {@code admission}: the caps the store checks, atomically with the insert; {@code plan}: the deliveries when it
     * ends ({@link DeliveryPlan#NONE} for none); {@code scheduleId}: the schedule it runs for, null for a one-off.
     */
    record NewJob(Principal owner, String idempotencyKey, ExportRequest request, Long totalRows, int maxAttempts,
                  Admission admission, DeliveryPlan plan, String scheduleId) {
        public NewJob {
            if (plan == null) plan = DeliveryPlan.NONE;
        }

        public NewJob(Principal owner, String idempotencyKey, ExportRequest request, Long totalRows, int maxAttempts) {
            this(owner, idempotencyKey, request, totalRows, maxAttempts, Admission.UNLIMITED);
        }

        public NewJob(Principal owner, String idempotencyKey, ExportRequest request, Long totalRows, int maxAttempts,
                      Admission admission) {
            this(owner, idempotencyKey, request, totalRows, maxAttempts, admission, DeliveryPlan.NONE, null);
        }
    }

    /** The owner's hourly budget ({@code perHour}) is spent; the next export can start after {@code wait}. */
    final class RateLimitedException extends RuntimeException {
        private final long perHour;
        private final Duration wait;

        public RateLimitedException(long perHour, Duration wait) {
            super("the exports_per_hour limit of " + perHour + " is used up", null, false, false);
            this.perHour = perHour;
            this.wait = wait;
        }

        public long perHour() {
            return perHour;
        }

        public Duration waitFor() {
            return wait;
        }
    }

    /**
     * A sync export, counted toward its owner's concurrent_jobs on every node until it is closed. A node that dies
     * with one open stops renewing it, and it stops counting within a lease.
     */
    interface SyncSlot extends AutoCloseable {
        @Override
        void close();
    }

    /** The owner already has {@code active} exports pending or running, {@code max} or more. */
    final class TooManyJobsException extends RuntimeException {
        private final long active;
        private final int max;

        public TooManyJobsException(long active, int max) {
            super("you have " + active + " exports pending or running; the concurrent_jobs limit is " + max
                    + ": wait for one to finish or cancel one", null, false, false);
            this.active = active;
            this.max = max;
        }

        public long active() {
            return active;
        }

        public int max() {
            return max;
        }
    }

    /** The job, and whether this call created it (false: an earlier request with the same idempotency key did). */
    record Created(Job job, boolean created) {
    }

    record Page(List<Job> jobs, String nextCursor) {
    }

    /** What a worker learns when it reports progress. */
    enum Heartbeat { OK, CANCEL_REQUESTED, LEASE_LOST }

    enum CancelOutcome { CANCELLED, CANCEL_REQUESTED, ALREADY_FINISHED, NOT_FOUND }

    /**
     * Queues a job. Its owner's caps ({@link NewJob#admission()}) are checked and taken in the inserting
     * transaction: {@link TooManyJobsException} (checked first, so a request refused for it uses no budget) or
     * {@link RateLimitedException}, and then nothing is stored or taken.
     */
    Created create(NewJob job);

    /**
     * Admits a sync export under its owner's caps, as {@link #create} admits a job: counted with the owner's jobs
     * until the returned handle is closed, and one export taken from the hourly budget.
     */
    SyncSlot admitSync(Principal owner, Admission admission);

    Optional<Job> get(String id);

    /**
     * Newest first. {@code owner} null lists everyone's jobs; {@code status} null lists every status; {@code cursor}
     * is the {@code nextCursor} of the previous page (an invalid one throws InvalidRequestException
     * {@code invalid_cursor}).
     */
    Page list(String owner, JobStatus status, String cursor, int limit);

    /** Takes the oldest pending job due to run, or a running job whose lease lapsed; attempts + 1. */
    Optional<Job> claim(String workerId, Duration lease);

    /** Renews the lease and records progress; the job has no checkpoint (this attempt started over). */
    default Heartbeat heartbeat(String id, String workerId, Duration lease, long processedRows) {
        return heartbeat(id, workerId, lease, processedRows, null);
    }

    /**
     * Renews the lease and records progress and where the job's file stands ({@code checkpoint}, JSON, null for
     * none), which the job's next attempt continues from.
     */
    Heartbeat heartbeat(String id, String workerId, Duration lease, long processedRows, String checkpoint);

    /** The checkpoint the job's last heartbeat recorded. */
    Optional<String> checkpoint(String id);

    default boolean complete(String id, String workerId, long rowCount, String fileName, long fileSizeBytes,
                             String contentType, Instant expiresAt) {
        return complete(id, workerId, rowCount, fileName, fileSizeBytes, contentType, expiresAt, null);
    }

    /**
     * Records the finished file, and in the same transaction queues the job's deliveries of
     * {@code export.completed}, unless {@code conditionMet} is false (the plan's condition did not hold; null: there
     * is none), which is recorded either way.
     */
    boolean complete(String id, String workerId, long rowCount, String fileName, long fileSizeBytes, String contentType,
                     Instant expiresAt, Boolean conditionMet);

    /** A transient failure: back to pending until {@code runAfter}, keeping the error for the record. */
    boolean retryLater(String id, String workerId, String errorCode, String errorMessage, Instant runAfter);

    /** Fails the job for good, queueing its deliveries of {@code export.failed} in the same transaction. */
    boolean fail(String id, String workerId, String errorCode, String errorMessage);

    boolean markCancelled(String id, String workerId);

    /** Graceful shutdown: the job goes back to pending without counting the attempt. */
    boolean release(String id, String workerId);

    CancelOutcome requestCancel(String id);

    /** Which of these running jobs have a cancel request: one cheap look for all the jobs a node runs. */
    Set<String> cancelRequested(Collection<String> ids);

    void markDownloaded(String id);

    /** The job store's clock, which every node compares times by (expiry, leases, links). */
    java.time.Clock clock();

    /** Completed jobs whose file is past its expiry. */
    List<Job> dueForExpiry(Instant now, int limit);

    /** The file is gone: queues the deliveries of {@code export.expired} of a job whose condition held. */
    boolean markExpired(String id);

    /**
     * Running jobs whose lease lapsed and whose attempts are used up: they are failed ({@code worker_lost}) instead
     * of reclaimed. Returns them as they were, with the worker that held them.
     */
    List<Job> failExhaustedLeases();

    /** Deletes job records in a terminal state created before {@code cutoff}, and tombstones older than it; returns the jobs' ids. */
    List<String> purge(Instant cutoff, int limit);

    /** Deletes a job at its owner's request, leaving a tombstone so that its links answer "gone". */
    boolean delete(String id);

    /** The owner of a job that was deleted (and not yet purged). */
    Optional<String> deletedOwner(String id);

    Map<JobStatus, Long> countByStatus();

    /** The job's delivery log, oldest first (empty: nothing was or is to be delivered). */
    List<dev.freight.delivery.DeliveryRecord> deliveryLog(String jobId);

    /** The delivery logs of these jobs in one look (a page of the job list); jobs without one are absent. */
    Map<String, List<dev.freight.delivery.DeliveryRecord>> deliveryLogs(Collection<String> jobIds);

    /**
     * The owner's exports that count toward {@code concurrent_jobs}: jobs pending or running, and sync exports in
     * flight on any node.
     */
    long countActive(String owner);

    Optional<Instant> oldestPendingCreatedAt();

    /** Every change this store makes, told at once to the listeners of every node of the job store. */
    JobSignals signals();

    @Override
    void close();
}
