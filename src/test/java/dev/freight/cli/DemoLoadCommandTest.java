package dev.freight.cli;

import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code freight demo load --target} into PostgreSQL and MariaDB databases that do not exist yet. The names carry
 * this run's id and a dash (so they must be quoted); every database and user a test makes is dropped after it.
 */
class DemoLoadCommandTest {
    private static final String NAME = "freight-demo-" + TestDatabases.runId();
    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void dropWhatTheTestMade() {
        cleanup.forEach(Runnable::run);
    }

    /** e.g. jdbc:postgresql://127.0.0.1:5432/ (the run's server, which may be an embedded one). */
    private static String postgresServer() {
        return TestDatabases.postgres().replaceFirst("/freight_test\\?.*$", "/");
    }

    private static String mariadbServer() {
        return TestDatabases.mariadb().replaceFirst("/freight_[^/?]*\\?.*$", "/");
    }

    private void dropPostgresDatabaseAfter(String database) {
        cleanup.add(() -> TestDatabases.execute(postgresServer() + "postgres?user=postgres",
                "DROP DATABASE IF EXISTS \"" + database + "\""));
    }

    private void dropMariaDbDatabaseAfter(String database) {
        cleanup.add(() -> TestDatabases.execute(mariadbServer() + "?user=root&password=",
                "DROP DATABASE IF EXISTS `" + database + "`"));
    }

    private static long count(String url, String table) throws SQLException {
        try (Connection c = TestDatabases.connect(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void loadIntoAMissingPostgresDatabaseCreatesItAndFillsIt() throws SQLException {
        String database = NAME + "-pg";
        dropPostgresDatabaseAfter(database);
        String target = postgresServer() + database + "?user=postgres";

        Cli.Output run = Cli.capture("demo", "load", "--rows", "50", "--target", target);

        assertThat(run.exit()).as(run.err()).isZero();
        List<String> lines = run.err().lines().toList();
        assertThat(lines).as(run.err()).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("Created database " + target);
        assertThat(lines.get(1)).startsWith("Loaded 50 demo orders in " + target);
        assertThat(count(target, "orders")).isEqualTo(50);
        assertThat(count(target, "customers")).isEqualTo(1_000);
    }

    /**
     * The CLI turns the MariaDB driver's per-error WARN lines off; turned back on, they show whether any statement
     * failed on the way (connecting to the missing database, counting the missing table).
     */
    private static final String DRIVER_ERRORS_LOGGED = "-Dorg.slf4j.simpleLogger.log.org.mariadb.jdbc.message.server.ErrorPacket=warn";

    @Test
    void loadIntoAMissingMariaDbDatabaseCreatesItAndFillsItWithoutAFailedStatement() throws Exception {
        String database = NAME + "-maria";
        dropMariaDbDatabaseAfter(database);
        String target = mariadbServer() + database + "?user=root&password=";

        Forked run = forked(List.of(DRIVER_ERRORS_LOGGED), "demo", "load", "--rows", "50", "--target", target);

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).doesNotContain("WARN");
        assertThat(run.err().lines()).as(run.err()).hasSize(2).first().asString().startsWith("Created database ");
        assertThat(count(target, "orders")).isEqualTo(50);
    }

    @Test
    void loadIntoAMariaDbDatabaseWithoutTheTablesRunsNoFailingStatement() throws Exception {
        String database = NAME + "-empty";
        TestDatabases.execute(mariadbServer() + "?user=root&password=", "CREATE DATABASE `" + database + "`");
        dropMariaDbDatabaseAfter(database);
        String target = mariadbServer() + database + "?user=root&password=";

        Forked run = forked(List.of(DRIVER_ERRORS_LOGGED), "demo", "load", "--rows", "10", "--target", target);

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err().lines()).as(run.err()).singleElement().asString().startsWith("Loaded 10 demo orders");
        assertThat(count(target, "orders")).isEqualTo(10);
    }

    @Test
    void loadingAgainFindsTheRowsAndChangesNothing() {
        String database = NAME + "-again";
        dropPostgresDatabaseAfter(database);
        String target = postgresServer() + database + "?user=postgres";
        assertThat(Cli.capture("demo", "load", "--rows", "20", "--target", target).exit()).isZero();

        Cli.Output again = Cli.capture("demo", "load", "--rows", "20", "--target", target);

        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.err().lines()).singleElement().asString().startsWith("Already had 20 demo orders");
    }

    @Test
    void aPostgresUserWhoMayNotCreateDatabasesIsToldWhatToRun() {
        String role = "freight_nocreate_" + TestDatabases.runId();
        String admin = postgresServer() + "postgres?user=postgres";
        TestDatabases.execute(admin, "CREATE ROLE " + role + " LOGIN NOCREATEDB");
        cleanup.add(() -> TestDatabases.execute(admin, "DROP ROLE IF EXISTS " + role));
        String database = NAME + "-refused";
        dropPostgresDatabaseAfter(database);

        Cli.Output run = Cli.capture("demo", "load", "--rows", "5", "--target", postgresServer() + database + "?user=" + role);

        assertThat(run.exit()).as(run.err()).isEqualTo(Main.EXIT_SOURCE_UNREACHABLE);
        assertThat(run.err().lines()).as(run.err()).singleElement().asString()
                .startsWith("freight: error: database \"" + database + "\" does not exist and user " + role
                        + " may not create it (")
                .endsWith("ask an administrator to run: CREATE DATABASE \"" + database + "\" OWNER \"" + role + "\";");
    }

    @Test
    void aDemoDirectoryThatCannotBeMadeIsOneErrorLineNotAStackTrace(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = java.nio.file.Files.writeString(dir.resolve("not-a-directory"), "");

        Cli.Output run = Cli.capture("demo", "load", "--data-dir", file.resolve("demo").toString());

        assertThat(run.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(run.err().lines()).as(run.err()).singleElement().asString()
                .startsWith("freight: error: cannot create the demo database in " + file.resolve("demo"));
    }

    /** In a JVM of its own, as users run it: the driver's logger is made once per JVM, maybe first by another test. */
    @Test
    void aMariaDbUserWhoMayNotCreateDatabasesIsToldWhatToRunInOneLine() throws Exception {
        String user = "nocreate_" + TestDatabases.runId();
        String server = mariadbServer() + "?user=root&password=";
        TestDatabases.execute(server, "CREATE USER '" + user + "'@'%'");
        cleanup.add(() -> TestDatabases.execute(server, "DROP USER IF EXISTS '" + user + "'@'%'"));
        String database = NAME + "-refused";
        dropMariaDbDatabaseAfter(database);

        Forked run = forked(List.of(), "demo", "load", "--rows", "5", "--target", mariadbServer() + database + "?user=" + user);

        assertThat(run.exit()).as(run.err()).isEqualTo(Main.EXIT_SOURCE_UNREACHABLE);
        assertThat(run.err().lines()).as(run.err()).singleElement().asString()
                .startsWith("freight: error: database `" + database + "` does not exist and user '" + user + "'@'%'"
                        + " may not create it (")
                .endsWith("ask an administrator to run: CREATE DATABASE `" + database + "` CHARACTER SET utf8mb4 "
                        + "COLLATE utf8mb4_bin; GRANT ALL PRIVILEGES ON `" + database + "`.* TO '" + user + "'@'%';");
    }

    record Forked(int exit, String err) {
    }

    private static Forked forked(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.freight.cli.Main"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err;
        try (InputStream in = p.getErrorStream()) {
            err = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        return new Forked(p.exitValue(), err);
    }
}
