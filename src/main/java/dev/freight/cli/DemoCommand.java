package dev.freight.cli;

import dev.freight.source.DatabaseCreator;
import dev.freight.source.DemoData;
import dev.freight.source.Dialect;
import dev.freight.source.JdbcSource;
import dev.freight.source.SourceUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/** {@code freight demo load}: fills a database with the demo dataset, for trying Freight out and for benchmarks. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Work with the built-in demo dataset.",
        subcommands = DemoCommand.Load.class)
final class DemoCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "Create and fill the demo tables orders and customers in a database (or the embedded demo). "
                    + "A PostgreSQL or MariaDB database that does not exist yet is created when the user may.")
    static final class Load implements Callable<Integer> {
        @Option(names = "--target", paramLabel = "<jdbc-url>", description = "Database to fill (default: the embedded demo).")
        String target;

        @Option(names = "--user", description = "Database user.")
        String user;

        @Option(names = "--password-env", paramLabel = "<NAME>", defaultValue = "FREIGHT_SOURCE_PASSWORD",
                description = "Environment variable holding the password (default: ${DEFAULT-VALUE}).")
        String passwordEnv;

        @Option(names = "--rows", defaultValue = "100000", description = "Rows of orders (default: ${DEFAULT-VALUE}).")
        long rows;

        @Option(names = "--data-dir", defaultValue = "${env:FREIGHT_DATA_DIR:-freight-data}", description = "Demo data directory.")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            if (rows < 1) {
                System.err.println("freight: error: --rows must be at least 1");
                return Main.EXIT_BAD_INPUT;
            }
            if (target == null) {
                System.err.println("Demo database ready: " + DemoData.ensureEmbedded(dataDir));
                return Main.EXIT_OK;
            }
            Dialect dialect;
            try {
                dialect = Dialect.fromJdbcUrl(target);
            } catch (IllegalArgumentException e) {
                System.err.println("freight: error: " + e.getMessage());
                return Main.EXIT_BAD_INPUT;
            }
            String password = System.getenv(passwordEnv);
            try {
                if (DatabaseCreator.ensureExists(target, user, password) == DatabaseCreator.Outcome.CREATED) {
                    System.err.println("Created database " + JdbcSource.redact(target));
                }
                try (JdbcSource source = JdbcSource.open("target", target, user, password, 1);
                     Connection c = source.connection()) {
                    long start = System.nanoTime();
                    boolean wrote = DemoData.load(c, dialect, rows);
                    System.err.printf("%s %,d demo orders in %s (%.1f s)%n", wrote ? "Loaded" : "Already had", rows,
                            JdbcSource.redact(target), (System.nanoTime() - start) / 1e9);
                    return Main.EXIT_OK;
                }
            } catch (SourceUnavailableException e) {
                System.err.println("freight: error: " + DatabaseCreator.explain(target, e));
                return Main.EXIT_SOURCE_UNREACHABLE;
            } catch (SQLException e) {
                // Without this picocli would print the stack trace: an error is one line.
                System.err.println("freight: error: cannot load the demo data into " + JdbcSource.redact(target) + ": "
                        + String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\R\\s*", "; "));
                return Main.EXIT_FAILURE;
            }
        }
    }
}
