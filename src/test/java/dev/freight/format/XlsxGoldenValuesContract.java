package dev.freight.format;

import dev.freight.format.GoldenValuesContract.Kind;
import dev.freight.query.ExportRequest;
import dev.freight.query.SortKey;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.util.PaneInformation;
import org.apache.poi.xssf.usermodel.XSSFCell;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static dev.freight.format.GoldenValuesContract.ALL_NULL;
import static dev.freight.format.GoldenValuesContract.COLUMNS;
import static dev.freight.format.GoldenValuesContract.COMMA;
import static dev.freight.format.GoldenValuesContract.EQUALS;
import static dev.freight.format.GoldenValuesContract.MINUS;
import static dev.freight.format.GoldenValuesContract.PLAIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The golden table exported as XLSX and read back with Apache POI (which Freight does not use for writing), cell
 * by cell against the rows selected straight from the database through plain JDBC. The table, its DDL and the
 * per-database JDBC quirks come from the database's {@link GoldenValuesContract} subclass, used as a delegate.
 * <p>
 * Expected cells, written out here independently of the writer: integers within ±(2^53-1) and decimals with at
 * most 15 significant digits are NUMERIC (decimals with a "0.00…" format of their scale), beyond that exact text;
 * dates and timestamps are date-formatted numbers (instants as wall-clock time in the export zone); booleans are
 * BOOLEAN; text is STRING holding exactly the database's text (never neutralised: an XLSX text cell is never a
 * formula); binary is base64; NULL is blank.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class XlsxGoldenValuesContract {
    private static final long MAX_EXACT = (1L << 53) - 1;

    protected GoldenValuesContract golden;
    private JdbcSource source;
    private List<Object[]> databaseRows;

    /** The database's golden-value suite, whose table definition and JDBC quirks this suite reuses. */
    protected abstract GoldenValuesContract golden();

    @BeforeAll
    void createGoldenTable() throws SQLException {
        golden = golden();
        golden.createAndFillGoldenTable();
        source = golden.source;
        databaseRows = selectStraightFromDatabase();
    }

    @AfterAll
    void close() {
        if (golden != null) golden.closeSource();
    }

    // ------------------------------------------------------------------------------------------ round trips

    @Test
    void roundTripEqualsDatabaseRows() {
        ExportRunner.Output out = export(Map.of());

        assertThat(out.result().rows()).isEqualTo(databaseRows.size());
        try (XSSFWorkbook wb = read(out)) {
            assertThat(wb.getNumberOfSheets()).isEqualTo(1);
            assertThat(wb.getSheetName(0)).isEqualTo("golden");
            assertMatchesDatabase(wb.getSheetAt(0), ZoneOffset.UTC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Europe/Paris", "America/New_York"})
    void instantsAreTheWallClockTimeInTheExportTimeZone(String zone) {
        try (XSSFWorkbook wb = read(export(Map.of("time_zone", zone)))) {
            assertMatchesDatabase(wb.getSheetAt(0), ZoneId.of(zone));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void formulaLookingTextIsTheDatabaseTextInAStringCellNeverAFormula() {
        try (XSSFWorkbook wb = read(export(Map.of()))) {
            XSSFSheet sheet = wb.getSheetAt(0);
            Cell label = cell(sheet, EQUALS, "label");
            assertThat(label.getCellType()).isEqualTo(CellType.STRING);
            assertThat(label.getStringCellValue()).isEqualTo("=SUM(A1:A2)");
            assertThat(cell(sheet, MINUS, "label").getStringCellValue()).isEqualTo("-5.25");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "formatting is opt-in … never the typed XLSX values": the presentation options leave typed cells alone. */
    @Test
    void presentationOptionsNeverChangeTypedCells() {
        Map<String, Object> options = Map.of("number_locale", "de-DE", "bool_text", "ja,nein",
                "date_format", "dd.MM.yyyy", "timestamp_format", "dd.MM.yyyy HH:mm");
        try (XSSFWorkbook wb = read(export(options))) {
            assertMatchesDatabase(wb.getSheetAt(0), ZoneOffset.UTC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------ pinned cells

    @Test
    void pinnedCellsHaveTheDocumentedTypesAndFormats() {
        try (XSSFWorkbook wb = read(export(Map.of()))) {
            XSSFSheet sheet = wb.getSheetAt(0);
            // Beyond 2^53 an Excel number would round: exact text instead.
            assertThat(cell(sheet, PLAIN, "quantity").getCellType()).isEqualTo(CellType.STRING);
            assertThat(cell(sheet, PLAIN, "quantity").getStringCellValue()).isEqualTo("9223372036854775807");
            assertThat(cell(sheet, COMMA, "quantity").getStringCellValue()).isEqualTo("-9223372036854775808");
            assertThat(cell(sheet, MINUS, "quantity").getNumericCellValue()).isEqualTo(-5.0);
            // 20 significant digits: text; 12345678.90 is a number shown with its two decimals.
            assertThat(cell(sheet, COMMA, "fine").getStringCellValue()).isEqualTo("1234567890.0123456789");
            XSSFCell amount = cell(sheet, PLAIN, "amount");
            assertThat(amount.getCellType()).isEqualTo(CellType.NUMERIC);
            assertThat(amount.getNumericCellValue()).isEqualTo(12345678.90);
            assertThat(amount.getCellStyle().getDataFormatString()).isEqualTo("0.00");
            assertThat(cell(sheet, PLAIN, "fine").getCellStyle().getDataFormatString()).isEqualTo("0.0000000000");
            // A negative number stays a number; the same characters as text stay that text.
            assertThat(cell(sheet, MINUS, "amount").getNumericCellValue()).isEqualTo(-5.25);
            assertThat(cell(sheet, MINUS, "label").getCellType()).isEqualTo(CellType.STRING);
            assertThat(cell(sheet, MINUS, "label").getStringCellValue()).isEqualTo("-5.25");
            assertThat(cell(sheet, EQUALS, "label").getStringCellValue()).isEqualTo("=SUM(A1:A2)");
            // Dates with an ISO-like display format.
            XSSFCell day = cell(sheet, PLAIN, "day");
            assertThat(DateUtil.isCellDateFormatted(day)).isTrue();
            assertThat(day.getCellStyle().getDataFormatString()).isEqualTo("yyyy-mm-dd");
            assertThat(day.getLocalDateTimeCellValue().toLocalDate()).isEqualTo(LocalDate.of(2024, 3, 31));
            XSSFCell local = cell(sheet, PLAIN, "local_ts");
            assertThat(local.getCellStyle().getDataFormatString()).isEqualTo("yyyy-mm-dd hh:mm:ss");
            assertThat(local.getLocalDateTimeCellValue()).isEqualTo(LocalDateTime.of(2024, 3, 31, 2, 30));
            assertThat(cell(sheet, PLAIN, "flag").getCellType()).isEqualTo(CellType.BOOLEAN);
            assertThat(cell(sheet, PLAIN, "payload").getStringCellValue()).isEqualTo("AAECAP8=");
            Row allNull = row(sheet, ALL_NULL);
            for (int c = 1; c < COLUMNS.size(); c++) {
                Cell blank = allNull.getCell(c);
                assertThat(blank == null || blank.getCellType() == CellType.BLANK).as(COLUMNS.get(c)).isTrue();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void nullTextIsWrittenAsTextWhenAsked() {
        try (XSSFWorkbook wb = read(export(Map.of("null_text", "NULL")))) {
            assertThat(cell(wb.getSheetAt(0), ALL_NULL, "label").getStringCellValue()).isEqualTo("NULL");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------ sheet layout

    @Test
    void headerIsBoldFrozenAndFilteredAndColumnsAreSized() {
        try (XSSFWorkbook wb = read(export(Map.of()))) {
            XSSFSheet sheet = wb.getSheetAt(0);
            Row header = sheet.getRow(0);
            for (int c = 0; c < COLUMNS.size(); c++) {
                XSSFCell h = (XSSFCell) header.getCell(c);
                assertThat(h.getCellType()).isEqualTo(CellType.STRING);
                assertThat(h.getStringCellValue()).isEqualTo(COLUMNS.get(c));
                assertThat(h.getCellStyle().getFont().getBold()).as("header %s is bold", COLUMNS.get(c)).isTrue();
            }
            PaneInformation pane = sheet.getPaneInformation();
            assertThat(pane).isNotNull();
            assertThat(pane.isFreezePane()).isTrue();
            assertThat(pane.getHorizontalSplitPosition()).isEqualTo((short) 1);
            assertThat(pane.getVerticalSplitPosition()).isEqualTo((short) 0);
            assertThat(sheet.getCTWorksheet().getAutoFilter().getRef())
                    .isEqualTo("A1:K" + (databaseRows.size() + 1));
            // From the header and the first rows: a short id column, a wide but capped base64 column.
            int id = sheet.getColumnWidth(COLUMNS.indexOf("id")) / 256;
            int label = sheet.getColumnWidth(COLUMNS.indexOf("label")) / 256;
            int payload = sheet.getColumnWidth(COLUMNS.indexOf("payload")) / 256;
            assertThat(id).isBetween(8, 22);
            assertThat(label).isGreaterThan(20).isLessThanOrEqualTo(60);
            assertThat(payload).isEqualTo(60);
            assertThat(sheet.getColumnWidth(COLUMNS.indexOf("local_ts")) / 256).isGreaterThanOrEqualTo(19);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void sheetNameOptionNamesTheSheet() {
        try (XSSFWorkbook wb = read(export(Map.of("sheet_name", "Golden values 2024")))) {
            assertThat(wb.getSheetName(0)).isEqualTo("Golden values 2024");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void withoutHeaderTheFirstRowIsData() {
        try (XSSFWorkbook wb = read(export(Map.of("header", false)))) {
            XSSFSheet sheet = wb.getSheetAt(0);
            assertThat(sheet.getRow(0).getCell(0).getNumericCellValue()).isEqualTo(1.0);
            assertThat(sheet.getLastRowNum()).isEqualTo(databaseRows.size() - 1);
            assertThat(sheet.getCTWorksheet().isSetAutoFilter()).isFalse();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------ comparison

    private void assertMatchesDatabase(XSSFSheet sheet, ZoneId zone) {
        List<Kind> kinds = golden.kinds();
        assertThat(sheet.getLastRowNum()).as("last row (header + data)").isEqualTo(databaseRows.size());
        Row header = sheet.getRow(0);
        for (int c = 0; c < COLUMNS.size(); c++) assertThat(header.getCell(c).getStringCellValue()).isEqualTo(COLUMNS.get(c));
        for (Row row : sheet) {
            for (Cell cell : row) {
                assertThat(cell.getCellType()).as("cell %s", cell.getAddress()).isNotEqualTo(CellType.FORMULA);
            }
        }
        for (int r = 0; r < databaseRows.size(); r++) {
            Object[] expected = databaseRows.get(r);
            Row row = sheet.getRow(r + 1);
            assertThat(row).as("row for id=%s", expected[0]).isNotNull();
            for (int c = 0; c < COLUMNS.size(); c++) {
                String where = "row id=" + expected[0] + ", column " + COLUMNS.get(c);
                assertCell((XSSFCell) row.getCell(c), kinds.get(c), expected[c], zone, where);
            }
        }
    }

    private static void assertCell(XSSFCell cell, Kind kind, Object value, ZoneId zone, String where) {
        if (value == null) {
            assertThat(cell == null || cell.getCellType() == CellType.BLANK).as(where + " is blank, got " + cell).isTrue();
            return;
        }
        assertThat(cell).as(where).isNotNull();
        switch (kind) {
            case INTEGER -> {
                long l = (Long) value;
                if (Math.abs(l) > MAX_EXACT || l == Long.MIN_VALUE) {
                    assertString(cell, Long.toString(l), where);
                } else {
                    assertThat(cell.getCellType()).as(where).isEqualTo(CellType.NUMERIC);
                    assertThat(cell.getNumericCellValue()).as(where).isEqualTo((double) l);
                }
            }
            case DECIMAL -> {
                BigDecimal d = (BigDecimal) value;
                if (d.signum() != 0 && d.stripTrailingZeros().precision() > 15) {
                    assertString(cell, d.toPlainString(), where);
                } else {
                    assertThat(cell.getCellType()).as(where).isEqualTo(CellType.NUMERIC);
                    assertThat(new BigDecimal(Double.toString(cell.getNumericCellValue())).compareTo(d))
                            .as(where + ": " + cell.getNumericCellValue() + " vs " + d).isZero();
                    String format = d.scale() <= 0 ? "0" : "0." + "0".repeat(d.scale());
                    assertThat(cell.getCellStyle().getDataFormatString()).as(where + " format").isEqualTo(format);
                }
            }
            case FLOAT -> {
                assertThat(cell.getCellType()).as(where).isEqualTo(CellType.NUMERIC);
                assertThat(cell.getNumericCellValue()).as(where).isEqualTo((Double) value);
            }
            case BOOLEAN -> {
                assertThat(cell.getCellType()).as(where).isEqualTo(CellType.BOOLEAN);
                assertThat(cell.getBooleanCellValue()).as(where).isEqualTo(value);
            }
            case TEXT -> assertString(cell, (String) value, where);
            case DATE -> {
                assertDateCell(cell, "yyyy-mm-dd", where);
                assertThat(cell.getLocalDateTimeCellValue()).as(where).isEqualTo(((LocalDate) value).atStartOfDay());
            }
            case TIMESTAMP -> assertTimestamp(cell, (LocalDateTime) value, where);
            case INSTANT -> assertTimestamp(cell, LocalDateTime.ofInstant((Instant) value, zone), where);
            case BINARY -> assertString(cell, Base64.getEncoder().encodeToString((byte[]) value), where);
        }
    }

    private static void assertString(XSSFCell cell, String text, String where) {
        assertThat(cell.getCellType()).as(where + " is a string").isEqualTo(CellType.STRING);
        assertThat(cell.getStringCellValue()).as(where).isEqualTo(text);
    }

    private static void assertDateCell(XSSFCell cell, String format, String where) {
        assertThat(cell.getCellType()).as(where).isEqualTo(CellType.NUMERIC);
        assertThat(DateUtil.isCellDateFormatted(cell)).as(where + " is date-formatted").isTrue();
        assertThat(cell.getCellStyle().getDataFormatString()).as(where + " format").isEqualTo(format);
    }

    /** Excel keeps about a microsecond at best and POI reads milliseconds: equal within one millisecond. */
    private static void assertTimestamp(XSSFCell cell, LocalDateTime expected, String where) {
        assertDateCell(cell, "yyyy-mm-dd hh:mm:ss", where);
        double serial = cell.getNumericCellValue();
        double expectedSerial = DateUtil.getExcelDate(expected);
        assertThat(serial).as(where + " serial of " + expected).isCloseTo(expectedSerial, within(1e-3 / 86_400));
        assertThat(Duration.between(expected, cell.getLocalDateTimeCellValue()).abs().toMillis())
                .as(where + ": " + cell.getLocalDateTimeCellValue() + " vs " + expected).isLessThanOrEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private ExportRunner.Output export(Map<String, Object> options) {
        return ExportRunner.export(source, ExportRequest.of("golden", "xlsx")
                .withSort(List.of(new SortKey("id", "asc"))).withOptions(options));
    }

    static XSSFWorkbook read(ExportRunner.Output out) {
        try {
            return new XSSFWorkbook(new ByteArrayInputStream(out.bytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Row row(XSSFSheet sheet, long id) {
        for (Row row : sheet) {
            Cell first = row.getCell(0);
            if (row.getRowNum() > 0 && first != null && first.getNumericCellValue() == id) return row;
        }
        throw new AssertionError("no row id=" + id);
    }

    private static XSSFCell cell(XSSFSheet sheet, long id, String column) {
        return (XSSFCell) row(sheet, id).getCell(COLUMNS.indexOf(column));
    }

    private List<Object[]> selectStraightFromDatabase() throws SQLException {
        List<Kind> kinds = golden.kinds();
        List<Object[]> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(golden.jdbcUrl())) {
            golden.configureSession(c);
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT * FROM " + golden.quote("golden") + " ORDER BY "
                         + golden.quote("id"))) {
                while (rs.next()) {
                    Object[] row = new Object[kinds.size()];
                    for (int i = 0; i < row.length; i++) {
                        Object v = switch (kinds.get(i)) {
                            case INTEGER -> rs.getLong(i + 1);
                            case DECIMAL -> rs.getBigDecimal(i + 1);
                            case FLOAT -> rs.getDouble(i + 1);
                            case BOOLEAN -> rs.getBoolean(i + 1);
                            case TEXT -> rs.getString(i + 1);
                            case DATE -> rs.getObject(i + 1, LocalDate.class);
                            case TIMESTAMP -> golden.readLocalTimestamp(rs, i + 1);
                            case INSTANT -> golden.readInstant(rs, i + 1);
                            case BINARY -> rs.getBytes(i + 1);
                        };
                        row[i] = rs.wasNull() ? null : v;
                    }
                    rows.add(row);
                }
            }
        }
        assertThat(rows).hasSize(GoldenValuesContract.goldenRows().size());
        return rows;
    }

}
