package dev.freight.engine;

import dev.freight.testing.ForkedCli;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exports of two million rows in a JVM capped at 64 MB of heap: if any layer buffered the result set (driver,
 * engine, writer), these runs would die with OutOfMemoryError long before the end.
 */
class ConstantMemoryTest {
    private static final long ROWS = 2_000_000;

    @TempDir
    Path dir;
    /** What the last forked export printed: its summary names the path it took. */
    private String lastSummary;

    @BeforeAll
    static void createBigTables() {
        TestDatabases.execute(TestDatabases.postgres(),
                "CREATE TABLE IF NOT EXISTS big (id bigint PRIMARY KEY, label text, amount numeric(12,2), at timestamptz, flag boolean)",
                "TRUNCATE big",
                "INSERT INTO big SELECT g, 'row ' || g || ', \"quoted\"', g / 100.0, timestamptz '2024-01-01' + g * interval '1 second', g % 2 = 0"
                        + " FROM generate_series(1, " + ROWS + ") g");
    }

    @Test
    void postgresCsvThroughTheJdbcCursorRunsIn64MegabytesOfHeap() throws Exception {
        // A list of more values than COPY takes as settings (256) keeps PostgreSQL on the cursor path.
        String notIn = java.util.stream.LongStream.rangeClosed(-300, -1).mapToObj(Long::toString)
                .collect(java.util.stream.Collectors.joining(","));
        Path out = export(TestDatabases.postgres(), "csv", "--where", "id not_in " + notIn);
        assertThat(lineCount(out)).isEqualTo(ROWS + 1);
        assertThat(lastSummary).doesNotContain("COPY");
    }

    @Test
    void postgresJsonArrayRunsIn64MegabytesOfHeap() throws Exception {
        Path out = export(TestDatabases.postgres(), "json", "--where", "id gt 0");
        assertThat(Files.size(out)).isGreaterThan(ROWS * 50);
        assertThat(tail(out)).endsWith("}]");
    }

    @Test
    void postgresCopyFastPathRunsIn64MegabytesOfHeap() throws Exception {
        Path out = export(TestDatabases.postgres(), "csv");
        assertThat(lineCount(out)).isEqualTo(ROWS + 1);
    }

    /** The compressing thread holds a fixed number of blocks, however far the formatting thread runs ahead. */
    @Test
    void postgresGzipCsvRunsIn64MegabytesOfHeap() throws Exception {
        Path out = export(TestDatabases.postgres(), "csv", "--gzip");
        try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                new java.util.zip.GZIPInputStream(Files.newInputStream(out)), StandardCharsets.UTF_8))) {
            assertThat(lines.lines().count()).isEqualTo(ROWS + 1);
        }
    }

    @Test
    void postgresBinaryCopyRunsIn64MegabytesOfHeap() throws Exception {
        Path out = export(TestDatabases.postgres(), "ndjson", "--sort", "id");
        assertThat(lineCount(out)).isEqualTo(ROWS);
        assertThat(lastSummary).contains("[PostgreSQL binary COPY]");
    }

    @Test
    void mariadbStreamingResultSetRunsIn64MegabytesOfHeap() throws Exception {
        Path out = export(mariadbBig(), "ndjson");
        assertThat(lineCount(out)).isEqualTo(ROWS);
    }

    @Test
    void mariadbTextRowsCsvRunsIn64MegabytesOfHeap() throws Exception {
        Path out = export(mariadbBig(), "csv");
        assertThat(lineCount(out)).isEqualTo(ROWS + 1);
        assertThat(lastSummary).contains("[MariaDB text rows]");
    }

    private static boolean mariadbLoaded;

    private static synchronized String mariadbBig() {
        String url = TestDatabases.mariadb();
        if (!mariadbLoaded) {
            TestDatabases.execute(url,
                    "CREATE TABLE IF NOT EXISTS big (id bigint PRIMARY KEY, label text, amount decimal(12,2), flag boolean)",
                    "TRUNCATE big",
                    "INSERT INTO big SELECT seq, CONCAT('row ', seq, ', \"quoted\"'), seq / 100, seq % 2 = 0 FROM seq_1_to_" + ROWS);
            mariadbLoaded = true;
        }
        return url;
    }

    private Path export(String url, String format, String... extra) throws IOException, InterruptedException {
        Path out = dir.resolve("big." + format);
        List<String> args = new ArrayList<>(List.of("export", "--source", url, "--table", "big", "--format", format,
                "-o", out.toString(), "--progress", "never"));
        args.addAll(List.of(extra));
        String output = ForkedCli.run("64m", Duration.ofMinutes(5), args.toArray(String[]::new));
        assertThat(output).contains("Exported 2,000,000 rows");
        lastSummary = output;
        return out;
    }

    private static long lineCount(Path file) throws IOException {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        }
    }

    private static String tail(Path file) throws IOException {
        try (var channel = Files.newByteChannel(file)) {
            long size = channel.size();
            var buffer = java.nio.ByteBuffer.allocate(16);
            channel.position(size - 16);
            channel.read(buffer);
            return new String(buffer.array(), StandardCharsets.UTF_8).trim();
        }
    }
}
