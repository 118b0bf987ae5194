package dev.freight.cli;

import dev.freight.job.Sweeper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code freight cleanup}: one run of the sweeper (expiry, retention, dead workers). */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = "Run the sweeper once: expire files past file_ttl, purge jobs past job_retention, fail jobs of dead workers.")
final class CleanupCommand extends NodeCommand {
    @Mixin
    NodeOptions node;

    @Override
    int execute() {
        try (FreightRuntime runtime = FreightRuntime.storesOnly(node.load())) {
            Sweeper.Report r = runtime.sweeper.sweepOnce();
            System.err.printf("Expired %d file(s), purged %d job record(s), failed %d job(s) of lost workers%n",
                    r.expired(), r.purged(), r.workerLost());
            return Main.EXIT_OK;
        }
    }
}
