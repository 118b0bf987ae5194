package dev.freight.cli;

import dev.freight.job.JobStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** {@code freight queue status}: how many jobs in each state and how long the oldest has waited. */
@Command(name = "queue", mixinStandardHelpOptions = true, description = "Inspect the job queue.",
        subcommands = QueueCommand.Status.class)
final class QueueCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Jobs by status and the oldest pending job's age.")
    static final class Status extends NodeCommand {
        @Mixin
        NodeOptions node;

        @Override
        int execute() {
            try (FreightRuntime runtime = FreightRuntime.storesOnly(node.load())) {
                Map<JobStatus, Long> counts = runtime.store.countByStatus();
                for (JobStatus s : JobStatus.values()) System.out.printf("%-10s %d%n", s.wireName(), counts.get(s));
                Optional<Instant> oldest = runtime.store.oldestPendingCreatedAt();
                System.out.println("oldest pending: " + oldest.map(t -> Summary.duration(
                        Duration.between(t, Instant.now()).toNanos()) + " ago").orElse("none"));
                return Main.EXIT_OK;
            }
        }
    }
}
