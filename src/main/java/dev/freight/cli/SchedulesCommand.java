package dev.freight.cli;

import dev.freight.auth.Principal;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.ProblemCode;
import dev.freight.http.ScheduleBody;
import dev.freight.job.Job;
import dev.freight.job.JobStore;
import dev.freight.schedule.Schedule;
import dev.freight.schedule.ScheduleStore;
import dev.freight.schedule.Schedules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code freight schedules list|show|create|pause|resume|run|delete}: scheduled exports from the command line, an
 * operator's view (every owner's). A schedule is named by its id or, when that is unique, its name.
 */
@Command(name = "schedules", mixinStandardHelpOptions = true, description = "List, create, pause, resume, run and "
        + "delete scheduled exports.", subcommands = {SchedulesCommand.ListSchedules.class, SchedulesCommand.Show.class,
        SchedulesCommand.Create.class, SchedulesCommand.Pause.class, SchedulesCommand.Resume.class,
        SchedulesCommand.Run.class, SchedulesCommand.Delete.class})
final class SchedulesCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** By id, else by name (refused when several owners have one of that name). */
    static Schedule find(ScheduleStore store, String idOrName) {
        var byId = store.get(idOrName);
        if (byId.isPresent()) return byId.get();
        List<Schedule> named = store.list(null).stream().filter(s -> s.name().equals(idOrName)).toList();
        if (named.size() == 1) return named.get(0);
        if (named.isEmpty()) {
            throw new InvalidRequestException(ProblemCode.NOT_FOUND, "schedule", "no schedule '" + idOrName + "'");
        }
        throw new InvalidRequestException(ProblemCode.INVALID_SCHEDULE, "schedule", named.size() + " owners have a "
                + "schedule named '" + idOrName + "': name it by id (freight schedules list)");
    }

    private static ScheduleStore store(FreightRuntime runtime) {
        return new ScheduleStore(runtime.store.dataSource(), runtime.store.clock());
    }

    private static String time(Instant i) {
        return i == null ? "-" : i.toString();
    }

    /** A command on one schedule, over the job store alone (no source is opened). */
    abstract static class OnOneSchedule extends NodeCommand {
        @Mixin
        NodeOptions node;

        @Parameters(paramLabel = "<id-or-name>")
        String schedule;

        @Override
        final int execute() {
            try (FreightRuntime runtime = FreightRuntime.storesOnly(node.load())) {
                ScheduleStore store = store(runtime);
                on(store, find(store, schedule));
                return Main.EXIT_OK;
            }
        }

        abstract void on(ScheduleStore store, Schedule s);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every schedule, with its next run and last result.")
    static final class ListSchedules extends NodeCommand {
        @Mixin
        NodeOptions node;

        @Override
        int execute() {
            try (FreightRuntime runtime = FreightRuntime.storesOnly(node.load())) {
                ScheduleStore store = store(runtime);
                System.out.printf("%-26s  %-24s  %-16s  %-7s  %-20s  %-10s  %s%n", "ID", "NAME", "CRON", "STATE",
                        "NEXT RUN", "LAST", "OWNER");
                for (Schedule s : store.list(null)) {
                    String last = s.lastError() != null ? "refused" : s.lastStatus() != null ? s.lastStatus() : "-";
                    System.out.printf("%-26s  %-24s  %-16s  %-7s  %-20s  %-10s  %s%n", s.id(), s.name(), s.cron(),
                            s.paused() ? "paused" : "active", s.nextRunAt() == null ? "-"
                                    : s.nextRunAt().toString().substring(0, 19), last, s.owner().name());
                }
                return Main.EXIT_OK;
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Every field of one schedule and its next runs.")
    static final class Show extends OnOneSchedule {
        @Override
        void on(ScheduleStore store, Schedule s) {
            System.out.println("id:          " + s.id());
            System.out.println("name:        " + s.name());
            System.out.println("owner:       " + s.owner().name() + " (role " + s.owner().role() + ")");
            System.out.println("cron:        " + s.cron() + " in " + s.timeZone());
            System.out.println("catch_up:    " + s.catchUp().wireName());
            System.out.println("state:       " + (s.paused() ? "paused" : "active"));
            System.out.println("dataset:     " + s.request().described());
            System.out.println("format:      " + s.request().format());
            System.out.println("deliveries:  " + s.plan().targets().size()
                    + (s.plan().condition() == null ? "" : ", when " + s.plan().condition()));
            List<Instant> next = s.nextRuns(Schedules.NEXT_RUNS);
            System.out.println("next runs:   " + (next.isEmpty() ? "-" : String.join(", ",
                    next.stream().map(Instant::toString).toList())));
            System.out.println("last run:    " + time(s.lastRunAt()) + (s.lastJobId() == null ? ""
                    : " (job " + s.lastJobId() + (s.lastStatus() == null ? "" : ", " + s.lastStatus()) + ")"));
            if (s.lastError() != null) System.out.println("last error:  " + s.lastError());
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a schedule from a JSON file "
            + "holding what POST /api/v1/export/schedules takes (- reads standard input).")
    static final class Create extends NodeCommand {
        @Mixin
        NodeOptions node;

        @Parameters(paramLabel = "<file>", description = "The schedule as JSON, or - for standard input.")
        String file;

        @Option(names = "--owner", defaultValue = "admin", description = "Whose permissions apply when it runs "
                + "(default: ${DEFAULT-VALUE}).")
        String owner;

        @Option(names = "--role", defaultValue = "admin", description = "The owner's role (default: ${DEFAULT-VALUE}).")
        String role;

        @Option(names = "--attr", paramLabel = "<name=value>", description = "An owner attribute (for row filters); repeatable.")
        List<String> attributes = new ArrayList<>();

        @Override
        int execute() throws IOException {
            byte[] body = file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
            Schedule.Definition d = ScheduleBody.parse(body);
            Map<String, String> attrs = new LinkedHashMap<>();
            for (String a : attributes) {
                int eq = a.indexOf('=');
                if (eq <= 0) throw new InvalidRequestException(ProblemCode.INVALID_ATTRIBUTE, "attr", "--attr takes "
                        + "name=value, got '" + a + "'");
                attrs.put(a.substring(0, eq), a.substring(eq + 1));
            }
            dev.freight.config.FreightConfig config = node.load();
            try (FreightRuntime runtime = FreightRuntime.full(config, node.demo, false)) {
                Principal principal = owner(config, runtime, attrs);
                Schedule s;
                try {
                    s = runtime.schedules.create(principal, d);
                } catch (ScheduleStore.NameTakenException e) {
                    throw new InvalidRequestException(ProblemCode.SCHEDULE_EXISTS, "name", e.getMessage());
                }
                System.out.println(s.id());
                System.err.println("freight: schedule '" + s.name() + "' created; next run " + time(s.nextRunAt()));
                return Main.EXIT_OK;
            }
        }

        /**
         * The owner as named by --owner, --role and --attr, if that is a principal there may be. A schedule runs as its
         * owner and its owner may edit and run it: a principal of that name with another role (or attributes) would
         * take that role's permissions into their own schedule. So the name must be free or held by the same
         * principal, as for a new API key ({@code admin} is the built-in admin's, role admin); and the role must exist.
         */
        private Principal owner(dev.freight.config.FreightConfig config, FreightRuntime runtime, Map<String, String> attrs) {
            if (owner.equals(dev.freight.auth.AdminKey.PRINCIPAL)) {
                if (!role.equals(Principal.ADMIN) || !attrs.isEmpty()) {
                    throw new InvalidRequestException(ProblemCode.NAME_TAKEN, "owner", "the owner '" + owner + "' is the "
                            + "node's built-in admin (role admin, no attributes): leave --role and --attr out, or name "
                            + "another owner");
                }
                return Principal.admin(owner);
            }
            Principal p = dev.freight.auth.ApiKeys.principal(owner, role, attrs, config.roles().allNames());
            dev.freight.auth.ApiKeys.load(config, new dev.freight.auth.StoredApiKeys(runtime.store.dataSource()))
                    .nameHolder(p).ifPresent(holder -> {
                        throw new InvalidRequestException(ProblemCode.NAME_TAKEN, "owner", "the owner '" + owner
                                + "' is held by " + holder + ": give the same --role and --attr, or name another owner");
                    });
            return p;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Stop a schedule's runs until it is resumed.")
    static final class Pause extends OnOneSchedule {
        @Override
        void on(ScheduleStore store, Schedule s) {
            store.setPaused(s.id(), true, null);
            System.err.println("freight: schedule '" + s.name() + "' paused");
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused schedule from its next tick.")
    static final class Resume extends OnOneSchedule {
        @Override
        void on(ScheduleStore store, Schedule s) {
            System.err.println("freight: schedule '" + s.name() + "' resumed; next run " + time(store.resume(s)));
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Queue a run of the schedule now (a node's "
            + "workers run it); its ticks are unchanged. Prints the job id.")
    static final class Run extends NodeCommand {
        @Mixin
        NodeOptions node;

        @Parameters(paramLabel = "<id-or-name>")
        String schedule;

        @Override
        int execute() {
            try (FreightRuntime runtime = FreightRuntime.full(node.load(), node.demo, false)) {
                Schedule s = find(runtime.schedules.store(), schedule);
                Job job = runtime.schedules.runNow(s, JobStore.Admission.UNLIMITED);
                System.out.println(job.id());
                System.err.println("freight: queued job " + job.id() + " for schedule '" + s.name() + "'");
                return Main.EXIT_OK;
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a schedule (its past jobs stay).")
    static final class Delete extends OnOneSchedule {
        @Override
        void on(ScheduleStore store, Schedule s) {
            store.delete(s.id());
            System.err.println("freight: schedule '" + s.name() + "' deleted");
        }
    }
}
