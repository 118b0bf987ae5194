package dev.freight.source;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cancels one statement that runs past its deadline. JDBC's {@code setQueryTimeout} is not a per-statement setting
 * everywhere: H2 applies it to the whole session, so a pooled connection would carry a short timeout into every
 * later export on it. A timer calling {@link Statement#cancel()} touches only the statement it was started for.
 * <p>
 * A cancel may reach the server after the statement ended (PostgreSQL sends it on another socket), so a connection
 * whose deadline {@link #fired()} must not go back to the pool: release it with {@code reusable = false}.
 */
public final class StatementDeadline implements AutoCloseable {
    private static final int WAITING = 0;
    private static final int FIRED = 1;
    private static final int CLOSED = 2;
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "freight-statement-deadline");
        t.setDaemon(true);
        return t;
    });

    private final AtomicInteger state = new AtomicInteger(WAITING);
    private final ScheduledFuture<?> task;

    private StatementDeadline(Statement statement, Duration timeout) {
        this.task = TIMER.schedule(() -> {
            if (!state.compareAndSet(WAITING, FIRED)) return;
            try {
                statement.cancel();
            } catch (SQLException | RuntimeException alreadyDone) {
                // the statement finished or was closed meanwhile: nothing left to stop
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts the clock for {@code statement}; close the deadline when the statement is done with. */
    public static StatementDeadline start(Statement statement, Duration timeout) {
        return new StatementDeadline(statement, timeout);
    }

    /** Whether the deadline passed and the statement was (or is being) cancelled. */
    public boolean fired() {
        return state.get() == FIRED;
    }

    @Override
    public void close() {
        if (state.compareAndSet(WAITING, CLOSED)) task.cancel(false);
    }
}
