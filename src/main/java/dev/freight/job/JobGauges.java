package dev.freight.job;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** Jobs by status and the queue depth for Prometheus, read from the job store. */
public final class JobGauges {
    private JobGauges() {
    }

    /**
     * Binds {@code freight_jobs} and {@code freight_queue_depth}, read from the store at most every few seconds
     * however often Prometheus scrapes.
     */
    public static void bind(MeterRegistry registry, JobStore store) {
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
