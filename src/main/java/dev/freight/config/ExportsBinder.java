package dev.freight.config;

import dev.freight.format.ExportFormat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Binds {@code exports}: the sync threshold, lifetimes, retries and workers, checked against each other. */
final class ExportsBinder {
    static final List<String> EXPORTS_KEYS = List.of("sync_max_rows", "file_ttl", "job_retention", "max_attempts",
            "retry_backoff", "delete_after_download", "worker_concurrency", "lease", "heartbeat", "shutdown_grace",
            "sweep_interval", "default_format", "pdf_max_rows", "series_max_cells", "resume");

    private ExportsBinder() {
    }

    /** {@code processors}: the default worker concurrency is twice as many. */
    static ExportsConfig exports(ConfigSection s, int processors) {
        long syncMaxRows = s.get("sync_max_rows").longInteger(10_000, 1, Long.MAX_VALUE);
        ConfigValue ttlValue = s.get("file_ttl");
        Duration fileTtl = ttlValue.duration(Duration.ofHours(24), false);
        ConfigValue retentionValue = s.get("job_retention");
        Duration jobRetention = retentionValue.duration(Duration.ofDays(30), false);
        if (jobRetention.compareTo(fileTtl) < 0) {
            ConfigValue blamed = retentionValue.isSet() || !ttlValue.isSet() ? retentionValue : ttlValue;
            throw new ConfigException(blamed.origin, blamed.path, "exports.job_retention ("
                    + Units.format(jobRetention) + ") must be at least exports.file_ttl (" + Units.format(fileTtl)
                    + "): a job's record must outlive its file");
        }
        int maxAttempts = s.get("max_attempts").integer(3, 1, 20);
        Duration retryBackoff = s.get("retry_backoff").duration(Duration.ofSeconds(5), false);
        boolean deleteAfterDownload = s.get("delete_after_download").bool(false);
        // 0: a node that takes requests and runs no job (serve only; worker nodes of the same job store run them).
        int workerConcurrency = s.get("worker_concurrency").integer(Math.max(2, 2 * processors), 0, 1024);
        ConfigValue leaseValue = s.get("lease");
        Duration lease = leaseValue.duration(Duration.ofSeconds(30), false);
        ConfigValue heartbeatValue = s.get("heartbeat");
        Duration heartbeat = heartbeatValue.duration(Duration.ofSeconds(10), false);
        if (heartbeat.compareTo(lease) >= 0) {
            // Blame the key that was set: with only the lease changed, the heartbeat's default is not the mistake.
            ConfigValue blamed = heartbeatValue.isSet() || !leaseValue.isSet() ? heartbeatValue : leaseValue;
            throw new ConfigException(blamed.origin, blamed.path, "exports.heartbeat (" + Units.format(heartbeat)
                    + ") must be shorter than exports.lease (" + Units.format(lease) + "), or a running job's lease"
                    + " lapses between heartbeats and another node takes the job over");
        }
        Duration shutdownGrace = s.get("shutdown_grace").duration(Duration.ofSeconds(30), true);
        Duration sweepInterval = s.get("sweep_interval").duration(Duration.ofMinutes(1), false);
        ExportFormat defaultFormat = format(s.get("default_format"), ExportFormat.CSV);
        long pdfMaxRows = s.get("pdf_max_rows").longInteger(100_000, 1, 10_000_000);
        long seriesMaxCells = s.get("series_max_cells").longInteger(ExportsConfig.DEFAULT_SERIES_MAX_CELLS, 1, 100_000_000);
        boolean resume = s.get("resume").bool(true);
        return new ExportsConfig(syncMaxRows, fileTtl, jobRetention, maxAttempts, retryBackoff, deleteAfterDownload,
                workerConcurrency, lease, heartbeat, shutdownGrace, sweepInterval, defaultFormat, pdfMaxRows, seriesMaxCells,
                resume);
    }

    private static ExportFormat format(ConfigValue v, ExportFormat fallback) {
        if (!v.isSet()) return fallback;
        String id = v.text("a format").toLowerCase(Locale.ROOT);
        // A picture needs a chart or a report, which a request that names no format does not give.
        return Arrays.stream(ExportFormat.values()).filter(f -> !f.visual() && f.id().equals(id)).findFirst()
                .orElseThrow(() -> v.invalid("expected one of the data formats " + Arrays.stream(ExportFormat.values())
                        .filter(f -> !f.visual()).map(ExportFormat::id).collect(java.util.stream.Collectors.joining(", "))));
    }
}
