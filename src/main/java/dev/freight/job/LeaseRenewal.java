package dev.freight.job;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Renews the leases of the rows a node holds open (its sync exports in flight) every {@code every}, in one call
 * for all of them. Its thread starts with the first row and is a daemon: a node that holds none has none.
 */
final class LeaseRenewal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseRenewal.class);

    private final String threadName;
    private final Duration every;
    private final Consumer<List<String>> renew;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService timer;
    private boolean closed;

    LeaseRenewal(String threadName, Duration every, Consumer<List<String>> renew) {
        this.threadName = threadName;
        this.every = every;
        this.renew = renew;
    }

    void add(String id) {
        held.add(id);
        synchronized (this) {
            if (timer != null || closed) return;
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::renewAll, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void remove(String id) {
        held.remove(id);
    }

    private void renewAll() {
        List<String> ids = List.copyOf(held);
        if (ids.isEmpty()) return;
        try {
            renew.accept(ids);
        } catch (RuntimeException e) {
            // The next round tries again; a lease that lapses meanwhile only stops counting early.
            LOG.warn("renewing {} leases failed: {}", ids.size(), e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (timer != null) timer.shutdownNow();
    }
}
