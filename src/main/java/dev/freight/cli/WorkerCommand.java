package dev.freight.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.CountDownLatch;

/** {@code freight worker}: runs export workers only (no HTTP), against the configured job store. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run export workers (no HTTP server) against the configured job store.")
final class WorkerCommand extends NodeCommand {
    @Mixin
    NodeOptions node;

    @Option(names = "--once", description = "Run the jobs that are due now, then exit.")
    boolean once;

    @Override
    int execute() throws Exception {
        try (FreightRuntime runtime = FreightRuntime.full(node.load(), node.demo, !once)) {
            if (once) {
                int ran = runtime.workers.drain();
                System.err.println("Ran " + ran + " job(s)");
                return Main.EXIT_OK;
            }
            System.err.println("Freight worker " + runtime.workers.nodeId() + " running " + runtime.settings.concurrency()
                    + " workers; stop with Ctrl-C (running jobs get " + runtime.settings.shutdownGrace().toSeconds()
                    + " s to finish, the rest are released)");
            CountDownLatch stopped = new CountDownLatch(1);
            Termination.onSignal(() -> {
                runtime.close();
                stopped.countDown();
            });
            stopped.await();
            return Main.EXIT_OK;
        }
    }
}
