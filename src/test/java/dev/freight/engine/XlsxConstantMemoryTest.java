package dev.freight.engine;

import dev.freight.testing.ForkedCli;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two million rows to XLSX in a JVM capped at 128 MB of heap, through the CLI as a user runs it: a DOM workbook,
 * a shared-string table or unflushed rows would die with OutOfMemoryError long before the end.
 */
@Tag("slow")
class XlsxConstantMemoryTest {
    private static final long ROWS = 2_000_000;
    private static final long PER_SHEET = 1_048_575;

    @TempDir
    Path dir;

    @Test
    void postgresXlsxOfTwoMillionRowsRunsIn128MegabytesOfHeap() throws Exception {
        String url = TestDatabases.postgres();
        TestDatabases.execute(url,
                "CREATE TABLE IF NOT EXISTS xlsx_big (id bigint PRIMARY KEY, label text, amount numeric(12,2), at timestamptz, flag boolean)",
                "TRUNCATE xlsx_big",
                "INSERT INTO xlsx_big SELECT g, 'row ' || g || ', \"quoted\"', g / 100.0, timestamptz '2024-01-01' + g * interval '1 second', g % 2 = 0"
                        + " FROM generate_series(1, " + ROWS + ") g");
        Path out = dir.resolve("big.xlsx");
        String output = ForkedCli.run("128m", Duration.ofMinutes(5), "export", "--source", url, "--table", "xlsx_big",
                "--format", "xlsx", "-o", out.toString(), "--progress", "never");
        assertThat(output).contains("Exported 2,000,000 rows");

        try (ZipFile zip = new ZipFile(out.toFile())) {
            assertThat(zip.getEntry("xl/worksheets/sheet3.xml")).isNull();
            assertThat(rowCount(zip, zip.getEntry("xl/worksheets/sheet1.xml"))).isEqualTo(PER_SHEET + 1);
            assertThat(rowCount(zip, zip.getEntry("xl/worksheets/sheet2.xml"))).isEqualTo(ROWS - PER_SHEET + 1);
        }
    }

    /** Counts {@code <row } elements while streaming the sheet XML. */
    private static long rowCount(ZipFile zip, ZipEntry entry) throws IOException {
        assertThat(entry).isNotNull();
        byte[] tag = "<row ".getBytes(StandardCharsets.US_ASCII);
        long count = 0;
        int matched = 0;
        try (InputStream in = new java.io.BufferedInputStream(zip.getInputStream(entry), 1 << 16)) {
            int b;
            while ((b = in.read()) >= 0) {
                if (b == tag[matched]) {
                    if (++matched == tag.length) {
                        count++;
                        matched = 0;
                    }
                } else {
                    matched = b == tag[0] ? 1 : 0;
                }
            }
        }
        return count;
    }
}
