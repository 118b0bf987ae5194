package dev.freight.job;

import dev.freight.storage.FileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Housekeeping, safe to run on every node at once: fails jobs whose worker died on its last attempt, deletes
 * files past {@code file_ttl} (job → expired), and purges job records past {@code job_retention} with their files.
 */
public final class Sweeper {
    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);
    private static final int BATCH = 500;
    /** How long a part of a job unknown to this job store may be another deployment's upload in progress. */
    static final java.time.Duration UNKNOWN_PART_GRACE = java.time.Duration.ofDays(1);

    public record Report(int workerLost, int expired, int purged) {
    }

    private final JobStore store;
    private final FileStore files;
    private final JobSettings settings;
    private final Clock clock;

    public Sweeper(JobStore store, FileStore files, JobSettings settings, Clock clock) {
        this.store = store;
        this.files = files;
        this.settings = settings;
        this.clock = clock;
    }

    public Report sweepOnce() {
        List<Job> lostJobs = store.failExhaustedLeases();
        for (Job job : lostJobs) {
            LOG.warn("job {} failed on attempt {} of {}: {}: worker {} stopped renewing its lease, which lapsed at {}; "
                            + "no attempts left ({})", job.id(), job.attempts(), job.maxAttempts(), JdbcJobStore.WORKER_LOST,
                    job.lockedBy(), job.lockedUntil(), JobRunner.about(job));
        }
        int lost = lostJobs.size();
        int expired = 0;
        Instant now = clock.instant();
        for (Job job : store.dueForExpiry(now, BATCH)) {
            // Expire first, then delete: a download that starts in between gets 410, never a vanishing file.
            if (store.markExpired(job.id())) {
                deleteFiles(job.id());
                expired++;
            }
        }
        int purged = 0;
        for (String id : store.purge(now.minus(settings.jobRetention()), BATCH)) {
            deleteFiles(id);
            purged++;
        }
        int parts = removeAbandonedParts(now);
        if (lost + expired + purged + parts > 0) {
            LOG.info("sweep: {} worker-lost, {} expired, {} purged, {} abandoned partial files removed", lost, expired,
                    purged, parts);
        }
        return new Report(lost, expired, purged);
    }

    /**
     * Partial files whose job no longer runs on a live lease: left by a crashed or killed worker (a crash-looping
     * node would otherwise leak up to max_file_bytes per crash). A part of a job running on a live lease is kept:
     * it may be the one being written; so is the part a queued job's checkpoint names, which its next attempt
     * continues. A part whose job this job store has never heard of is kept for
     * {@link #UNKNOWN_PART_GRACE} after it began: a bucket (or a directory) may be shared with another Freight
     * whose jobs live in another job store, and its running uploads are not ours to abort; after a day they are
     * orphans whoever made them, as an S3 lifecycle rule would judge.
     */
    int removeAbandonedParts(Instant now) {
        int removed = 0;
        try {
            for (FileStore.Part part : files.parts()) {
                // A part of a job's other picture is the job's as much as a part of its file.
                String jobId = Job.jobOfKey(part.key());
                Optional<Job> job = store.get(jobId);
                boolean live = job.isPresent() && job.get().status() == JobStatus.RUNNING
                        && job.get().lockedUntil() != null && job.get().lockedUntil().isAfter(now);
                if (live || continuedLater(job, part)) continue;
                boolean known = job.isPresent() || store.deletedOwner(jobId).isPresent();
                if (!known && part.started() != null && part.started().isAfter(now.minus(UNKNOWN_PART_GRACE))) continue;
                files.deletePart(part);
                removed++;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("sweep: partial files not checked: {}", e.getMessage());
        }
        return removed;
    }

    /** The upload a queued job's checkpoint names: its next attempt continues it. */
    private boolean continuedLater(Optional<Job> job, FileStore.Part part) {
        if (job.isEmpty() || (job.get().status() != JobStatus.PENDING && job.get().status() != JobStatus.RUNNING)) {
            return false;
        }
        return store.checkpoint(job.get().id()).flatMap(JobCheckpoint::read)
                .map(c -> part.name().equals(c.stored().upload())).orElse(false);
    }

    /** After a complete download, when {@code delete_after_download} is on. */
    public void expireNow(Job job) {
        if (store.markExpired(job.id())) deleteFiles(job.id());
    }

    /** The job's file and its other picture, if it has one ({@link Job#fileKeys}). */
    private void deleteFiles(String id) {
        for (String key : Job.fileKeys(id)) {
            try {
                files.delete(key);
            } catch (IOException e) {
                LOG.warn("could not delete export file {}: {}", key, e.getMessage());
            }
        }
    }
}
