package dev.freight.format.pdf;

import dev.freight.engine.ExportPlan;
import dev.freight.error.InvalidRequestException;
import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.format.WriterContext;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PDF options are checked up front with precise errors; the writer itself refuses rows past its cap. */
class PdfOptionsTest {

    private static void refused(Map<String, Object> options, String field, String... words) {
        assertThatThrownBy(() -> FormatOptions.parse(ExportFormat.PDF, options))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_option");
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(words);
                });
    }

    @Test
    void formatFacts() {
        assertThat(ExportFormat.fromId("PDF")).isEqualTo(ExportFormat.PDF);
        assertThat(ExportFormat.PDF.contentType()).isEqualTo("application/pdf");
        assertThat(ExportFormat.PDF.extension()).isEqualTo("pdf");
        assertThat(ExportFormat.PDF.compressible()).isFalse();
    }

    @Test
    void badOptionsAreRefusedWithTheChoices() {
        refused(Map.of("orientation", "sideways"), "options.orientation", "portrait or landscape", "sideways");
        refused(Map.of("page_size", "a3"), "options.page_size", "a4 or letter", "a3");
        refused(Map.of("font_size", 100), "options.font_size", "5 to 16");
        refused(Map.of("font_size", "big"), "options.font_size", "big");
        refused(Map.of("title", ""), "options.title", "200");
        refused(Map.of("title", "x".repeat(201)), "options.title", "200");
        refused(Map.of("delimiter", ";"), "options.delimiter", "unknown option", "page_size");
    }

    @Test
    void goodOptionsParse() {
        PdfOptions o = PdfOptions.of(FormatOptions.parse(ExportFormat.PDF, Map.of("orientation", "Portrait",
                "page_size", "LETTER", "font_size", "9.5", "title", "Report", "null_text", "-")));
        assertThat(o).isEqualTo(new PdfOptions("Report", false, true, 9.5f));
        PdfOptions dflt = PdfOptions.of(FormatOptions.defaults(ExportFormat.PDF));
        assertThat(dflt.landscapeFor(6)).isFalse();
        assertThat(dflt.landscapeFor(7)).isTrue();
        assertThat(dflt.letter()).isFalse();
    }

    @Test
    void compressIsRefusedForPdf() {
        assertThatThrownBy(() -> new ExportPlan(null, null, ExportFormat.PDF,
                FormatOptions.defaults(ExportFormat.PDF), true))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_option");
                    assertThat(e.field()).isEqualTo("compress");
                });
    }

    @Test
    void theWriterRefusesRowsPastItsCap() throws Exception {
        List<Column> columns = List.of(new Column("id", ColumnType.INTEGER, "bigint", java.sql.Types.BIGINT, false, 0, 0),
                new Column("amount", ColumnType.DECIMAL, "numeric", java.sql.Types.NUMERIC, true, 12, 2));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PdfFormatWriter writer = new PdfFormatWriter(out, columns, List.of("id", "amount"),
                FormatOptions.defaults(ExportFormat.PDF), WriterContext.of("t"), 3);
        writer.begin();
        Object[] row = new Object[2];
        for (long i = 1; i <= 3; i++) {
            row[0] = i;
            row[1] = new BigDecimal("1.50");
            writer.writeRow(row);
        }
        assertThatThrownBy(() -> writer.writeRow(row))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.code()).isEqualTo("too_many_rows_for_pdf");
                    assertThat(e.getMessage()).contains("limited to 3 rows");
                });
    }
}
