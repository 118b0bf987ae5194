package dev.freight.http;

import dev.freight.error.ProblemCode;
import dev.freight.job.JobService;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/** Liveness, readiness (the job store answers) and Prometheus metrics. */
final class Health {
    private static final Logger LOG = LoggerFactory.getLogger(Health.class);

    private final JobService jobs;
    private final PrometheusMeterRegistry registry;

    Health(JobService jobs, PrometheusMeterRegistry registry) {
        this.jobs = jobs;
        this.registry = registry;
    }

    void live(Context ctx) {
        Http.json(ctx, 200, Map.of("status", "up"));
    }

    void ready(Context ctx) {
        try {
            jobs.store().countByStatus();
        } catch (RuntimeException e) {
            LOG.warn("not ready: job store does not answer: {}", e.getMessage());
            throw new ApiProblem(503, ProblemCode.NOT_READY, null, "the job store does not answer").withHeader("Retry-After", "5");
        }
        Http.json(ctx, 200, Map.of("status", "ready"));
    }

    /**
     * Job counts of every principal: for admins only. A scraper without a key uses the management listener
     * ({@code server.management_port}) instead.
     */
    void metrics(Context ctx) {
        if (!Http.caller(ctx).admin()) {
            throw new ApiProblem(403, ProblemCode.FORBIDDEN, null, "metrics are for admin keys; a Prometheus scraper without a "
                    + "key reads them from the management listener (server.management_port)");
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }
}
