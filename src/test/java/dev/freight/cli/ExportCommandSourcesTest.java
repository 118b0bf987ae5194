package dev.freight.cli;

import dev.freight.source.DemoData;
import dev.freight.source.Dialect;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code freight export} against real PostgreSQL and MariaDB URLs: exports that work, sources that cannot be
 * reached (exit 3), and an export that breaks halfway, which must leave neither the file nor its .part behind.
 */
class ExportCommandSourcesTest {
    private static final int ROWS = 2_000;
    /** Rows before the PostgreSQL view raises: beyond the first fetch of 10,000, so bytes are already written. */
    private static final int FAIL_AT = 15_000;

    @TempDir
    Path dir;

    @BeforeAll
    static void demoTablesAndAnExplodingView() throws SQLException {
        String pg = TestDatabases.postgres();
        try (Connection c = TestDatabases.connect(pg)) {
            DemoData.load(c, Dialect.POSTGRESQL, ROWS);
        }
        TestDatabases.execute(pg,
                "CREATE OR REPLACE FUNCTION unreadable_at(n int, at int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN "
                        + "IF n = at THEN RAISE EXCEPTION 'row % is unreadable', n USING DETAIL = 'a detail line', "
                        + "HINT = 'a hint line'; END IF; RETURN n; END $$",
                "CREATE OR REPLACE VIEW exploding AS SELECT unreadable_at(n, " + FAIL_AT + ") AS n, "
                        + "repeat('x', 100) AS pad FROM generate_series(1, 20000) AS n");
    }

    private static long demoCount(java.util.function.Predicate<Object[]> p) {
        return LongStream.rangeClosed(1, ROWS).mapToObj(DemoData::order).filter(p).count();
    }

