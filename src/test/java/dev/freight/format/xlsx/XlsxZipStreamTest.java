package dev.freight.format.xlsx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The XLSX zip container on its own. Entries past 4 GiB cannot be written in a unit test, so the ZIP64 limit is
 * lowered to a few bytes: every size and offset at or above it must then go through ZIP64 fields, which
 * {@link ZipFile} (an independent reader of the central directory) must resolve to the real values.
 */
class XlsxZipStreamTest {
    private static final LocalDateTime TIME = LocalDateTime.of(2024, 5, 17, 10, 20, 30);

    @TempDir
    Path dir;

    @Test
    void sizesAndOffsetsPastTheZip64LimitReadBackThroughZip64Fields() throws IOException {
        Map<String, String> contents = new LinkedHashMap<>();
        contents.put("xl/worksheets/sheet1.xml", "<worksheet>" + "<row/>".repeat(2_000) + "</worksheet>");
        contents.put("small.xml", "<a/>");
        contents.put("docProps/app.xml", "x".repeat(5_000));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XlsxZipStream zip = new XlsxZipStream(out, TIME, 64)) {
            for (Map.Entry<String, String> e : contents.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }

        Path file = Files.write(dir.resolve("zip64.zip"), out.toByteArray());
        Map<String, String> read = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            zip.stream().forEach(e -> {
                try {
                    String text = new String(zip.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(e.getSize()).as(e.getName()).isEqualTo(text.length());
                    assertThat(e.getTimeLocal()).isEqualTo(TIME);
                    read.put(e.getName(), text);
                } catch (IOException x) {
                    throw new AssertionError(x);
                }
            });
        }
        assertThat(read).isEqualTo(contents);
    }

    @Test
    void theWorksheetsConstantSingleCellDimensionIsLeftOut() throws IOException {
        String prologue = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet><sheetPr/><dimension ref=\"A1\"/>"
                + "<sheetViews/><sheetData>";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XlsxZipStream zip = new XlsxZipStream(out, TIME)) {
            zip.putNextEntry(new ZipEntry("xl/worksheets/sheet1.xml"));
            zip.write(prologue.getBytes(StandardCharsets.UTF_8));
            zip.write("<row r=\"1\"/></sheetData></worksheet>".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }

        Path file = Files.write(dir.resolve("sheet.zip"), out.toByteArray());
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String xml = new String(zip.getInputStream(zip.getEntry("xl/worksheets/sheet1.xml")).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(xml).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet><sheetPr/><sheetViews/>"
                    + "<sheetData><row r=\"1\"/></sheetData></worksheet>");
        }
    }
}
