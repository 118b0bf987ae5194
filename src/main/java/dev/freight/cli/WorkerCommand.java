package dev.freight.cli;

import dev.freight.config.ConfigException;
import dev.freight.config.FreightConfig;
import dev.freight.push.Deliverer;
import dev.freight.schedule.Scheduler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Optional;


/** {@code freight worker}: runs export workers only (no HTTP), against the configured job store. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run export workers (no HTTP server) against the configured job store.")
final class WorkerCommand extends NodeCommand {
    @Mixin
    NodeOptions node;

    @Option(names = "--once", description = "Fire the schedule ticks due now, run the jobs that are due, send the "
            + "deliveries that are due (one attempt each), then exit.")
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
                // The ticks due now are jobs due now: fired first (exactly once, as by any node), then run.
                int fired = new Scheduler(runtime.schedules.store(), runtime.service)
                        .fireDue(runtime.schedules.store().clock().instant());
                if (fired > 0) System.err.println("Fired " + fired + " schedule tick(s)");
                int ran = runtime.workers.drain();
                System.err.println("Ran " + ran + " job(s)");
                sendDueDeliveries(config, runtime);
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

    /**
     * After the jobs, the deliveries due now, theirs included: a node that does not stay up would otherwise leave
     * them queued for a node that may never come. One attempt each; a failed one stays queued with its backoff.
     */
    private static void sendDueDeliveries(FreightConfig config, FreightRuntime runtime) {
        Optional<String> why = FreightRuntime.whyNoDeliveries(config);
        if (why.isPresent()) {
            System.err.println("Sent no deliveries: " + why.get());
            // As a running worker does: the deliveries no node takes say why in their log.
            FreightRuntime.unsent(config, runtime.store, runtime.workers.nodeId()).noteUntaken();
            return;
        }
        runtime.deliverer = FreightRuntime.deliverer(config, runtime.store, runtime.files);
        Deliverer.Pass pass = runtime.deliverer.sendDue();
        System.err.println("Sent " + pass.attempted() + " deliver" + (pass.attempted() == 1 ? "y" : "ies")
                + (pass.attempted() == 0 ? "" : ": " + pass.delivered() + " delivered, " + pass.retryLater()
                + " to retry later, " + pass.failed() + " failed"));
    }
}
