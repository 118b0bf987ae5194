package dev.freight.format.xlsx;

import dev.freight.engine.ExportPlan;
import dev.freight.error.InvalidRequestException;
import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.format.WriterContext;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Types;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** XLSX options, validated up front, and the writer's sheet rotation on a small scale (no database needed). */
class XlsxOptionsTest {

    @Test
    void formatIsKnownWithItsContentTypeAndExtensionAndIsNotCompressible() {
        ExportFormat xlsx = ExportFormat.fromId("XLSX");
        assertThat(xlsx).isEqualTo(ExportFormat.XLSX);
        assertThat(xlsx.extension()).isEqualTo("xlsx");
        assertThat(xlsx.contentType()).isEqualTo("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assertThat(xlsx.compressible()).isFalse();
        assertThat(xlsx.optionNames()).contains("sheet_name", "header", "time_zone", "null_text")
                .doesNotContain("delimiter", "bom", "line_ending", "sanitize_formulas");
    }

    @Test
    void compressIsRefused() {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> new ExportPlan(
                null, null, ExportFormat.XLSX, FormatOptions.defaults(ExportFormat.XLSX), true));
        assertThat(e.code()).isEqualTo("invalid_option");
        assertThat(e.field()).isEqualTo("compress");
        assertThat(e.getMessage()).contains("xlsx is already compressed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"delimiter", "bom", "line_ending", "sheet", "compression"})
    void unknownOptionIsRefused(String key) {
        InvalidRequestException e = refused(Map.of(key, "x"));
        assertThat(e.field()).isEqualTo("options." + key);
        assertThat(e.getMessage()).startsWith("unknown option '" + key + "' for format xlsx; options: ")
                .contains("sheet_name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "a\\b", "Q1: orders", "what?", "all*", "[x]", "", "   ",
            "this sheet name is far too long!!", "'quoted'", "History", "tab\there"})
    void badSheetNameIsRefusedWithExcelsRules(String name) {
        InvalidRequestException e = refused(Map.of("sheet_name", name));
        assertThat(e.code()).isEqualTo("invalid_option");
        assertThat(e.field()).isEqualTo("options.sheet_name");
        assertThat(e.getMessage()).startsWith("sheet_name ").contains("1 to 31 characters");
    }

    @Test
    void sheetNameMustBeText() {
        assertThat(refused(Map.of("sheet_name", 42)).getMessage()).contains("must be a string");
        assertThat(refused(Map.of("header", "maybe")).field()).isEqualTo("options.header");
    }

    @Test
    void goodSheetNamesAreAccepted() {
        for (String name : List.of("Orders", "Orders 2024 (EUR) – €", "x".repeat(31), "it's fine", "東京")) {
            FormatOptions o = FormatOptions.parse(ExportFormat.XLSX, Map.of("sheet_name", name));
            assertThat(XlsxOptions.sheetName(o, WriterContext.of("ignored"))).isEqualTo(name);
        }
    }

    @Test
    void defaultSheetNameIsTheDatasetMadeValid() {
        FormatOptions o = FormatOptions.defaults(ExportFormat.XLSX);
        assertThat(XlsxOptions.sheetName(o, WriterContext.of("orders"))).isEqualTo("orders");
        assertThat(XlsxOptions.sheetName(o, WriterContext.of("sales/2024:q1[eu]*?"))).isEqualTo("sales_2024_q1_eu___");
        assertThat(XlsxOptions.sheetName(o, WriterContext.of("a_very_long_dataset_name_from_the_warehouse")))
                .isEqualTo("a_very_long_dataset_name_from_t").hasSize(31);
        assertThat(XlsxOptions.sheetName(o, WriterContext.of("'x'"))).isEqualTo("x");
        assertThat(XlsxOptions.sheetName(o, WriterContext.of("history"))).isEqualTo("history_");
        assertThat(XlsxOptions.sheetName(o, WriterContext.of("///"))).isEqualTo("___");
        assertThat(XlsxOptions.sheetName(o, null)).isEqualTo("Export");
    }

    @Test
    void laterSheetsAreNumberedWithinThirtyOneCharacters() {
        assertThat(XlsxOptions.nthSheetName("orders", 1)).isEqualTo("orders");
        assertThat(XlsxOptions.nthSheetName("orders", 2)).isEqualTo("orders (2)");
        assertThat(XlsxOptions.nthSheetName("x".repeat(31), 12)).isEqualTo("x".repeat(26) + " (12)").hasSize(31);
    }

    /** The rotation logic with three rows per sheet instead of 1,048,575 (the slow test does the real size). */
    @Test
    void rowsBeyondTheSheetLimitContinueOnANewSheetWithTheHeaderRepeated() throws IOException {
        List<Column> columns = List.of(new Column("id", ColumnType.INTEGER, "bigint", Types.BIGINT, false, 19, 0),
                new Column("amount", ColumnType.DECIMAL, "numeric", Types.NUMERIC, true, 10, 2));
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void close() {
                throw new AssertionError("the writer must not close the engine's stream");
            }
        };
        XlsxFormatWriter writer = new XlsxFormatWriter(out, columns, List.of("Id", "=Amount"),
                FormatOptions.parse(ExportFormat.XLSX, Map.of("sheet_name", "Sales")), WriterContext.of("orders"), 3);
        writer.begin();
        Object[] row = new Object[2];
        for (long i = 1; i <= 7; i++) {
            row[0] = i;
            row[1] = new BigDecimal(i + ".50");
            writer.writeRow(row);
        }
        writer.finish();

        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(out.toByteArray()))) {
            assertThat(wb.getNumberOfSheets()).isEqualTo(3);
            assertThat(List.of(wb.getSheetName(0), wb.getSheetName(1), wb.getSheetName(2)))
                    .containsExactly("Sales", "Sales (2)", "Sales (3)");
            long id = 1;
            for (int s = 0; s < 3; s++) {
                XSSFSheet sheet = wb.getSheetAt(s);
                assertThat(sheet.getRow(0).getCell(0).getStringCellValue()).isEqualTo("Id");
                assertThat(sheet.getRow(0).getCell(1).getStringCellValue()).isEqualTo("=Amount");
                assertThat(sheet.getRow(0).getCell(1).getCellStyle().getFont().getBold()).isTrue();
                assertThat(sheet.getPaneInformation().isFreezePane()).isTrue();
                int dataRows = s < 2 ? 3 : 1;
                assertThat(sheet.getLastRowNum()).isEqualTo(dataRows);
                assertThat(sheet.getCTWorksheet().getAutoFilter().getRef()).isEqualTo("A1:B" + (dataRows + 1));
                for (int r = 1; r <= dataRows; r++, id++) {
                    assertThat(sheet.getRow(r).getCell(0).getNumericCellValue()).isEqualTo((double) id);
                    assertThat(sheet.getRow(r).getCell(1).getCellType()).isEqualTo(CellType.NUMERIC);
                    assertThat(sheet.getRow(r).getCell(1).getCellStyle().getDataFormatString()).isEqualTo("0.00");
                }
            }
        }
    }

    private static InvalidRequestException refused(Map<String, Object> options) {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> FormatOptions.parse(ExportFormat.XLSX, options));
        assertThat(e).as("refused: %s", options).isNotNull();
        assertThat(e.code()).isEqualTo("invalid_option");
        return e;
    }
}
