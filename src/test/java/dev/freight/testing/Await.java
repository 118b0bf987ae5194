package dev.freight.testing;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Waiting for what another thread, node or database does: looks every {@value #POLL_MILLIS} ms until it has
 * happened, and otherwise fails saying what was awaited and what was seen last. The timeout only bounds a broken
 * run; a passing test waits as long as the event takes. Time itself is not awaited: expiries run on a
 * {@link ManualClock} the test moves.
 */
public final class Await {
    static final long POLL_MILLIS = 20;

    private Await() {
    }

    /** Waits until {@code condition} holds. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, condition::getAsBoolean, Boolean::booleanValue);
    }

    /** Looks at {@code probe} until {@code done} accepts what it gives, and returns that. */
    public static <T> T until(String what, Duration timeout, Callable<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T seen = look(what, probe);
            if (done.test(seen)) return seen;
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("awaited " + what + " for " + timeout + " in vain; last seen: " + describe(seen));
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while awaiting " + what, e);
            }
        }
    }

    /** A list (log lines, rows) one element a line; anything else as it prints. */
    private static String describe(Object seen) {
        if (!(seen instanceof Collection<?> items) || items.isEmpty()) return String.valueOf(seen);
        return items.stream().map(String::valueOf).collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    private static <T> T look(String what, Callable<T> probe) {
        try {
            return probe.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("looking for " + what + " failed: " + e, e);
        }
    }
}
