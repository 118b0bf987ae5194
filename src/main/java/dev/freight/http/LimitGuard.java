package dev.freight.http;

import dev.freight.engine.Exports;
import dev.freight.error.ProblemCode;
import dev.freight.job.JobService;
import dev.freight.access.Limits;
import dev.freight.auth.Principal;

import java.time.Duration;
import java.util.Optional;

/**
 * The limits checked when an export is created (sync, async or retry), after the request is validated and before
 * anything runs or is stored, so that a refused request leaves nothing behind.
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

    Limits.Caps caps(Principal p) {
        return limits.of(p);
    }

    /** The largest body the principal may send: the server's cap or the role's, whichever is smaller. */
    long maxBody(Principal p, long serverMax) {
        return Math.min(serverMax, limits.of(p).maxRequestBytes());
    }

    /** 400 {@code too_many_rows} for a row_limit above max_rows, or an export known to have more rows. */
    void rows(Principal p, Exports.Prepared prepared) {
        long max = limits.of(p).maxRows();
        if (max == Long.MAX_VALUE) return;
        Long rowLimit = prepared.job().plan().rowLimit();
        if (rowLimit != null && rowLimit > max) {
            throw ApiProblem.badRequest(ProblemCode.TOO_MANY_ROWS, "row_limit", "row_limit " + rowLimit + " is above the "
                    + "max_rows limit of " + max + " rows; ask for at most " + max + " rows");
        }
        if (rowLimit == null && jobs.exports().exceeds(prepared, max)) {
            throw ApiProblem.badRequest(ProblemCode.TOO_MANY_ROWS, null, "this export would have more than the max_rows "
                    + "limit of " + max + " rows; narrow it with filters or a date range, or set row_limit to at most "
                    + max);
        }
    }

    /**
     * A place among the principal's concurrent exports, taken before they are counted: a sync export holds it while
     * it streams, an async one until its job is stored (then the job row counts). The job store checks again when it
     * inserts, atomically and for every node ({@link #maxActive}, {@link #othersInFlight}).
     */
    final class Admission implements AutoCloseable {
        private final Principal principal;
        private final Limits.SyncSlot slot;

        private Admission(Principal principal, Limits.SyncSlot slot) {
            this.principal = principal;
            this.slot = slot;
        }

        int maxActive() {
            return limits.of(principal).concurrentJobs();
        }

        /** This node's other exports in flight of the principal (this one's place excluded). */
        int othersInFlight() {
            return Math.max(0, limits.syncInFlight(principal) - 1);
        }

        /** The job store refused after all: the hourly export taken for this request is given back. */
        ApiProblem refusedByStore(dev.freight.job.JobStore.TooManyJobsException e) {
            limits.refundExport(principal);
            return tooManyJobs(e.active(), e.max());
        }

        @Override
        public void close() {
            slot.close();
        }
    }

    /**
     * 429 {@code too_many_jobs} when the principal already has concurrent_jobs pending or running (exports in flight
     * on this node included), else 429 {@code rate_limited} when the hourly budget is spent; otherwise one export is
     * taken from that budget and the caller holds an {@link Admission}. Concurrency first: a request refused for it
     * uses no budget. The place is taken before counting, so parallel requests cannot all pass one count.
     */
    Admission admit(Principal p) {
        Limits.Caps caps = limits.of(p);
        Limits.SyncSlot slot = limits.startSync(p);
        try {
            if (caps.concurrentJobs() != Integer.MAX_VALUE) {
                long active = jobs.store().countActive(p.name()) + limits.syncInFlight(p) - 1;
                if (active >= caps.concurrentJobs()) throw tooManyJobs(active, caps.concurrentJobs());
            }
            Optional<Duration> wait = limits.tryStartExport(p);
            if (wait.isPresent()) {
                long seconds = Math.max(1, (wait.get().toNanos() + 999_999_999L) / 1_000_000_000L);
                throw new ApiProblem(429, ProblemCode.RATE_LIMITED, null, "the exports_per_hour limit of " + caps.exportsPerHour()
                        + " is used up; the next export can start in " + seconds + " s")
                        .withHeader("Retry-After", Long.toString(seconds));
            }
            return new Admission(p, slot);
        } catch (RuntimeException e) {
            slot.close();
            throw e;
        }
    }

    private static ApiProblem tooManyJobs(long active, int max) {
        return new ApiProblem(429, ProblemCode.TOO_MANY_JOBS, null, "you have " + active + " exports pending or running;"
                + " the concurrent_jobs limit is " + max + ": wait for one to finish or cancel one")
                .withHeader("Retry-After", JOBS_RETRY_AFTER);
    }
}
