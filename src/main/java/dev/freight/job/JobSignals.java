package dev.freight.job;

import dev.freight.store.JobStoreDatabase;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the nodes of one job store tell each other the moment it happens: a job was queued (an idle worker claims it
 * now, not at its next poll), a job changed (event streams send its progress or status), a cancel was requested
 * (the node running the job stops it now, not at its next heartbeat).
 *
 * <p>On PostgreSQL each announcement is a NOTIFY, and a thread of every node LISTENs on a connection of its own,
 * hearing its own node's announcements as well as the others'. On H2, which serves one node, announcements go
 * straight to this node's listeners. Either way polling stays as the fallback: a lost notification (the listening
 * connection dropped and is being re-opened) delays a wake-up, never loses a job.
 */
public final class JobSignals implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobSignals.class);
    /** How long the listening thread blocks at once; also how soon it notices {@link #close()}. */
    private static final int LISTEN_WAIT_MILLIS = 500;

    public enum Kind {
        QUEUED("freight_job_queued"), CHANGED("freight_job_changed"), CANCEL("freight_job_cancel");

        private final String channel;

        Kind(String channel) {
            this.channel = channel;
        }

        static Kind ofChannel(String channel) {
            for (Kind k : values()) if (k.channel.equals(channel)) return k;
            return null;
        }
    }

    public interface Listener {
        /** Called on the signals' thread (PostgreSQL) or the announcing one (H2): return quickly. */
        void signalled(Kind kind, String jobId);
    }

    private final JobStoreDatabase database;
    private final boolean notify;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Thread listening;
    private volatile boolean closed;
    private volatile boolean connected;

    /** {@code listen}: false keeps a PostgreSQL job store's announcements on this node, as H2's are. */
    JobSignals(JobStoreDatabase database, boolean listen) {
        this.database = database;
        this.notify = listen && database.kind() == JobStoreDatabase.Kind.POSTGRESQL;
        if (notify) {
            listening = new Thread(this::listen, "freight-job-signals");
            listening.setDaemon(true);
            listening.start();
        } else {
            listening = null;
        }
    }

    public void subscribe(Listener listener) {
        listeners.add(listener);
    }

    public void unsubscribe(Listener listener) {
        listeners.remove(listener);
    }

    /**
     * Whether every change to the job store is heard here at once right now: on PostgreSQL while the listening
     * connection is open. Never on H2, whose files other processes (the CLI beside a node) change unannounced.
     */
    public boolean hearsEverything() {
        return notify && connected;
    }

    /** Tells every node (this one included) about a change the job store has committed. */
    void announce(Kind kind, String jobId) {
        if (!notify) {
            dispatch(kind, jobId);
            return;
        }
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, kind.channel);
            s.setString(2, jobId);
            s.execute();
        } catch (SQLException e) {
            // The change is stored: nodes find it at their next poll.
            LOG.debug("announcing {} of job {} failed: {}", kind, jobId, e.getMessage());
        }
    }

    private void dispatch(Kind kind, String jobId) {
        for (Listener l : listeners) {
            try {
                l.signalled(kind, jobId);
            } catch (RuntimeException e) {
                LOG.warn("a listener of job signals failed on {} of job {}: {}", kind, jobId, e.getMessage());
            }
        }
    }

    private void listen() {
        long backoff = 100;
        while (!closed) {
            try (Connection c = database.openDedicated()) {
                try (Statement s = c.createStatement()) {
                    for (Kind k : Kind.values()) s.execute("LISTEN " + k.channel);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                if (!connected) LOG.debug("listening for job signals");
                connected = true;
                backoff = 100;
                while (!closed) {
                    PGNotification[] heard = pg.getNotifications(LISTEN_WAIT_MILLIS);
                    if (heard == null) continue;
                    for (PGNotification n : heard) {
                        Kind kind = Kind.ofChannel(n.getName());
                        if (kind != null) dispatch(kind, n.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                connected = false;
                if (closed) return;
                LOG.warn("job signals: the listening connection failed ({}); polling only until it is back, retrying "
                        + "in {} ms", e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
        connected = false;
    }

    @Override
    public void close() {
        closed = true;
        if (listening != null) {
            try {
                listening.join(LISTEN_WAIT_MILLIS * 4L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
