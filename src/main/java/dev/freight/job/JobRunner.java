package dev.freight.job;

import dev.freight.store.StoreException;
import dev.freight.config.Units;
import dev.freight.error.InvalidRequestException;
import dev.freight.audit.AuditEvent;
import dev.freight.engine.CancellationToken;
import dev.freight.engine.ExportCancelledException;
import dev.freight.delivery.DeliveryCondition;
import dev.freight.engine.ExportResult;
import dev.freight.export.ExportMetrics;
import dev.freight.export.ExportService;
import dev.freight.export.PreparedExport;
import dev.freight.export.Sinks;
import dev.freight.storage.FileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one claimed job to its end: plan, stream into the file store, publish, record. While it runs, a heartbeat
 * renews the lease, writes progress (at most every {@code progressInterval}) and picks up cancel requests.
 */
final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    enum Stop { NONE, CANCELLED, LEASE_LOST, SHUTDOWN }

    private final JobStore store;
    private final FileStore files;
    private final ExportService exports;
    private final JobSettings settings;
    private final ScheduledExecutorService heartbeats;
    private final Clock clock;
    private final ExportMetrics metrics;

    JobRunner(JobStore store, FileStore files, ExportService exports, JobSettings settings,
              ScheduledExecutorService heartbeats, Clock clock, ExportMetrics metrics) {
        this.store = store;
        this.files = files;
        this.exports = exports;
        this.settings = settings;
        this.heartbeats = heartbeats;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** A running job as seen from outside: its id, why it should stop, and the token that stops it. */
    static final class Running {
        final String jobId;
        final CancellationToken cancel = new CancellationToken();
        final AtomicReference<Stop> stop = new AtomicReference<>(Stop.NONE);
        /** Set once a shutdown stop has put the job back in the queue, for the pool's shutdown report. */
        volatile boolean released;

        Running(String jobId) {
            this.jobId = jobId;
        }

        void stop(Stop why) {
            stop.compareAndSet(Stop.NONE, why);
            cancel.cancel();
        }
    }

    void run(Job job, String workerId, Running running) {
        AtomicLong rows = new AtomicLong();
        Checkpoints checkpoints = new Checkpoints();
        FileStore.Upload resumed = settings.resume() ? resumeUpload(job, checkpoints) : null;
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> beat(job, workerId, rows, running, checkpoints),
                settings.progressInterval().toMillis(), settings.progressInterval().toMillis(), TimeUnit.MILLISECONDS);
        AtomicReference<FileStore.Upload> unused = new AtomicReference<>(resumed);
        try {
            JobCheckpoint from = checkpoints.current;
            ExportService.Progress progress = !settings.resume() ? null : new ExportService.Progress(
                    from == null ? null : from.checkpoint(), from == null ? 0 : from.stored().bytes(), checkpoints);
            // Today's permissions of the owner's role: a job queued before they tightened runs by the new rules.
            exports.runAccepted(job.request(), job.principal(), job.id(), job.attempts() < job.maxAttempts(), progress,
                    (prepared, resumption) -> Sinks.upload(() -> {
                        FileStore.Upload upload;
                        if (resumption != null && resumption.continues()) {
                            upload = unused.getAndSet(null);
                        } else {
                            FileStore.Upload stale = unused.getAndSet(null);
                            if (stale != null) stale.abort();
                            checkpoints.startOver();
                            upload = files.create(job.storageKey());
                        }
                        checkpoints.upload = resumption == null ? null : upload;
                        return upload;
                    }, (result, upload) -> {
                        if (running.stop.get() != Stop.NONE) throw new ExportCancelledException();
                        boolean other = drawOtherPicture(job, prepared, running);
                        try {
                            if (running.stop.get() != Stop.NONE) throw new ExportCancelledException();
                            // Publishing can take a while (S3 sends the last parts, then completes the upload): the
                            // heartbeat keeps the lease until the file is there.
                            long size = upload.publish();
                            heartbeat.cancel(false);
                            return record(job, workerId, prepared, result, size);
                        } catch (IOException | RuntimeException e) {
                            // The job's file is not there: nor is its other picture.
                            if (other) deleteQuietly(job.otherPictureKey());
                            throw e;
                        }
                    }, () -> running.stop.get() == Stop.SHUTDOWN || running.stop.get() == Stop.LEASE_LOST,
                            resumption != null),
                    p -> rows.set(p.rows()), running.cancel);
        } catch (ExportCancelledException e) {
            switch (running.stop.get()) {
                case CANCELLED -> {
                    if (store.markCancelled(job.id(), workerId)) {
                        LOG.info("job {} cancelled while running, after {} rows (attempt {} of {})", job.id(), rows.get(),
                                job.attempts(), job.maxAttempts());
                        exports.audit().record(event(job, AuditEvent.EXPORT_CANCELLED).withResult(rows.get(), null)
                                .withDetail("stopped by a cancel request after " + rows.get() + " rows"));
                    }
                }
                case SHUTDOWN -> {
                    if (store.release(job.id(), workerId)) {
                        running.released = true;
                        LOG.info("job {} released at shutdown after {} rows: pending again, this attempt not counted",
                                job.id(), rows.get());
                    }
                }
                default -> LOG.warn("job {} stopped: lease lost to another worker", job.id());
            }
        } catch (InvalidRequestException e) {
            // The request was valid when accepted; the catalog or the permissions changed since. Retrying won't help.
            failed(job, workerId, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            String code = ExportService.code(e);
            if ("internal_error".equals(code)) {
                LOG.error("job {} failed unexpectedly", job.id(), e);
                // The details are in the log line above; the job keeps a stable message that names no internals.
                failed(job, workerId, code, "internal error; the server log has the details (job " + job.id() + ")");
            } else {
                failOrRetry(job, workerId, code, e.getMessage(), ExportService.isTransient(e));
            }
        } finally {
            heartbeat.cancel(false);
            // Not continued after all (the request failed before it ran): what the upload held is of no more use.
            FileStore.Upload stale = unused.getAndSet(null);
            if (stale != null) stale.abort();
        }
    }

    /**
     * The upload an earlier attempt left at its checkpoint, re-opened to be continued; null when there is none or
     * it is gone (the file store restarted empty, the sweeper took it): the job then starts over.
     */
    private FileStore.Upload resumeUpload(Job job, Checkpoints checkpoints) {
        Optional<JobCheckpoint> saved;
        try {
            saved = store.checkpoint(job.id()).flatMap(JobCheckpoint::read);
        } catch (RuntimeException e) {
            LOG.warn("job {}: its checkpoint could not be read ({}); it starts over", job.id(), e.getMessage());
            return null;
        }
        if (saved.isEmpty()) return null;
        try {
            Optional<FileStore.Upload> upload = files.resume(job.storageKey(), saved.get().stored());
            if (upload.isEmpty()) {
                LOG.info("job {}: the file of its checkpoint ({} rows) is gone; it starts over", job.id(),
                        saved.get().checkpoint().rows());
                return null;
            }
            FileStore.Stored now = upload.get().stored().orElse(saved.get().stored());
            checkpoints.current = new JobCheckpoint(saved.get().checkpoint(), now);
            LOG.info("job {} continues from its checkpoint after {} rows ({} bytes stored)", job.id(),
                    saved.get().checkpoint().rows(), now.bytes());
            return upload.get();
        } catch (IOException | RuntimeException e) {
            LOG.warn("job {}: the file of its checkpoint could not be re-opened ({}); it starts over", job.id(),
                    e.getMessage());
            return null;
        }
    }

    /**
     * The export's checkpoints (taken by the exporting thread when the heartbeat asks) and the one to record: the
     * newest whose row ends within what the upload has stored. An S3 upload stores whole parts, so a checkpoint waits
     * there until the part holding its row end has gone up.
     */
    static final class Checkpoints implements dev.freight.engine.Resumption.Marks {
        private static final int KEPT = 64;
        private final java.util.Deque<dev.freight.engine.Checkpoint> taken = new java.util.concurrent.ConcurrentLinkedDeque<>();
        private volatile boolean wanted = true;
        volatile FileStore.Upload upload;
        volatile JobCheckpoint current;

        @Override
        public boolean wanted() {
            return wanted;
        }

        @Override
        public void reached(dev.freight.engine.Checkpoint checkpoint) {
            wanted = false;
            taken.addLast(checkpoint);
            if (taken.size() > KEPT) taken.pollFirst();
        }

        void startOver() {
            current = null;
            taken.clear();
        }

        /** At a heartbeat: the checkpoint to record (null: none), and a request for the next one. */
        JobCheckpoint next() {
            FileStore.Upload u = upload;
            Optional<FileStore.Stored> stored = u == null ? Optional.empty() : u.stored();
            if (stored.isPresent()) {
                dev.freight.engine.Checkpoint newest = null;
                for (dev.freight.engine.Checkpoint c : taken) {
                    if (c.rowEnd() <= stored.get().bytes()) newest = c;
                }
                if (newest != null) {
                    current = new JobCheckpoint(newest, stored.get());
                    while (!taken.isEmpty() && taken.peekFirst().rowEnd() <= newest.rowEnd()) taken.pollFirst();
                }
            }
            wanted = true;
            return current;
        }
    }

    /**
     * The published file counts when the job store records it. Deleted while running: the file goes. Otherwise our
     * lease lapsed and another worker owns the job; the file it publishes is the one that counts.
     */
    private boolean record(Job job, String workerId, PreparedExport prepared, ExportResult result, long size)
            throws IOException {
        Boolean conditionMet = conditionMet(job, result);
        Optional<Boolean> outcome = throughOutage(job, () -> store.complete(job.id(), workerId, result.rows(),
                prepared.fileName(job.createdAt(), job.id()), size, prepared.contentType(),
                clock.instant().plus(settings.fileTtl()), conditionMet));
        if (outcome.isEmpty()) return false;
        if (!outcome.get()) {
            if (store.get(job.id()).isEmpty()) {
                for (String key : Job.fileKeys(job.id())) files.delete(key);
            }
            LOG.warn("job {} finished after it was deleted or its lease was lost", job.id());
            return false;
        }
        return true;
    }

    /**
     * The job's other picture ({@link dev.freight.format.ExportFormat#otherPicture}: the PDF of a png, the PNG of a
     * pdf_visual), drawn when an email delivers the job, which shows the picture and attaches the PDF. It is drawn
     * here, by the job's run, rather than by the sender: with the owner's permissions as they are now, under the
     * job's lease and cancel, by the node's renderer, and before the job's file is published, so the deliveries
     * queued when the job completes find both. A failure to draw it does not fail the export (the email carries
     * what exists and says so); a picture of an earlier attempt is removed then, as it may show other data.
     * Returns whether it is stored; a cancel is left for the caller to see.
     */
    private boolean drawOtherPicture(Job job, PreparedExport prepared, Running running) {
        if (!prepared.format().visual()
                || job.plan().targets().stream().noneMatch(t -> t instanceof dev.freight.delivery.DeliveryTarget.Email)) {
            return false;
        }
        String other = prepared.format().otherPicture().map(f -> f.id()).orElse("?");
        FileStore.Upload upload = null;
        try {
            upload = files.create(job.otherPictureKey());
            exports.renderOtherPicture(job.request(), job.principal(), job.id(), upload.stream(), running.cancel);
            long size = upload.publish();
            LOG.info("job {}: its {} for the email drawn ({} bytes)", job.id(), other, size);
            return true;
        } catch (IOException | RuntimeException e) {
            if (upload != null) upload.abort();
            deleteQuietly(job.otherPictureKey());
            if (!(e instanceof ExportCancelledException)) {
                String code = e instanceof RuntimeException r ? ExportService.code(r) : "storage_error";
                LOG.warn("job {}: its {} for the email could not be drawn ({}: {}); the email carries the {} alone",
                        job.id(), other, code, e.getMessage(), prepared.format().id());
            }
            return false;
        }
    }

    private void deleteQuietly(String key) {
        try {
            files.delete(key);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not delete export file {}: {}", key, e.getMessage());
        }
    }

    /** Whether the plan's condition holds on this result; null when the plan has none. */
    static Boolean conditionMet(Job job, ExportResult result) {
        if (job.plan().condition() == null) return null;
        DeliveryCondition condition = DeliveryCondition.parse(job.plan().condition(), "condition");
        java.util.Map<String, java.util.Map<DeliveryCondition.Aggregate, java.math.BigDecimal>> measures = new java.util.HashMap<>();
        result.measures().forEach((name, m) -> {
            if (m.count() == 0) return;
            measures.put(name, java.util.Map.of(DeliveryCondition.Aggregate.MIN, m.min(), DeliveryCondition.Aggregate.MAX,
                    m.max(), DeliveryCondition.Aggregate.SUM, m.sum(), DeliveryCondition.Aggregate.AVG, m.avg()));
        });
        boolean met = condition.holds(result.rows(), measures);
        LOG.info("job {}: condition {} {} ({} rows)", job.id(), condition, met ? "holds: delivering" : "does not hold: "
                + "nothing delivered", result.rows());
        return met;
    }

    /**
     * Records a finished job through a job-store outage: the file is published, and failing the job for a lost
     * connection would orphan it. Retries with backoff for one lease; past that another worker may own the job, so
     * it is left to the queue (the lapsed lease hands it to a worker, which replaces the file). Empty then.
     */
    private Optional<Boolean> throughOutage(Job job, java.util.function.BooleanSupplier write) {
        long deadline = System.nanoTime() + settings.lease().toNanos();
        long waitMillis = 100;
        while (true) {
            try {
                return Optional.of(write.getAsBoolean());
            } catch (StoreException e) {
                if (System.nanoTime() + waitMillis * 1_000_000L > deadline) {
                    LOG.warn("job {}: its file is ready but the job store could not record it ({}); the job goes back "
                            + "to the queue when its lease lapses", job.id(), e.getMessage());
                    return Optional.empty();
                }
                LOG.info("job {}: recording it failed ({}), trying again in {} ms", job.id(), e.getMessage(), waitMillis);
                try {
                    Thread.sleep(waitMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
                waitMillis = Math.min(waitMillis * 2, 5_000);
            }
        }
    }

    private void failOrRetry(Job job, String workerId, String code, String message, boolean transientFailure) {
        if (transientFailure && job.attempts() < job.maxAttempts()) {
            Duration backoff = settings.backoffAfter(job.attempts());
            Instant runAfter = clock.instant().plus(backoff);
            // WARN although it may still succeed: a source or a disk that keeps failing shows here first.
            LOG.warn("job {} attempt {} of {} failed: {}: {}; retrying in {}, at {} ({})", job.id(), job.attempts(),
                    job.maxAttempts(), code, message, Units.format(backoff), runAfter, about(job));
            store.retryLater(job.id(), workerId, code, message, runAfter);
            metrics.retried();
        } else {
            failed(job, workerId, code, message);
        }
    }

    /** Audited by the export service, which saw the failure; here the job's record, log and count. */
    private void failed(Job job, String workerId, String code, String message) {
        store.fail(job.id(), workerId, code, message);
        logFailure(job, code, message);
        metrics.failed();
    }

    private static void logFailure(Job job, String code, String message) {
        LOG.warn("job {} failed on attempt {} of {}: {}: {} ({})", job.id(), job.attempts(), job.maxAttempts(), code,
                message, about(job));
    }

    /** What an operator reading the log needs to find the job's owner and what it exported. */
    static String about(Job job) {
        dev.freight.query.ExportRequest r = job.request();
        return (r.report() != null ? "report " + r.report() + (r.widget() == null ? "" : " widget " + r.widget())
                : "dataset " + r.dataset()) + ", format " + job.request().format() + ", owner " + job.owner();
    }

    /** An event about the job, on behalf of its owner (the worker acts for them). */
    private static AuditEvent event(Job job, String action) {
        return AuditEvent.of(action, job.principal(), job.request()).withJob(job.id());
    }

    private void beat(Job job, String workerId, AtomicLong rows, Running running, Checkpoints checkpoints) {
        try {
            JobCheckpoint checkpoint = checkpoints.next();
            String json = checkpoint == null ? null : checkpoint.json().orElse(null);
            switch (store.heartbeat(job.id(), workerId, settings.lease(), rows.get(), json)) {
                case CANCEL_REQUESTED -> running.stop(Stop.CANCELLED);
                case LEASE_LOST -> running.stop(Stop.LEASE_LOST);
                default -> { }
            }
        } catch (RuntimeException e) {
            // The job store is unreachable for a moment; the lease is long enough to ride it out.
            LOG.warn("heartbeat for job {} failed: {}", job.id(), e.getMessage());
        }
    }
}
