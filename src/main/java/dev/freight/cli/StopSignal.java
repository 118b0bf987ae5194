package dev.freight.cli;

import sun.misc.Signal;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * SIGTERM and SIGINT, handled rather than left to the JVM: the default handling runs shutdown hooks and exits with
 * 143 (130 for Ctrl-C), which service managers count as a failure. A command installs this before it starts its
 * node (a signal during start-up is kept, not lost), stops the node itself once {@link #await} returns, and the
 * process exits 0. Stopping here, before the JVM exits, also keeps the stop out of a race with H2's own shutdown
 * hook, which would close the job store before running jobs are released. A second signal stops at once.
 */
final class StopSignal {
    private final CountDownLatch stop = new CountDownLatch(1);

    private StopSignal() {
    }

    static StopSignal install() {
        StopSignal s = new StopSignal();
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> {
                if (s.stop.getCount() == 0) Runtime.getRuntime().halt(128 + signal.getNumber());
                s.stop.countDown();
            });
        }
        return s;
    }

    void await() throws InterruptedException {
        stop.await();
    }
}
