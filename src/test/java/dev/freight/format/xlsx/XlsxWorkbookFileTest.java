package dev.freight.format.xlsx;

import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.format.WriterContext;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.usermodel.XSSFCell;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The XLSX file itself, written by the writer alone (no database) and read back with readers Freight does not use
 * for writing: Apache POI for cells, {@code java.util.zip} for the package. What a spreadsheet shows must be what
 * the database held, and the package must read the same whether a reader trusts its local headers (streaming) or
 * its central directory.
 */
class XlsxWorkbookFileTest {
    private static final List<Column> COLUMNS = List.of(
            new Column("id", ColumnType.INTEGER, "bigint", Types.BIGINT, false, 19, 0),
            new Column("label", ColumnType.STRING, "text", Types.VARCHAR, true, 0, 0),
            new Column("note", ColumnType.STRING, "text", Types.VARCHAR, true, 0, 0));
    private static final Instant GENERATED = Instant.parse("2024-05-17T10:20:30Z");

    @TempDir
    Path dir;

    // ------------------------------------------------------------------------------------------ cells

    @Test
    void textThatLooksLikeAFormulaIsWrittenVerbatimAsATextCell() throws IOException {
        List<String> texts = List.of("=SUM(A1:A2)", "@support please call", "+1 (555) 010-0199",
                "-discounted floor model", "\tTab first", "=HYPERLINK(\"http://example.com\",\"click\")");
        byte[] xlsx = write(Map.of(), labels("id", "label", "note"), rowsWithLabels(texts));

        try (XSSFWorkbook wb = read(xlsx)) {
            XSSFSheet sheet = wb.getSheetAt(0);
            for (int i = 0; i < texts.size(); i++) {
                XSSFCell cell = sheet.getRow(i + 1).getCell(1);
                assertThat(cell.getCellType()).as(texts.get(i)).isEqualTo(CellType.STRING);
                assertThat(cell.getStringCellValue()).isEqualTo(texts.get(i));
            }
        }
        assertThat(sheetXml(xlsx, 1)).doesNotContain("<f>").doesNotContain("<f ");
    }

    @Test
    void headerLabelsThatLookLikeFormulasAreWrittenVerbatim() throws IOException {
        byte[] xlsx = write(Map.of(), labels("id", "=Amount", "@who"), rowsWithLabels(List.of("x")));

        try (XSSFWorkbook wb = read(xlsx)) {
            assertThat(wb.getSheetAt(0).getRow(0).getCell(1).getStringCellValue()).isEqualTo("=Amount");
            assertThat(wb.getSheetAt(0).getRow(0).getCell(2).getStringCellValue()).isEqualTo("@who");
        }
    }

    @Test
    void sanitizeFormulasIsStillAcceptedForXlsxAndChangesNothing() throws IOException {
        byte[] xlsx = write(Map.of("sanitize_formulas", true), labels("id", "label", "note"),
                rowsWithLabels(List.of("=1+1")));

        try (XSSFWorkbook wb = read(xlsx)) {
            assertThat(wb.getSheetAt(0).getRow(1).getCell(1).getStringCellValue()).isEqualTo("=1+1");
        }
    }

    /** OOXML reads {@code _xHHHH_} in a string as an escaped character: text that happens to look like one must survive. */
    @Test
    void textLookingLikeAnOoxmlCharacterEscapeIsReadBackUnchanged() throws IOException {
        List<String> texts = List.of("_x0041_", "file_x000D_name", "a_x005F_b", "_x12", "snake_case_x");
        byte[] xlsx = write(Map.of(), labels("id", "label", "note"), rowsWithLabels(texts));

        try (XSSFWorkbook wb = read(xlsx)) {
            for (int i = 0; i < texts.size(); i++) {
                assertThat(wb.getSheetAt(0).getRow(i + 1).getCell(1).getStringCellValue()).isEqualTo(texts.get(i));
            }
        }
    }

    /** XML 1.0 cannot carry most control characters; OOXML's {@code _xHHHH_} escape can, so none is lost. */
    @Test
    void controlCharactersInTextAreKept() throws IOException {
        List<String> texts = List.of("bell\u0007here", "form\ffeed", "nul\u0000byte", "tab\tand\r\nCRLF");
        byte[] xlsx = write(Map.of(), labels("id", "label", "note"), rowsWithLabels(texts));

        try (XSSFWorkbook wb = read(xlsx)) {
            for (int i = 0; i < texts.size(); i++) {
                assertThat(wb.getSheetAt(0).getRow(i + 1).getCell(1).getStringCellValue()).isEqualTo(texts.get(i));
            }
        }
    }

    // ------------------------------------------------------------------------------------------ sheet XML

