package dev.freight.job;

import java.time.Duration;

/**
 * How workers and the sweeper behave (the {@code exports} section of the configuration). {@code resume}: whether
 * jobs that can be continued after a stop take checkpoints and are continued from them.
 */
public record JobSettings(int concurrency, Duration lease, Duration progressInterval, Duration pollInterval,
                          Duration retryBackoff, int maxAttempts, Duration fileTtl, Duration jobRetention,
                          boolean deleteAfterDownload, Duration shutdownGrace, boolean resume) {

    public JobSettings(int concurrency, Duration lease, Duration progressInterval, Duration pollInterval,
                       Duration retryBackoff, int maxAttempts, Duration fileTtl, Duration jobRetention,
                       boolean deleteAfterDownload, Duration shutdownGrace) {
        this(concurrency, lease, progressInterval, pollInterval, retryBackoff, maxAttempts, fileTtl, jobRetention,
                deleteAfterDownload, shutdownGrace, true);
    }

    public static JobSettings defaults() {
        return new JobSettings(Math.max(2, 2 * Runtime.getRuntime().availableProcessors()), Duration.ofSeconds(30),
                Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(5), 3, Duration.ofHours(24),
                Duration.ofDays(30), false, Duration.ofSeconds(30));
    }

    public JobSettings withConcurrency(int n) {
        return new JobSettings(n, lease, progressInterval, pollInterval, retryBackoff, maxAttempts, fileTtl, jobRetention,
                deleteAfterDownload, shutdownGrace, resume);
    }

    public JobSettings withLease(Duration l) {
        return new JobSettings(concurrency, l, progressInterval, pollInterval, retryBackoff, maxAttempts, fileTtl,
                jobRetention, deleteAfterDownload, shutdownGrace, resume);
    }

    public JobSettings withRetryBackoff(Duration b) {
        return new JobSettings(concurrency, lease, progressInterval, pollInterval, b, maxAttempts, fileTtl, jobRetention,
                deleteAfterDownload, shutdownGrace, resume);
    }

    public JobSettings withFileTtl(Duration ttl) {
        return new JobSettings(concurrency, lease, progressInterval, pollInterval, retryBackoff, maxAttempts, ttl,
                jobRetention, deleteAfterDownload, shutdownGrace, resume);
    }

    public JobSettings withResume(boolean on) {
        return new JobSettings(concurrency, lease, progressInterval, pollInterval, retryBackoff, maxAttempts, fileTtl,
                jobRetention, deleteAfterDownload, shutdownGrace, on);
    }

    /** Exponential backoff: base, 2 × base, 4 × base … after the first, second, third attempt. */
    public Duration backoffAfter(int attempt) {
        return retryBackoff.multipliedBy(1L << Math.min(20, Math.max(0, attempt - 1)));
    }
}
