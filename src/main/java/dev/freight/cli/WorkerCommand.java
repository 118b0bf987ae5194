package dev.freight.cli;

import dev.freight.config.ConfigException;
import dev.freight.config.FreightConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;


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
        // --once is interrupted as any command is; a long-running worker stops cleanly and exits 0.
        FreightConfig config = node.load();
        if (config.exports().workerConcurrency() == 0) {
            throw new ConfigException("configuration", "exports.worker_concurrency", "is 0: a worker node would run "
                    + "nothing (0 is for serve nodes that only take requests)");
        }
        StopSignal stop = once ? null : StopSignal.install();
        try (FreightRuntime runtime = FreightRuntime.full(config, node.demo, !once)) {
            if (once) {
                int ran = runtime.workers.drain();
                System.err.println("Ran " + ran + " job(s)");
                return Main.EXIT_OK;
            }
            System.err.println("Freight worker " + runtime.workers.nodeId() + " running " + runtime.settings.concurrency()
                    + " workers; stop with Ctrl-C (running jobs get " + runtime.settings.shutdownGrace().toSeconds()
                    + " s to finish, the rest are released)");
            // try-with-resources closes the runtime: running jobs finish within the grace, the rest are released.
            stop.await();
            return Main.EXIT_OK;
        }
    }
}
