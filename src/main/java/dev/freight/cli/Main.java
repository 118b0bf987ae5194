package dev.freight.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code freight} command. Exit codes: 0 ok, 1 other failure, 2 bad input, 3 source unreachable. */
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_SOURCE_UNREACHABLE = 3;

    /**
     * The subcommands by name, in the order {@code freight --help} lists them. picocli builds the model of every
     * command it is given (options, mixins, nested commands, the classes their fields name) before parsing: for a
     * one-row export most of its start-up went to the nine commands it does not run, so only the invoked one is
     * given to it.
     */
    private static final Map<String, Class<?>> COMMANDS = commands();

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> c = new LinkedHashMap<>();
        c.put("serve", ServeCommand.class);
        c.put("export", ExportCommand.class);
        c.put("worker", WorkerCommand.class);
        c.put("queue", QueueCommand.class);
        c.put("jobs", JobsCommand.class);
        c.put("schedules", SchedulesCommand.class);
        c.put("keys", KeysCommand.class);
        c.put("audit", AuditCommand.class);
        c.put("cleanup", CleanupCommand.class);
        c.put("demo", DemoCommand.class);
        c.put("help", CommandLine.HelpCommand.class);
        return c;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        quietLibraryLogging();
        // picocli looks for Groovy's Closure class when it starts unless told not to: a class in no archive, so the
        // JVM searches the class path for it, opening the 25,000-entry jar on the main thread (~0.04 s of a
        // one-row export, and the whole path of a class that does not exist). Freight has no Groovy.
        if (System.getProperty("picocli.disable.closures") == null) System.setProperty("picocli.disable.closures", "true");
        dev.freight.source.EmbeddedH2.confineToLoopback();
        Class<?> invoked = args.length == 0 ? null : COMMANDS.get(args[0]);
        // Connecting takes as long as picocli's start: both at once (after the logging settings, which the
        // drivers read when they start).
        if (invoked == ExportCommand.class) EarlySource.start(args);
        try {
            return execute(invoked, args);
        } finally {
            EarlySource.discard();
        }
    }

    private static int execute(Class<?> invoked, String[] args) {
        CommandLine cli = new CommandLine(new Main().model());
        if (invoked != null && invoked != CommandLine.HelpCommand.class) {
            cli.addSubcommand(model(invoked));
        } else {
            // Usage, --version, help, a mistyped command: these list (or suggest) every command.
            for (Class<?> command : COMMANDS.values()) cli.addSubcommand(model(command));
        }
        cli.setParameterExceptionHandler(new BadUsage());
        cli.setExecutionExceptionHandler(new Uncaught());
        cli.setExecutionStrategy(new Execution());
        return cli.execute(args);
    }

    /*
     * The handlers are named classes, not lambdas or method references: picocli is compiled for Java 5, and a lambda
     * implementing one of its interfaces makes the class-data-sharing dump link picocli's classes, which then cannot
     * be archived (a linked class of that age is skipped): CommandLine would load from the jar on every run.
     */

    private static final class Execution implements CommandLine.IExecutionStrategy {
        @Override
        public int execute(CommandLine.ParseResult parsed) {
            // Decided once the command is known and before anything logs: slf4j-simple reads its settings once.
            if (isNode(parsed)) nodeLogging();
            return new CommandLine.RunLast().execute(parsed);
        }
    }

    private static final class BadUsage implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException e, String[] args) {
            return badUsage(e);
        }
    }

    private static final class Uncaught implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
            return uncaught(e);
        }
    }

    /** Library INFO logs (pool start, driver banners) would garble the progress bar and piped output. */
    private static void quietLibraryLogging() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        // MariaDB's driver logs every error the server answers at WARN, before throwing it; the CLI reports each one
        // itself, in one line, so the driver's would be a second, differently worded line for the same error.
        String mariadbErrors = "org.slf4j.simpleLogger.log.org.mariadb.jdbc.message.server.ErrorPacket";
        if (System.getProperty(mariadbErrors) == null) System.setProperty(mariadbErrors, "error");
    }

    private static boolean isNode(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult sub = parsed.subcommand();
        return sub != null && (sub.commandSpec().userObject() instanceof ServeCommand
                || sub.commandSpec().userObject() instanceof WorkerCommand);
    }

    /**
     * A node's standard error is its server log: Freight's own INFO lines (jobs cancelled, released at shutdown,
     * shutdown progress) and a time on every line. Libraries stay at WARN; one-shot commands print their own summaries.
     */
    private static void nodeLogging() {
        setUnlessGiven("org.slf4j.simpleLogger.log.dev.freight", "info");
        setUnlessGiven("org.slf4j.simpleLogger.showDateTime", "true");
        setUnlessGiven("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    }

    private static void setUnlessGiven(String property, String value) {
        if (System.getProperty(property) == null) System.setProperty(property, value);
    }

    /** Usage mistakes are errors like any other: one line, the same prefix, and where to read more. */
    private static int badUsage(CommandLine.ParameterException e) {
        System.err.println("freight: error: " + e.getMessage() + " (see '"
                + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
        return EXIT_BAD_INPUT;
    }

    /**
     * What a command did not catch itself: without this picocli prints the whole stack trace. Same line, same exit
     * codes as the commands that catch their errors (NodeCommand, ExportCommand).
     */
    private static int uncaught(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        System.err.println("freight: error: " + message.strip().replaceAll("\\s*\\R\\s*", "; "));
        if (e instanceof dev.freight.error.InvalidRequestException || e instanceof dev.freight.config.ConfigException) {
            return EXIT_BAD_INPUT;
        }
        return e instanceof dev.freight.source.SourceUnavailableException ? EXIT_SOURCE_UNREACHABLE : EXIT_FAILURE;
    }

    private CommandSpec spec;

    /** The root's model, built directly as the one-shot export's is (see {@link CommandModel}). */
    private CommandSpec model() {
        spec = CommandSpec.wrapWithoutInspection(this).name("freight").versionProvider(new Version());
        spec.usageMessage().description("Exports tables and queries of relational databases to CSV, TSV, JSON, NDJSON, "
                + "XLSX, Parquet and PDF files: a REST API with background jobs (serve), workers, and one-shot exports "
                + "(export).");
        CommandModel.addStandardHelpOptions(spec);
        return spec;
    }

    /** A command's picocli model: export's is built directly, the others' read from their annotations. */
    private static Object model(Class<?> command) {
        return command == ExportCommand.class ? ExportCommand.spec() : command;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"freight " + (v == null ? "dev" : v)};
        }
    }
}