    private List<String> files() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).toList();
        }
    }

    // ---- real sources ------------------------------------------------------------------------------------------

    @Test
    void exportsFromAPostgresqlUrlThroughCopy() throws IOException {
        Path out = dir.resolve("o.csv");
        Cli.Run run = Cli.freight("export", "--source", TestDatabases.postgres(), "--table", "orders", "-o", out.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.lines()).singleElement().asString().startsWith("Exported 2,000 rows").endsWith("[PostgreSQL COPY]");
        assertThat(Files.readAllLines(out).get(0)).isEqualTo("id,customer_id,sku,description,quantity,unit_price,discount,status,created_at,shipped");
    }

    @Test
    void exportsFilteredRowsFromAPostgresqlUrl() throws IOException {
        Path out = dir.resolve("o.ndjson");
        Cli.Run run = Cli.freight("export", "--source", TestDatabases.postgres(), "--table", "orders", "--where",
                "status eq refunded", "--format", "ndjson", "-o", out.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(Files.readAllLines(out)).hasSize((int) demoCount(r -> r[7].equals("refunded")));
    }

    @Test
    void exportsFilteredRowsFromAMariadbUrl() throws Exception {
        String url = TestDatabases.mariadb();
        try (Connection c = TestDatabases.connect(url)) {
            DemoData.load(c, Dialect.MARIADB, ROWS);
        }
        Path out = dir.resolve("o.ndjson");
        Cli.Run run = Cli.freight("export", "--source", url, "--table", "orders", "--where", "shipped eq true",
                "--where", "discount is_null", "--format", "ndjson", "-o", out.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.lines()).singleElement().asString().startsWith("Exported ");
        assertThat(Files.readAllLines(out)).hasSize((int) demoCount(r -> (Boolean) r[9] && r[6] == null))
                .allSatisfy(line -> assertThat(line).contains("\"shipped\":true").contains("\"discount\":null"));
    }

    /** jdbc:mysql: is advertised as a source scheme; the MariaDB driver only takes it when told to. */
    @Test
    void mysqlSchemeUrlIsServedByTheMariadbDriver() throws Exception {
        String url = TestDatabases.mariadb();
        try (Connection c = TestDatabases.connect(url)) {
            DemoData.load(c, Dialect.MARIADB, ROWS);
        }
        Path out = dir.resolve("o.csv");
        Cli.Run run = Cli.freight("export", "--source", url.replace("jdbc:mariadb:", "jdbc:mysql:"), "--table", "orders",
                "--limit", "10", "-o", out.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(Files.readAllLines(out)).hasSize(11);
    }

    // ---- unreachable -------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdbc:postgresql://127.0.0.1:1/x", "jdbc:mariadb://127.0.0.1:1/x", "jdbc:mysql://127.0.0.1:1/x"})
    void unreachableSourceExitsThreeWithOneLineAndNoFile(String url) throws IOException {
        Path out = dir.resolve("o.csv");
        Cli.Run run = Cli.freight("export", "--source", url, "--table", "orders", "-o", out.toString());
        assertThat(run.exit()).as(run.toString()).isEqualTo(Main.EXIT_SOURCE_UNREACHABLE);
        assertThat(run.lines()).as(run.toString()).singleElement().asString()
                .startsWith("freight: error: cannot connect to source").contains("127.0.0.1:1");
        assertThat(run.stderr()).doesNotContain("at dev.freight").doesNotContain("at com.zaxxer");
        assertThat(files()).isEmpty();
    }

    @Test
    void passwordInTheUrlIsNotEchoedWhenTheSourceIsUnreachable() {
        Cli.Run run = Cli.freight("export", "--source", "jdbc:postgresql://127.0.0.1:1/x?user=u&password=hunter2",
                "--table", "orders", "-o", dir.resolve("o.csv").toString());
        assertThat(run.exit()).isEqualTo(Main.EXIT_SOURCE_UNREACHABLE);
        assertThat(run.stderr()).doesNotContain("hunter2").contains("password=***");
    }

    // ---- failing halfway ---------------------------------------------------------------------------------------

    /** csv takes PostgreSQL's COPY path, ndjson the JDBC cursor: both must clean up after a failure mid-stream. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"csv", "ndjson"})
    void exportThatFailsMidStreamLeavesNeitherFileNorPart(String format) throws IOException {
        Path out = dir.resolve("o." + format);
        Cli.Run run = Cli.freight("export", "--source", TestDatabases.postgres(), "--table", "exploding", "--format",
                format, "-o", out.toString());
        assertThat(run.exit()).as(run.toString()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(run.lines()).as(run.toString()).singleElement().asString()
                .startsWith("freight: error: ").contains("row " + FAIL_AT + " is unreadable");
        assertThat(run.stderr()).doesNotContain("at dev.freight");
        assertThat(files()).isEmpty();
    }

    @Test
    void exportThatFailsMidStreamLeavesAnEarlierFileUntouched() throws IOException {
        Path out = dir.resolve("o.ndjson");
        Files.writeString(out, "yesterday's export\n");
        Cli.Run run = Cli.freight("export", "--source", TestDatabases.postgres(), "--table", "exploding", "--format",
                "ndjson", "-o", out.toString());
        assertThat(run.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(Files.readString(out)).isEqualTo("yesterday's export\n");
        assertThat(files()).containsExactly("o.ndjson");
    }

    /** PostgreSQL puts DETAIL, HINT and WHERE on lines of their own; the CLI still prints one line, all of it. */
    @Test
    void multiLineDatabaseErrorIsPrintedAsOneLine() {
        Cli.Run run = Cli.freight("export", "--source", TestDatabases.postgres(), "--table", "exploding", "--format",
                "ndjson", "-o", dir.resolve("o.ndjson").toString());
        assertThat(run.lines()).singleElement().asString().contains("a detail line").contains("a hint line");
    }

    @Test
    void verboseShowsTheCauseOfAMidStreamFailure() {
        Cli.Run run = Cli.freight("export", "--source", TestDatabases.postgres(), "--table", "exploding", "--format",
                "ndjson", "--verbose", "-o", dir.resolve("o.ndjson").toString());
        assertThat(run.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(run.stderr()).contains("at dev.freight.engine").contains("PSQLException");
    }
}
