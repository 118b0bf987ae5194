package dev.freight.config;

import dev.freight.format.ExportFormat;

import java.time.Duration;
import java.util.Objects;

/**
 * How exports run (DESIGN.md §3, §6): the sync/async threshold of {@code delivery: auto}, file and job lifetimes,
 * retries (exponential backoff from {@code retryBackoff}, {@code maxAttempts} attempts in all), worker
 * concurrency per node, the job lease and its heartbeat, the shutdown grace period, how often the sweeper runs,
 * the format of requests that name none, the PDF row cap and the cap on a time series' buckets × groups.
 */
public record ExportsConfig(long syncMaxRows, Duration fileTtl, Duration jobRetention, int maxAttempts,
                            Duration retryBackoff, boolean deleteAfterDownload, int workerConcurrency, Duration lease,
                            Duration heartbeat, Duration shutdownGrace, Duration sweepInterval,
                            ExportFormat defaultFormat, long pdfMaxRows, long seriesMaxCells, boolean resume) {

    /** The most buckets × groups of a time series unless configured otherwise. */
    public static final long DEFAULT_SERIES_MAX_CELLS = 1_000_000L;

    /** The defaults of the later keys: series_max_cells, resume. */
    public ExportsConfig(long syncMaxRows, Duration fileTtl, Duration jobRetention, int maxAttempts,
                         Duration retryBackoff, boolean deleteAfterDownload, int workerConcurrency, Duration lease,
                         Duration heartbeat, Duration shutdownGrace, Duration sweepInterval,
                         ExportFormat defaultFormat, long pdfMaxRows) {
        this(syncMaxRows, fileTtl, jobRetention, maxAttempts, retryBackoff, deleteAfterDownload, workerConcurrency, lease,
                heartbeat, shutdownGrace, sweepInterval, defaultFormat, pdfMaxRows, DEFAULT_SERIES_MAX_CELLS, true);
    }

    public ExportsConfig {
        Objects.requireNonNull(fileTtl, "fileTtl");
        Objects.requireNonNull(jobRetention, "jobRetention");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(sweepInterval, "sweepInterval");
        Objects.requireNonNull(defaultFormat, "defaultFormat");
    }

}
