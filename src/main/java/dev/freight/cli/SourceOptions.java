package dev.freight.cli;

import dev.freight.error.ProblemCode;
import dev.freight.source.DemoData;
import dev.freight.source.JdbcSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;


/** How a command reaches its data: a JDBC URL, the embedded demo, or the sources and datasets of a config file. */
final class SourceOptions {
    /** The name of the one source given by --source (or --demo). */
    static final String SOURCE_NAME = "cli";

    // picocli's option objects, holding what was parsed (see CommandModel).
    private final OptionSpec config = OptionSpec.builder("--config").paramLabel("<file>").type(Path.class)
            .description("Export a dataset of this configuration (its sources, datasets, include/exclude patterns).").build();
    private final OptionSpec source = OptionSpec.builder("--source").paramLabel("<jdbc-url|demo>").type(String.class)
            .description("JDBC URL of the source (jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql:, jdbc:h2:, jdbc:sqlite:) or 'demo'.")
            .build();
    private final OptionSpec demo = CommandModel.flag("--demo")
            .description("Use the built-in demo database (same as --source demo).").build();
    private final OptionSpec user = OptionSpec.builder("--user").paramLabel("<user>").type(String.class)
            .description("Database user (or put it in the URL).").build();
    private final OptionSpec passwordEnv = OptionSpec.builder("--password-env").paramLabel("<NAME>")
            .defaultValue("FREIGHT_SOURCE_PASSWORD").type(String.class)
            .description("Environment variable holding the database password (default: ${DEFAULT-VALUE}); "
                    + "passwords are never taken on the command line, where other users could see them.").build();
    private final OptionSpec dataDir = OptionSpec.builder("--data-dir").paramLabel("<dir>")
            .defaultValue("${env:FREIGHT_DATA_DIR:-freight-data}").type(Path.class)
            .description("Where the demo database lives (default: ${DEFAULT-VALUE}).").build();

    /** The options as a picocli mixin, built directly as {@link ExportCommand#spec()} is. */
    CommandSpec model() {
        CommandSpec spec = CommandSpec.create();
        for (OptionSpec o : new OptionSpec[]{config, source, demo, user, passwordEnv, dataDir}) spec.addOption(o);
        return spec;
    }

    /**
     * The datasets to export from: one source's tables, or everything a configuration defines. A single source is
     * reached through one connection, no pool: the command runs one export.
     */
    dev.freight.source.SourceRegistry registry() {
        Path config = this.config.getValue();
        String source = this.source.getValue();
        boolean demo = this.demo.getValue();
        if (config != null) {
            if (source != null) {
                throw new dev.freight.error.InvalidRequestException(ProblemCode.INVALID_SOURCE, "source",
                        "use either --source or --config, not both");
            }
            return FreightRuntime.registry(FreightRuntime.loadConfig(config), demo || "demo".equalsIgnoreCase(source));
        }
        JdbcSource opened = open();
        return dev.freight.source.SourceRegistry.of(java.util.Map.of(opened.name(), opened));
    }

    JdbcSource open() {
        String source = this.source.getValue();
        boolean demo = this.demo.getValue();
        boolean useDemo = demo || "demo".equalsIgnoreCase(source);
        if (useDemo) {
            return JdbcSource.openSingle("demo", DemoData.ensureEmbedded(dataDir.getValue()), "sa", "");
        }
        if (source == null) {
            throw new dev.freight.error.InvalidRequestException(ProblemCode.MISSING_SOURCE, "source",
                    "no source given: use --source <jdbc-url>, --demo or --config <file>");
        }
        try {
            dev.freight.source.Dialect.fromJdbcUrl(source);
        } catch (IllegalArgumentException e) {
            throw new dev.freight.error.InvalidRequestException(ProblemCode.INVALID_SOURCE, "source", e.getMessage());
        }
        String user = this.user.getValue();
        String password = System.getenv(passwordEnv.<String>getValue());
        JdbcSource early = EarlySource.take(source, user, password);
        return early != null ? early : JdbcSource.openSingle(SOURCE_NAME, source, user, password);
    }
}
