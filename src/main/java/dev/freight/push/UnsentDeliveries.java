package dev.freight.push;

import dev.freight.config.DeliveryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a node that sends no deliveries does instead: it says why in the log of each delivery no node has taken.
 * Deliveries wait in the queue for a node that can send them; when none can (on a PostgreSQL job store, every
 * node lacking {@code server.signed_links.key}), they would sit {@code pending} with nothing to tell why. Every
 * {@link #EVERY}, this node writes {@code reason} as the last error of the deliveries untried for
 * {@link #UNTAKEN_AFTER} past their due time: a node that sends polls every second, so one that waits that long
 * is not being taken. The note changes nothing else (the delivery stays due as it was), a real attempt's error is
 * never overwritten, and the first attempt, by a node that can send, replaces it.
 */
public final class UnsentDeliveries implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UnsentDeliveries.class);
    public static final Duration UNTAKEN_AFTER = Duration.ofMinutes(1);
    static final Duration EVERY = Duration.ofSeconds(30);

    private final DeliveryQueue queue;
    private final String reason;
    private ScheduledExecutorService timer;

    /** {@code pool}, {@code clock}: the job store's. */
    public UnsentDeliveries(DataSource pool, Clock clock, DeliveryConfig.Webhooks retry, String reason) {
        this.queue = new DeliveryQueue(pool, clock, "unsent-note", Duration.ZERO, retry);
        this.reason = reason;
    }

    /** Notes the deliveries untaken for {@link #UNTAKEN_AFTER}; returns how many. */
    public int noteUntaken() {
        return queue.noteUntried(queue.clock().instant().minus(UNTAKEN_AFTER), reason);
    }

    public synchronized UnsentDeliveries start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "freight-unsent-deliveries");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                noteUntaken();
            } catch (RuntimeException e) {
                LOG.debug("unsent deliveries could not be noted: {}", e.getMessage());
            }
        }, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public synchronized void close() {
        if (timer != null) timer.shutdownNow();
    }
}
