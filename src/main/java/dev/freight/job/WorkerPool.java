package dev.freight.job;

import dev.freight.config.Units;
import dev.freight.export.ExportService;
import dev.freight.storage.FileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A node's workers: each loops claim → run → claim. {@link #wake()} lets a node start on a job it just queued
 * without waiting for the next poll. Shutdown stops claiming, lets running jobs finish within the grace period
 * and releases the rest, so no job is left running without a lease.
 */
public final class WorkerPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);
    /**
     * How often the node asks the store whether any of its running jobs was cancelled on another node. The
     * heartbeat (every second by default) would notice too, but a second plus the time to stop breaks the promise
     * that a cancel takes effect within a second.
     */
    static final Duration CANCEL_WATCH = Duration.ofMillis(250);

    private final JobStore store;
    private final JobSettings settings;
    private final JobRunner runner;
    private final String nodeId;
    private final ExecutorService workers;
    private final ScheduledExecutorService heartbeats;
    private final Map<String, JobRunner.Running> running = new ConcurrentHashMap<>();
    private final Object wakeUp = new Object();
    private volatile boolean claiming = true;
    private volatile boolean started;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** A job queued on any node wakes the idle workers; a cancel on any node stops the job here if it runs here. */
    private final JobSignals.Listener signalled = (kind, jobId) -> {
        switch (kind) {
            case QUEUED -> wake();
            case CANCEL -> cancelLocally(jobId);
            default -> { }
        }
    };

    /** {@code exports}: runs each job under its owner's permissions and limits, and audits and measures it. */
    public WorkerPool(JobStore store, FileStore files, ExportService exports, JobSettings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.nodeId = ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.heartbeats = Executors.newScheduledThreadPool(1, r -> daemon(r, "freight-heartbeat"));
        this.runner = new JobRunner(store, files, exports, settings, heartbeats, clock, exports.metrics());
        // No thread ever starts on a node of no workers (concurrency 0, API only); the pool just needs a size.
        this.workers = Executors.newFixedThreadPool(Math.max(1, settings.concurrency()), r -> daemon(r, "freight-worker"));
        heartbeats.scheduleWithFixedDelay(this::watchCancels, CANCEL_WATCH.toMillis(), CANCEL_WATCH.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void watchCancels() {
        if (running.isEmpty()) return;
        try {
            for (String id : store.cancelRequested(List.copyOf(running.keySet()))) {
                JobRunner.Running r = running.get(id);
                if (r != null) r.stop(JobRunner.Stop.CANCELLED);
            }
        } catch (RuntimeException e) {
            // The store is unreachable for a moment: the heartbeat reports that; an exception here would end the watch.
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public String nodeId() {
        return nodeId;
    }

    public void start() {
        started = true;
        store.signals().subscribe(signalled);
        for (int i = 0; i < settings.concurrency(); i++) {
            String workerId = nodeId + "/" + i;
            workers.submit(() -> loop(workerId));
        }
    }

    private void loop(String workerId) {
        while (claiming && !Thread.currentThread().isInterrupted()) {
            try {
                if (!runNext(workerId)) {
                    synchronized (wakeUp) {
                        wakeUp.wait(settings.pollInterval().toMillis());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("worker {}: {}", workerId, e.getMessage());
                sleep(settings.pollInterval().toMillis());
            }
        }
    }

    /** Claims and runs one job; false when there was none. */
    boolean runNext(String workerId) {
        Optional<Job> claimed = store.claim(workerId, settings.lease());
        if (claimed.isEmpty()) return false;
        Job job = claimed.get();
        JobRunner.Running r = new JobRunner.Running(job.id());
        running.put(job.id(), r);
        try {
            if (!claiming) r.stop(JobRunner.Stop.SHUTDOWN);
            runner.run(job, workerId, r);
        } finally {
            running.remove(job.id());
        }
        return true;
    }

    /** {@code freight worker --once}: run what is due now, one job at a time, then return how many ran. */
    public int drain() {
        int ran = 0;
        while (runNext(nodeId + "/once")) ran++;
        return ran;
    }

    public void wake() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    /** Cancels a job running on this node at once, without waiting for its next heartbeat. */
    public boolean cancelLocally(String jobId) {
        JobRunner.Running r = running.get(jobId);
        if (r == null) return false;
        r.stop(JobRunner.Stop.CANCELLED);
        return true;
    }

    public int runningCount() {
        return running.size();
    }

    /**
     * Simulates a node that dies: threads stop, nothing is released or recorded, leases simply lapse. For tests of
     * the recovery path, which in production is a killed process.
     */
    public void kill() {
        store.signals().unsubscribe(signalled);
        claiming = false;
        heartbeats.shutdownNow();
        for (JobRunner.Running r : running.values()) r.stop(JobRunner.Stop.LEASE_LOST);
        workers.shutdownNow();
    }

    @Override
    public void close() {
        // A node closes its pool from the signal that stops it and again on its way out: report the shutdown once.
        if (closed.getAndSet(true)) return;
        store.signals().unsubscribe(signalled);
        claiming = false;
        wake();
        workers.shutdown();
        String grace = Units.format(settings.shutdownGrace());
        List<String> busy = ids(running.values());
        if (started) {
            if (busy.isEmpty()) {
                LOG.info("stopping workers: no job running");
            } else {
                LOG.info("stopping workers: no new jobs are claimed; {} job(s) running, waiting up to {} (shutdown_grace) "
                        + "for them to finish: {}", busy.size(), grace, busy);
            }
        }
        List<JobRunner.Running> stopped = List.of();
        boolean waited = true;
        try {
            if (!workers.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                stopped = List.copyOf(running.values());
                LOG.info("shutdown_grace of {} over: stopping {} job(s) still running: {}", grace, stopped.size(),
                        ids(stopped));
                for (JobRunner.Running r : stopped) r.stop(JobRunner.Stop.SHUTDOWN);
                if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("{} job(s) still not stopped 10s after the release: interrupting their workers",
                            running.size());
                    workers.shutdownNow();
                }
            } else if (!busy.isEmpty()) {
                LOG.info("workers stopped: every running job finished within shutdown_grace");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            waited = false;
            stopped = List.copyOf(running.values());
            LOG.info("interrupted while waiting for running jobs: stopping {} job(s): {}", stopped.size(), ids(stopped));
            for (JobRunner.Running r : stopped) r.stop(JobRunner.Stop.SHUTDOWN);
        } finally {
            heartbeats.shutdownNow();
        }
        // Without the wait the runners may not have released their jobs yet; each logs its own release.
        if (waited && !stopped.isEmpty()) {
            List<String> released = stopped.stream().filter(r -> r.released).map(r -> r.jobId).toList();
            LOG.info("released {} job(s) back to the queue, for another node or the next start: {}", released.size(),
                    released);
        }
    }

    private static List<String> ids(Collection<JobRunner.Running> jobs) {
        return jobs.stream().map(r -> r.jobId).toList();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
