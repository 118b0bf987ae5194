package dev.freight.cli;

import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.job.Job;
import dev.freight.job.JobIds;
import dev.freight.job.JobStatus;
import dev.freight.job.JobStore;
import dev.freight.error.InvalidRequestException;
import dev.freight.delivery.DeliveryRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Locale;

/** {@code freight jobs list|show|cancel}: the job table from the command line (an operator's view: all owners). */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List, show and cancel export jobs.",
        subcommands = {JobsCommand.ListJobs.class, JobsCommand.Show.class, JobsCommand.Cancel.class})
final class JobsCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    static JobStatus status(String s) {
        return JobStatus.fromWire(s.toLowerCase(Locale.ROOT)).orElseThrow(() -> new InvalidRequestException(ProblemCode.INVALID_STATUS,
                "status", Messages.unknown("status", s, JobStatus.choices())));
    }

    static Job find(FreightRuntime runtime, String id) {
        if (!JobIds.isWellFormed(id)) throw new InvalidRequestException(ProblemCode.NOT_FOUND, "id", "no job '" + id + "'");
        return runtime.store.get(id).orElseThrow(() -> new InvalidRequestException(ProblemCode.NOT_FOUND, "id", "no job '" + id + "'"));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Newest jobs first.")
    static final class ListJobs extends NodeCommand {
        @Mixin
        NodeOptions node;

        @Option(names = "--status", description = "Only jobs in this state.")
        String status;

        @Option(names = "--limit", defaultValue = "20", description = "How many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        int execute() {
            if (limit < 1 || limit > 1000) throw new InvalidRequestException(ProblemCode.INVALID_LIMIT, "limit", "--limit must be 1 to 1000");
            try (FreightRuntime runtime = FreightRuntime.storesOnly(node.load())) {
                JobStore.Page page = runtime.store.list(null, status == null ? null : status(status), null, limit);
                System.out.printf("%-26s  %-9s  %-20s  %-6s  %12s  %-20s  %s%n", "ID", "STATUS", "DATASET", "FORMAT", "ROWS",
                        "CREATED", "OWNER");
                for (Job j : page.jobs()) {
                    long rows = j.rowCount() != null ? j.rowCount() : j.processedRows();
                    System.out.printf("%-26s  %-9s  %-20s  %-6s  %12s  %-20s  %s%n", j.id(), j.status().wireName(),
                            j.request().described(), j.request().format(), Summary.count(rows),
                            j.createdAt().toString().substring(0, 19), j.owner());
                }
                return Main.EXIT_OK;
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Every field of one job.")
    static final class Show extends NodeCommand {
        @Mixin
        NodeOptions node;

        @Parameters(paramLabel = "<id>")
        String id;

        @Override
        int execute() {
            try (FreightRuntime runtime = FreightRuntime.storesOnly(node.load())) {
                Job j = find(runtime, id);
                System.out.println("id:            " + j.id());
                System.out.println("status:        " + j.status().wireName());
                System.out.println("dataset:       " + j.request().described());
                System.out.println("format:        " + j.request().format() + (j.request().compress() ? " (gzip)" : ""));
                System.out.println("request:       " + dev.freight.query.ExportRequestJson.write(j.request()));
                System.out.println("owner:         " + j.owner());
                System.out.println("rows:          " + (j.rowCount() != null ? j.rowCount() : j.processedRows() + " so far")
                        + (j.totalRows() != null ? " (estimate " + j.totalRows() + ")" : ""));
                System.out.println("file:          " + (j.fileName() == null ? "-" : j.fileName() + ", " + Summary.bytes(j.fileSizeBytes())));
                System.out.println("attempts:      " + j.attempts() + " of " + j.maxAttempts());
                if (j.errorCode() != null) System.out.println("error:         " + j.errorCode() + ": " + j.errorMessage());
                System.out.println("created:       " + j.createdAt());
                System.out.println("started:       " + (j.startedAt() == null ? "-" : j.startedAt()));
                System.out.println("completed:     " + (j.completedAt() == null ? "-" : j.completedAt()));
                System.out.println("expires:       " + (j.expiresAt() == null ? "-" : j.expiresAt()));
                if (j.scheduleId() != null) System.out.println("schedule:      " + j.scheduleId());
                if (j.plan().condition() != null) {
                    System.out.println("condition:     " + j.plan().condition() + (j.conditionMet() == null ? " (not evaluated yet)"
                            : j.conditionMet() ? " (met)" : " (not met: nothing delivered)"));
                }
                List<DeliveryRecord> log = runtime.store.deliveryLog(j.id());
                if (!j.plan().isEmpty() || !log.isEmpty()) {
                    System.out.println(log.isEmpty() ? "deliveries:    none yet" : "deliveries:");
                    for (DeliveryRecord d : log) System.out.println("  " + delivery(d));
                }
                return Main.EXIT_OK;
            }
        }
    }

    /** One line of the delivery log: event, type, target, status and attempts, then the last result and when. */
    static String delivery(DeliveryRecord d) {
        StringBuilder line = new StringBuilder(d.event() + "  " + d.type() + "  " + d.target() + "  " + d.status() + "  "
                + d.attempts() + (d.attempts() == 1 ? " attempt" : " attempts"));
        if (d.lastError() != null) {
            line.append("  last: ").append(d.lastError());
        } else if (d.lastStatus() != null) {
            line.append("  last: ").append(d.lastStatus());
        }
        if (d.lastAttemptAt() != null) line.append(" at ").append(d.lastAttemptAt());
        if (DeliveryRecord.PENDING.equals(d.status()) && d.nextAttemptAt() != null) {
            line.append("  next: ").append(d.nextAttemptAt());
        }
        return line.toString();
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a pending or running job.")
    static final class Cancel extends NodeCommand {
        @Mixin
        NodeOptions node;

        @Parameters(paramLabel = "<id>")
        String id;

        @Override
        int execute() {
            try (FreightRuntime runtime = FreightRuntime.storesOnly(node.load())) {
                find(runtime, id);
                JobStore.CancelOutcome outcome = runtime.store.requestCancel(id);
                switch (outcome) {
                    case CANCELLED -> System.err.println("Cancelled " + id);
                    case CANCEL_REQUESTED -> System.err.println("Cancel requested: the worker running " + id + " stops within a second");
                    default -> {
                        System.err.println("freight: error: job " + id + " has already finished");
                        return Main.EXIT_BAD_INPUT;
                    }
                }
                return Main.EXIT_OK;
            }
        }
    }
}
