package dev.freight.cli;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A long-running node's graceful stop on SIGTERM or Ctrl-C, run before the JVM shuts down. Left to a JVM shutdown
 * hook it would race H2's own hook, which closes embedded databases (the default job store, the demo) at the same
 * moment: jobs could then not be released, and demo exports broke off as failures. H2 refuses to leave an
 * AUTO_SERVER database open at exit, so the order has to come from here. A second signal stops at once; a shutdown
 * hook remains for every other way the JVM ends.
 */
final class Termination {
    private static final Map<String, Integer> SIGNALS = Map.of("TERM", 15, "INT", 2);

    private Termination() {
    }

    /** Runs {@code stop} once: on the first SIGTERM or SIGINT, or when the JVM shuts down, whichever comes first. */
    static void onSignal(Runnable stop) {
        AtomicBoolean begun = new AtomicBoolean();
        Thread shutdown = new Thread(stop, "freight-shutdown");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (begun.compareAndSet(false, true)) stop.run();
        }, "freight-shutdown-hook"));
        SIGNALS.forEach((name, number) -> handle(name, () -> {
            if (begun.compareAndSet(false, true)) {
                shutdown.start();
            } else {
                Runtime.getRuntime().halt(128 + number);
            }
        }));
    }

    /**
     * {@code sun.misc.Signal}, the only way a Java program can act on a signal before the JVM starts to exit; through
     * reflection, since javac warns about it at every build. Without it the shutdown hook still runs.
     */
    private static void handle(String signal, Runnable action) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[]{handlerClass},
                    (proxy, method, args) -> invoke(proxy, method, args, action));
            signalClass.getMethod("handle", signalClass, handlerClass)
                    .invoke(null, signalClass.getConstructor(String.class).newInstance(signal), handler);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Not this JVM, or the signal is taken: the shutdown hook stops the node instead.
        }
    }

    private static Object invoke(Object proxy, Method method, Object[] args, Runnable action) {
        return switch (method.getName()) {
            case "handle" -> {
                action.run();
                yield null;
            }
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> "freight graceful stop";
        };
    }
}
