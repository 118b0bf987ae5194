package dev.freight.http;

import dev.freight.error.ProblemCode;
import dev.freight.job.JobService;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Map;

/** Liveness, readiness (the job store and the file store answer) and Prometheus metrics. */
final class Health {
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
        Readiness.problem(jobs.store(), jobs.files()).ifPresent(problem -> {
            throw new ApiProblem(503, ProblemCode.NOT_READY, null, problem).withHeader("Retry-After", "5");
        });
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
