package dev.freight.job;

import dev.freight.error.InvalidRequestException;
import dev.freight.error.ProblemCode;

import dev.freight.export.ExportService;
import dev.freight.export.PreparedExport;
import dev.freight.query.ExportRequest;
import dev.freight.auth.Principal;
import dev.freight.delivery.DeliveryPlan;
import dev.freight.delivery.DeliveryPolicy;
import dev.freight.storage.FileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What callers (HTTP, CLI) do with jobs. Requests are validated completely before a job is stored, so a job that
 * is accepted can only fail for reasons that arise while it runs.
 */
public final class JobService {
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);

    private final JobStore store;
    private final FileStore files;
    private final ExportService exports;
    private final JobSettings settings;
    private final WorkerPool workers;
    private final DeliveryPolicy deliveries;

    public JobService(JobStore store, FileStore files, ExportService exports, JobSettings settings, WorkerPool workers) {
        this(store, files, exports, settings, workers, DeliveryPolicy.NONE);
    }

    /** {@code deliveries}: what the configuration allows of a job's deliveries ({@link #checkDeliveries}). */
    public JobService(JobStore store, FileStore files, ExportService exports, JobSettings settings, WorkerPool workers,
                      DeliveryPolicy deliveries) {
        this.store = store;
        this.files = files;
        this.exports = exports;
        this.settings = settings;
        this.workers = workers;
        this.deliveries = deliveries;
    }

    /**
     * Refuses (InvalidRequestException, 400) a plan the configuration cannot deliver or whose condition does not
     * fit the export: called with the request's other checks, before {@link #submit}, which does not check again.
     */
    public void checkDeliveries(DeliveryPlan plan, PreparedExport prepared) {
        if (plan == DeliveryPlan.NONE) return;
        if (plan.condition() != null && prepared.format().visual()) {
            // A picture is drawn by a browser: no rows or measures pass through the export to test a condition on.
            throw new InvalidRequestException(ProblemCode.INVALID_CONDITION, "condition", "a picture (png, pdf_visual) "
                    + "has no rows or measures to test a condition on: deliver it without one, or put the condition on "
                    + "a data export of the same series");
        }
        deliveries.check(plan, prepared.plan().plan().series());
    }

    public DeliveryPolicy deliveryPolicy() {
        return deliveries;
    }

    public ExportService exports() {
        return exports;
    }

    public JobStore store() {
        return store;
    }

    public FileStore files() {
        return files;
    }

    public JobSettings settings() {
        return settings;
    }

    /** Validates, estimates and queues; an existing job is returned for a repeated idempotency key. */
    public JobStore.Created submit(Principal owner, String idempotencyKey, ExportRequest request) {
        return submit(owner, idempotencyKey, exports.prepare(request, owner));
    }

    public JobStore.Created submit(Principal owner, String idempotencyKey, PreparedExport prepared) {
        return submit(owner, idempotencyKey, prepared, JobStore.Admission.UNLIMITED);
    }

    /**
     * Queues under the owner's caps, checked and taken atomically with the insert for every node of the job store:
     * {@link JobStore.TooManyJobsException} or {@link JobStore.RateLimitedException} when one is reached (nothing
     * is stored or taken).
     */
    public JobStore.Created submit(Principal owner, String idempotencyKey, PreparedExport prepared,
                                   JobStore.Admission admission) {
        return submit(owner, idempotencyKey, prepared, admission, DeliveryPlan.NONE, null);
    }

    /**
     * As above, with the deliveries carried out when the job ends ({@code plan}, checked by the caller against the
     * configuration and the export) and the schedule it runs for ({@code scheduleId}, null for a one-off).
     */
    public JobStore.Created submit(Principal owner, String idempotencyKey, PreparedExport prepared,
                                   JobStore.Admission admission, DeliveryPlan plan, String scheduleId) {
        // The count prepare may have made already for the limits: one per request.
        OptionalLong estimate = prepared.rowCount().value();
        // The job records what runs: the format resolved (also when left to exports.default_format) and every
        // value converted to its column's type, so a stored job always serialises.
        ExportRequest stored = prepared.request();
        JobStore.Created created = store.create(new JobStore.NewJob(owner, idempotencyKey, stored,
                estimate.isPresent() ? estimate.getAsLong() : null, settings.maxAttempts(), admission, plan, scheduleId));
        if (created.created() && workers != null) workers.wake();
        return created;
    }

    public JobStore.CancelOutcome cancel(String id) {
        JobStore.CancelOutcome outcome = store.requestCancel(id);
        switch (outcome) {
            case CANCELLED -> LOG.info("job {} cancelled before it ran", id);
            case CANCEL_REQUESTED -> {
                boolean here = workers != null && workers.cancelLocally(id);
                // The worker logs when the job has stopped; this says where the request went.
                LOG.info("job {} cancel requested while running: {}", id, here ? "stopping it on this node"
                        : "the node running it stops it within a second");
            }
            default -> { }
        }
        return outcome;
    }

    /** Stops the job if it runs, then removes its files (its own and its other picture) and its record. */
    public boolean delete(Job job) throws IOException {
        if (!job.status().isTerminal()) cancel(job.id());
        for (String key : Job.fileKeys(job.id())) files.delete(key);
        return store.delete(job.id());
    }

    public Optional<Job> get(String id) {
        return JobIds.isWellFormed(id) ? store.get(id) : Optional.empty();
    }
}
