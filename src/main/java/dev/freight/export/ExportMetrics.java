package dev.freight.export;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * Export metrics for Prometheus: rows, bytes and durations of finished exports, and how jobs ended. {@link #none()}
 * records nothing and starts no meter registry (a one-shot CLI export has no one to report to).
 */
public final class ExportMetrics {
    private final Counter rows;
    private final Counter bytes;
    private final Counter completed;
    private final Counter failed;
    private final Counter retried;
    private final Timer duration;

    private ExportMetrics() {
        rows = null;
        bytes = null;
        completed = null;
        failed = null;
        retried = null;
        duration = null;
    }

    public ExportMetrics(MeterRegistry registry) {
        rows = Counter.builder("freight_export_rows").description("Rows written by finished exports").register(registry);
        bytes = Counter.builder("freight_export_bytes").description("Bytes of finished export files").register(registry);
        completed = Counter.builder("freight_jobs_completed").register(registry);
        failed = Counter.builder("freight_jobs_failed").register(registry);
        retried = Counter.builder("freight_jobs_retried").register(registry);
        duration = Timer.builder("freight_export_duration").description("Time to run one export job")
                .publishPercentileHistogram().register(registry);
    }

    public static ExportMetrics none() {
        return new ExportMetrics();
    }

    void completed(long rowCount, long byteCount, long nanos) {
        if (rows == null) return;
        rows.increment(rowCount);
        bytes.increment(byteCount);
        completed.increment();
        duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void failed() {
        if (failed == null) return;
        failed.increment();
    }

    public void retried() {
        if (retried == null) return;
        retried.increment();
    }

}