    /**
     * Readers that trust {@code <dimension>} (openpyxl in read-only mode, the mode its documentation recommends for
     * large files) read only the range it declares: it must cover every row and column written, or be absent.
     */
    @Test
    void noSheetDeclaresADimensionSmallerThanItsData() throws IOException {
        List<Object[]> rows = new ArrayList<>();
        for (long i = 1; i <= 2_500; i++) rows.add(new Object[]{i, "label " + i, "note " + i});
        byte[] xlsx = write(Map.of(), labels("id", "label", "note"), rows, 1_000);

        try (XSSFWorkbook wb = read(xlsx)) {
            assertThat(wb.getNumberOfSheets()).isEqualTo(3);
            for (int s = 0; s < wb.getNumberOfSheets(); s++) {
                XSSFSheet sheet = wb.getSheetAt(s);
                int lastRow = sheet.getLastRowNum();
                assertThat(lastRow).isGreaterThan(0);
                if (sheet.getCTWorksheet().isSetDimension()) {
                    CellRangeAddress declared = CellRangeAddress.valueOf(sheet.getCTWorksheet().getDimension().getRef());
                    assertThat(declared.getFirstRow()).as("sheet %d", s + 1).isZero();
                    assertThat(declared.getLastRow()).as("sheet %d", s + 1).isEqualTo(lastRow);
                    assertThat(declared.getLastColumn()).as("sheet %d", s + 1).isEqualTo(COLUMNS.size() - 1);
                }
            }
        }
        for (int s = 1; s <= 3; s++) assertThat(sheetXml(xlsx, s)).doesNotContain("<dimension ref=\"A1\"/>");
    }

    // ------------------------------------------------------------------------------------------ zip package

    /** A streaming reader trusts the local headers and data descriptors; it must read what the central directory lists. */
    @Test
    void aStreamingZipReaderReadsEveryEntryTheCentralDirectoryLists() throws IOException {
        byte[] xlsx = write(Map.of(), labels("id", "label", "note"), rowsWithLabels(Collections.nCopies(3_000, "text")));
        Map<String, Long> listed = centralDirectory(xlsx);

        Map<String, Long> streamed = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(xlsx))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                streamed.put(e.getName(), zip.transferTo(OutputStream.nullOutputStream()));
            }
        }

        assertThat(streamed).isEqualTo(listed);
        assertThat(listed).containsKey("xl/worksheets/sheet1.xml");
    }

    @Test
    void entriesAreDatedWithTheExportTimeInItsTimeZone() throws IOException {
        byte[] xlsx = write(Map.of("time_zone", "Europe/Paris"), labels("id", "label", "note"),
                rowsWithLabels(List.of("x")));
        LocalDateTime expected = LocalDateTime.ofInstant(GENERATED, ZoneId.of("Europe/Paris"));

        Path file = Files.write(dir.resolve("dated.xlsx"), xlsx);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertThat(zip.stream().map(ZipEntry::getTimeLocal)).isNotEmpty().containsOnly(expected);
        }
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(xlsx))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                assertThat(e.getTimeLocal()).as(e.getName()).isEqualTo(expected);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static List<String> labels(String... labels) {
        return List.of(labels);
    }

    private static List<Object[]> rowsWithLabels(List<String> texts) {
        List<Object[]> rows = new ArrayList<>();
        long id = 1;
        for (String t : texts) rows.add(new Object[]{id++, t, null});
        return rows;
    }

    private static byte[] write(Map<String, Object> options, List<String> labels, List<Object[]> rows) throws IOException {
        return write(options, labels, rows, XlsxFormatWriter.MAX_DATA_ROWS);
    }

    private static byte[] write(Map<String, Object> options, List<String> labels, List<Object[]> rows,
                                int rowsPerSheet) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        XlsxFormatWriter writer = new XlsxFormatWriter(out, COLUMNS, labels,
                FormatOptions.parse(ExportFormat.XLSX, options),
                new WriterContext("orders", "", GENERATED, null), rowsPerSheet);
        writer.begin();
        for (Object[] row : rows) writer.writeRow(row.clone());
        writer.finish();
        return out.toByteArray();
    }

    private static XSSFWorkbook read(byte[] xlsx) throws IOException {
        return new XSSFWorkbook(new ByteArrayInputStream(xlsx));
    }

    private String sheetXml(byte[] xlsx, int sheet) throws IOException {
        Path file = Files.write(Files.createTempFile(dir, "sheet", ".xlsx"), xlsx);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry("xl/worksheets/sheet" + sheet + ".xml");
            assertThat(entry).as("sheet %d", sheet).isNotNull();
            return new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Map<String, Long> centralDirectory(byte[] xlsx) throws IOException {
        Path file = Files.write(Files.createTempFile(dir, "listed", ".xlsx"), xlsx);
        Map<String, Long> sizes = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            zip.stream().forEach(e -> sizes.put(e.getName(), e.getSize()));
        }
        return sizes;
    }
}
