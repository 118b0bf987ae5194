package dev.freight.cli;

import dev.freight.error.ProblemCode;
import dev.freight.source.DemoData;
import dev.freight.source.JdbcSource;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** How a command reaches its data: a JDBC URL, the embedded demo, or the sources and datasets of a config file. */
final class SourceOptions {
    @Option(names = "--config", paramLabel = "<file>",
            description = "Export a dataset of this configuration (its sources, datasets, include/exclude patterns).")
    Path config;

    @Option(names = "--source", paramLabel = "<jdbc-url|demo>",
            description = "JDBC URL of the source (jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql:, jdbc:h2:, jdbc:sqlite:) or 'demo'.")
    String source;

    @Option(names = "--demo", description = "Use the built-in demo database (same as --source demo).")
    boolean demo;

    @Option(names = "--user", description = "Database user (or put it in the URL).")
    String user;

    @Option(names = "--password-env", paramLabel = "<NAME>", defaultValue = "FREIGHT_SOURCE_PASSWORD",
            description = "Environment variable holding the database password (default: ${DEFAULT-VALUE}); "
                    + "passwords are never taken on the command line, where other users could see them.")
    String passwordEnv;

    @Option(names = "--data-dir", paramLabel = "<dir>", defaultValue = "${env:FREIGHT_DATA_DIR:-freight-data}",
            description = "Where the demo database lives (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    /**
     * The datasets to export from: one source's tables, or everything a configuration defines. A single source is
     * reached through one connection, no pool: the command runs one export.
     */
    dev.freight.source.SourceRegistry registry() {
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
        boolean useDemo = demo || "demo".equalsIgnoreCase(source);
        if (useDemo) {
            return JdbcSource.openSingle("demo", DemoData.ensureEmbedded(dataDir), "sa", "");
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
        return JdbcSource.openSingle("cli", source, user, System.getenv(passwordEnv));
    }
}
