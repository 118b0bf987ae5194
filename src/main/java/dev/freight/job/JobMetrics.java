package dev.freight.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Export metrics for Prometheus: rows, bytes, durations, outcomes, and jobs by status from the store. */
public final class JobMetrics {
    private final Counter rows;
    private final Counter bytes;
    private final Counter completed;
    private final Counter failed;
    private final Counter retried;
    private final Timer duration;

    public JobMetrics(MeterRegistry registry) {
        rows = Counter.builder("freight_export_rows").description("Rows written by finished exports").register(registry);
        bytes = Counter.builder("freight_export_bytes").description("Bytes of finished export files").register(registry);
        completed = Counter.builder("freight_jobs_completed").register(registry);
        failed = Counter.builder("freight_jobs_failed").register(registry);
        retried = Counter.builder("freight_jobs_retried").register(registry);
        duration = Timer.builder("freight_export_duration").description("Time to run one export job")
                .publishPercentileHistogram().register(registry);
    }

    public static JobMetrics none() {
        return new JobMetrics(new SimpleMeterRegistry());
    }

    void completed(long rowCount, long byteCount, long nanos) {
        rows.increment(rowCount);
        bytes.increment(byteCount);
        completed.increment();
        duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    void failed() {
        failed.increment();
    }

    void retried() {
        retried.increment();
    }

    /** Sync (HTTP-streamed) exports count in the same totals. */
    public void streamed(long rowCount, long byteCount, long nanos) {
        completed(rowCount, byteCount, nanos);
    }

    /**
     * Jobs by status and the queue depth, read from the store at most every few seconds however often Prometheus
     * scrapes.
     */
    public static void bindStore(MeterRegistry registry, JobStore store) {
        AtomicReference<Map<JobStatus, Long>> cache = new AtomicReference<>(Map.of());
        AtomicReference<Long> readAt = new AtomicReference<>(0L);
        java.util.function.Supplier<Map<JobStatus, Long>> counts = () -> {
            long now = System.nanoTime();
            if (now - readAt.get() > Duration.ofSeconds(5).toNanos()) {
                try {
                    cache.set(store.countByStatus());
                } catch (RuntimeException ignored) {
                    // keep the last known counts while the store is unreachable
                }
                readAt.set(now);
            }
            return cache.get();
        };
        for (JobStatus status : JobStatus.values()) {
            Gauge.builder("freight_jobs", () -> counts.get().getOrDefault(status, 0L)).tag("status", status.wireName())
                    .description("Export jobs by status").register(registry);
        }
        Gauge.builder("freight_queue_depth", () -> counts.get().getOrDefault(JobStatus.PENDING, 0L))
                .description("Jobs waiting for a worker").register(registry);
    }
}
