package dev.freight.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Asks a running export to stop. The engine checks it between batches of rows; callbacks registered with
 * {@link #onCancel} (e.g. {@code Statement::cancel}) interrupt a database that is slow to return the next batch.
 */
public final class CancellationToken {
    private volatile boolean cancelled;
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();

    public void cancel() {
        cancelled = true;
        for (Runnable r : callbacks) {
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // best effort: the row loop sees the flag anyway
            }
        }
    }

    public boolean isCancelled() {
        return cancelled;
    }

    public void onCancel(Runnable callback) {
        callbacks.add(callback);
        if (cancelled) callback.run();
    }

    public void remove(Runnable callback) {
        callbacks.remove(callback);
    }

    /** An interruption that may fail, e.g. a JDBC cancel; failures are ignored, the row loop sees the flag anyway. */
    @FunctionalInterface
    public interface Interruption {
        void run() throws Exception;
    }

    /** Registers {@code interruption} until the returned registration is closed. */
    public Registration interruptWith(Interruption interruption) {
        Runnable callback = () -> {
            try {
                interruption.run();
            } catch (Exception ignored) {
                // best effort
            }
        };
        onCancel(callback);
        return () -> remove(callback);
    }

    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
