package dev.freight.engine;

import dev.freight.testing.ForkedCli;
import dev.freight.testing.TestDatabases;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PDF report at the default row cap (100,000 rows, a few thousand pages) in a JVM capped at 128 MB of heap:
 * if the writer kept the table or the pages in memory, this run would die with OutOfMemoryError.
 */
class PdfConstantMemoryTest {
    private static final long ROWS = 100_000;

    @TempDir
    Path dir;

    @Test
    void aPdfAtTheRowCapRendersIn128MegabytesOfHeap() throws Exception {
        String url = TestDatabases.postgres();
        TestDatabases.execute(url,
                "CREATE TABLE IF NOT EXISTS pdf_big (id bigint PRIMARY KEY, label text, amount numeric(12,2), at timestamptz, flag boolean)",
                "TRUNCATE pdf_big",
                "INSERT INTO pdf_big SELECT g, 'row ' || g || ' with some words to wrap in a narrow column', g / 100.0,"
                        + " timestamptz '2024-01-01' + g * interval '1 second', g % 2 = 0 FROM generate_series(1, " + ROWS + ") g");
        Path out = dir.resolve("big.pdf");
        // The filter makes the up-front row count an exact COUNT rather than planner statistics.
        String output = ForkedCli.run("128m", Duration.ofMinutes(10), "export", "--source", url, "--table", "pdf_big",
                "--format", "pdf", "--where", "id gt 0", "-o", out.toString(), "--progress", "never");
        assertThat(output).contains("Exported 100,000 rows");

        try (PDDocument doc = Loader.loadPDF(out.toFile())) {
            int pages = doc.getNumberOfPages();
            assertThat(pages).isGreaterThan(1000);
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setStartPage(pages);
            stripper.setEndPage(pages);
            String last = stripper.getText(doc);
            assertThat(last).contains("row 100000 with").contains("1000.00").contains("Page " + pages + " of " + pages)
                    .contains("label");
        }
        assertThat(Files.size(out)).isGreaterThan(1_000_000);
    }
}
