package dev.freight.cli;

import dev.freight.source.DemoData;
import dev.freight.source.Dialect;
import dev.freight.testing.ForkedCli;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A one-row export is mostly start-up, and start-up is mostly classes: a CSV export from the command line must not
 * load the pool, the server, the metrics or the libraries of the other formats. Run in a JVM of its own, which
 * lists every class it loads.
 */
class OneShotExportClassesTest {
    private static final Pattern LOADED = Pattern.compile("\\[class,load\\s*] (\\S+) source:");

    @TempDir
    static Path dir;
    private static List<String> loaded;

    @BeforeAll
    static void exportOneRowToCsv() throws Exception {
        String url = TestDatabases.postgres();
        try (Connection c = TestDatabases.connect(url)) {
            DemoData.load(c, Dialect.POSTGRESQL, 100);
        }
        Path out = dir.resolve("one.csv");
        String output = ForkedCli.run(List.of("-verbose:class"), "256m", Duration.ofMinutes(2),
                "export", "--source", url, "--table", "orders", "--limit", "1", "-o", out.toString());
        loaded = LOADED.matcher(output).results().map(m -> m.group(1)).toList();
        assertThat(Files.readAllLines(out)).hasSize(2);
    }

    @Test
    void theClassListIsRead() {
        assertThat(loaded).contains("dev.freight.cli.ExportCommand", "dev.freight.format.csv.CsvFormatWriter");
    }

    @Test
    void noPoolIsStarted() {
        assertThat(loaded).noneMatch(c -> c.startsWith("com.zaxxer.hikari."));
    }

    @Test
    void noOtherCommandIsBuilt() {
        assertThat(loaded).doesNotContain("dev.freight.cli.NodeOptions", "dev.freight.cli.FreightRuntime",
                "dev.freight.cli.KeysCommand$Create", "dev.freight.cli.DemoCommand$Load");
    }

    @Test
    void neitherTheServerNorMetricsNorTheJobStoreAreLoaded() {
        assertThat(loaded).noneMatch(c -> c.startsWith("io.javalin.") || c.startsWith("org.eclipse.jetty.")
                || c.startsWith("io.micrometer.") || c.startsWith("org.flywaydb.") || c.startsWith("dev.freight.http.")
                || c.startsWith("dev.freight.job."));
    }

    @Test
    void theOtherFormatsLibrariesAreNotLoaded() {
        assertThat(loaded).noneMatch(c -> c.startsWith("org.apache.parquet.") || c.startsWith("org.apache.hadoop.")
                || c.startsWith("shaded.parquet.") || c.startsWith("org.dhatim.fastexcel.")
                || c.startsWith("com.github.rzymek.") || c.startsWith("com.fasterxml.jackson.databind."));
    }
}
