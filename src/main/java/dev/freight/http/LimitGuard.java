package dev.freight.http;

import dev.freight.access.Limits;
import dev.freight.auth.Principal;
import dev.freight.delivery.DeliveryPlan;
import dev.freight.error.ProblemCode;
import dev.freight.export.PreparedExport;
import dev.freight.job.JobService;
import dev.freight.job.JobStore;

/**
 * The rate and concurrency limits checked when an export is created (sync, async or retry), after the request is
 * validated (max_rows is the export service's) and before anything runs or is stored, so that a refused request
 * leaves nothing behind. The job store counts and takes them, atomically and for every node of the cluster.
 */
final class LimitGuard {
    /** Jobs usually finish or progress within seconds; a client told to wait longer would wait for nothing. */
    static final String JOBS_RETRY_AFTER = "5";

    private final Limits limits;
    private final JobService jobs;

    LimitGuard(Limits limits, JobService jobs) {
        this.limits = limits;
        this.jobs = jobs;
    }

    /** The largest body the principal may send: the server's cap or the role's, whichever is smaller. */
    long maxBody(Principal p, long serverMax) {
        return Math.min(serverMax, limits.of(p).maxRequestBytes());
    }

    private JobStore.Admission admission(Principal p) {
        Limits.Caps caps = limits.of(p);
        return new JobStore.Admission(caps.concurrentJobs(), caps.exportsPerHour());
    }

    /**
     * A sync export under the principal's caps, counted with its jobs until closed; 429 {@code too_many_jobs} when
     * it already has concurrent_jobs exports pending, running or streaming, else 429 {@code rate_limited} when the
     * hourly budget is spent.
     */
    JobStore.SyncSlot admitSync(Principal p) {
        try {
            return jobs.store().admitSync(p, admission(p));
        } catch (JobStore.TooManyJobsException e) {
            throw tooManyJobs(e);
        } catch (JobStore.RateLimitedException e) {
            throw rateLimited(e);
        }
    }

    /** Queues the job under the owner's caps, refused as {@link #admitSync} refuses. */
    JobStore.Created submit(Principal owner, String idempotencyKey, PreparedExport prepared) {
        return submit(owner, idempotencyKey, prepared, DeliveryPlan.NONE);
    }

    /** As above, with the deliveries when the job ends. */
    JobStore.Created submit(Principal owner, String idempotencyKey, PreparedExport prepared, DeliveryPlan plan) {
        return underCaps(owner, admission -> jobs.submit(owner, idempotencyKey, prepared, admission, plan, null));
    }

    /** Whatever queues work for {@code owner} (a job, a schedule's "run now"), refused as {@link #admitSync} refuses. */
    <T> T underCaps(Principal owner, java.util.function.Function<JobStore.Admission, T> queue) {
        try {
            return queue.apply(admission(owner));
        } catch (JobStore.TooManyJobsException e) {
            throw tooManyJobs(e);
        } catch (JobStore.RateLimitedException e) {
            throw rateLimited(e);
        }
    }

    private static ApiProblem tooManyJobs(JobStore.TooManyJobsException e) {
        return new ApiProblem(429, ProblemCode.TOO_MANY_JOBS, null, "you have " + e.active() + " exports pending or "
                + "running; the concurrent_jobs limit is " + e.max() + ": wait for one to finish or cancel one")
                .withHeader("Retry-After", JOBS_RETRY_AFTER);
    }

    private static ApiProblem rateLimited(JobStore.RateLimitedException e) {
        long seconds = Math.max(1, (e.waitFor().toNanos() + 999_999_999L) / 1_000_000_000L);
        return new ApiProblem(429, ProblemCode.RATE_LIMITED, null, "the exports_per_hour limit of " + e.perHour()
                + " is used up; the next export can start in " + seconds + " s")
                .withHeader("Retry-After", Long.toString(seconds));
    }
}
