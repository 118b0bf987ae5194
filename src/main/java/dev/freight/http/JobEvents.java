package dev.freight.http;

import dev.freight.error.ProblemCode;
import dev.freight.job.Job;
import dev.freight.job.JobService;
import dev.freight.job.JobStatus;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * GET /export/jobs/{id}/events: Server-Sent Events for one job. The subscriber first gets the current state (a
 * {@code status} event), then {@code progress} while it runs, {@code status} on each change and {@code file_ready}
 * when the file can be downloaded; the stream ends after a terminal state. Events come from polling the job store,
 * so a job running on another node is followed just the same.
 *
 * <p>Written by hand rather than with Javalin's SSE helper so that 401/404 are still real problem+json responses,
 * decided before the stream starts.
 */
final class JobEvents {
    private static final Logger LOG = LoggerFactory.getLogger(JobEvents.class);
    /** A comment line now and then lets proxies and the server notice a subscriber that went away. */
    private static final long KEEPALIVE_NANOS = Duration.ofSeconds(10).toNanos();
    /** How often a stream reads its job anyway while every change is announced. */
    private static final long FALLBACK_POLL_MILLIS = 5_000;

    private final JobService jobs;
    private final Duration pollInterval;
    private final int maxStreams;
    private final int maxStreamsPerPrincipal;
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> openByPrincipal = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean stopping;
    /** The streams following each job, woken when any node announces a change of it. */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.Set<Follower>> followers =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** One stream's wait for the next change of its job; a change while it was reading is not lost. */
    private static final class Follower {
        private boolean changed;

        synchronized void signal() {
            changed = true;
            notifyAll();
        }

        synchronized void await(long millis) throws InterruptedException {
            if (!changed) wait(millis);
            changed = false;
        }
    }

    JobEvents(JobService jobs, Duration pollInterval, int maxStreams, int maxStreamsPerPrincipal) {
        this.jobs = jobs;
        this.pollInterval = pollInterval;
        this.maxStreams = maxStreams;
        this.maxStreamsPerPrincipal = maxStreamsPerPrincipal;
        jobs.store().signals().subscribe((kind, jobId) -> {
            java.util.Set<Follower> waiting = followers.get(jobId);
            if (waiting != null) waiting.forEach(Follower::signal);
        });
    }

    /**
     * A stream holds a server thread while it lasts: past the caps a subscriber is told to come back (429) rather
     * than take the threads every other request needs. Taken before anything is written; given back in
     * {@link #release}.
     */
    private void acquire(String principal) {
        boolean[] taken = {false};
        openByPrincipal.compute(principal, (p, n) -> {
            int mine = n == null ? 0 : n;
            if (mine >= maxStreamsPerPrincipal) return n;
            if (open.incrementAndGet() > maxStreams) {
                open.decrementAndGet();
                return n;
            }
            taken[0] = true;
            return mine + 1;
        });
        if (taken[0]) return;
        boolean mineFull = openByPrincipal.getOrDefault(principal, 0) >= maxStreamsPerPrincipal;
        throw new ApiProblem(429, ProblemCode.TOO_MANY_STREAMS, null, mineFull
                ? "you have " + maxStreamsPerPrincipal + " event streams open, the most one caller may; close one, or "
                + "poll GET /api/v1/export/jobs/{id}"
                : "the server has " + maxStreams + " event streams open, the most it serves; poll GET "
                + "/api/v1/export/jobs/{id} or try again shortly").withHeader("Retry-After", "5");
    }

    private void release(String principal) {
        openByPrincipal.computeIfPresent(principal, (p, n) -> n <= 1 ? null : n - 1);
        open.decrementAndGet();
    }

    void stop() {
        stopping = true;
        followers.values().forEach(waiting -> waiting.forEach(Follower::signal));
    }

    void stream(Context ctx) {
        Job job = Http.visibleJob(ctx, jobs);
        String principal = Http.caller(ctx).name();
        acquire(principal);
        Follower follower = new Follower();
        followers.computeIfAbsent(job.id(), id -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(follower);
        try {
            follow(ctx, job, follower);
        } finally {
            followers.computeIfPresent(job.id(), (id, waiting) -> {
                waiting.remove(follower);
                return waiting.isEmpty() ? null : waiting;
            });
            release(principal);
        }
    }

    private void follow(Context ctx, Job job, Follower follower) {
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setHeader("Content-Type", "text/event-stream; charset=utf-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        try {
            OutputStream out = res.getOutputStream();
            long eventId = 0;
            send(out, ++eventId, "status", JobJson.of(job, jobs.store().deliveryLog(job.id())));
            long lastWrite = System.nanoTime();
            Job last = job;
            while (!last.status().isTerminal() && !stopping) {
                // Woken by the job's next change on any node; the poll stays as the fallback, and is what there is
                // while the job store cannot announce every change (H2, or a dropped listening connection).
                follower.await(jobs.store().signals().hearsEverything() ? FALLBACK_POLL_MILLIS
                        : pollInterval.toMillis());
                Optional<Job> now = jobs.store().get(job.id());
                if (now.isEmpty()) {
                    send(out, ++eventId, "deleted", java.util.Map.of("id", job.id()));
                    return;
                }
                Job current = now.get();
                if (current.status() != last.status()) {
                    send(out, ++eventId, "status", JobJson.of(current, jobs.store().deliveryLog(current.id())));
                    lastWrite = System.nanoTime();
                } else if (current.processedRows() != last.processedRows()
                        || !java.util.Objects.equals(current.totalRows(), last.totalRows())) {
                    send(out, ++eventId, "progress", JobJson.progress(current));
                    lastWrite = System.nanoTime();
                } else if (System.nanoTime() - lastWrite > KEEPALIVE_NANOS) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    lastWrite = System.nanoTime();
                }
                last = current;
            }
            if (last.status() == JobStatus.COMPLETED) send(out, ++eventId, "file_ready", JobJson.fileReady(last));
        } catch (IOException e) {
            LOG.debug("[{}] event subscriber for job {} went away", Http.requestId(ctx), job.id());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The stream has started: nothing but ending it is possible. The client reconnects and gets the state.
            LOG.warn("[{}] event stream for job {} ended: {}", Http.requestId(ctx), job.id(), e.getMessage());
        }
    }

    private static void send(OutputStream out, long id, String event, Object data) throws IOException {
        String frame = "id: " + id + "\nevent: " + event + "\ndata: " + Json.text(data) + "\n\n";
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
