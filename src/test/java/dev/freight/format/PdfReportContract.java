package dev.freight.format;

import dev.freight.format.ExportFormat;
import dev.freight.export.Sinks;
import dev.freight.export.ExportService;
import dev.freight.engine.CancellationToken;
import dev.freight.engine.ExportListener;
import dev.freight.query.ExportRequest;
import dev.freight.query.Filter;
import dev.freight.error.InvalidRequestException;
import dev.freight.source.DemoData;
import dev.freight.source.Dialect;
import dev.freight.source.JdbcSource;
import dev.freight.source.SourceRegistry;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The PDF report on a real database, read back with PDFBox: title block, header repeated on every page, row
 * values, "Page n of m", page geometry options, Unicode, the row cap refused up front.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PdfReportContract {
    /** Same count as the query tests' demo orders, so a shared schema is never reloaded between classes. */
    static final int ROWS = 2_000;

    private JdbcSource source;
    private SourceRegistry registry;

    protected abstract String jdbcUrl();

    @BeforeAll
    void load() throws SQLException {
        String url = jdbcUrl();
        try (Connection c = TestDatabases.connect(url)) {
            DemoData.load(c, Dialect.fromJdbcUrl(url), ROWS);
        }
        TestDatabases.execute(url, "DROP TABLE IF EXISTS pdf_unicode",
                "CREATE TABLE pdf_unicode (id INTEGER PRIMARY KEY, label TEXT)",
                "INSERT INTO pdf_unicode VALUES (1, 'Café crème à Zoë, Søren, Ελλάδα, Москва'),"
                        + " (2, '東京 Tokyo'), (3, 'smile 😀 end'), (4, '" + "long words ".repeat(60) + "')");
        source = ExportRunner.open(url);
        registry = SourceRegistry.of(Map.of("db", source));
    }

    @AfterAll
    void close() {
        registry.close();
    }

    private byte[] export(ExportService exports, ExportRequest request) {
        Sinks.Buffer out = new Sinks.Buffer();
        exports.run(exports.prepare(request, ExportService.OPERATOR), out, ExportListener.NONE, new CancellationToken());
        return out.toByteArray();
    }

    private byte[] export(ExportRequest request) {
        return export(ExportService.unrestricted(registry), request);
    }

    private static String text(PDDocument doc, int from, int to) throws IOException {
        PDFTextStripper stripper = new PDFTextStripper();
        stripper.setStartPage(from);
        stripper.setEndPage(to);
        return stripper.getText(doc);
    }

    @Test
    void aMultiPageReportHasTitleFiltersRepeatedHeaderRowsAndPageNumbers() throws IOException {
        ExportRequest request = ExportRequest.of("orders", "pdf")
                .withFilters(List.of(new Filter("id", "lte", 1500)))
                .withOptions(Map.of("title", "Quarterly orders"));
        String words = ExportService.unrestricted(registry).prepare(request, ExportService.OPERATOR).plan().plan().filtersInWords();
        byte[] pdf = export(request);

        assertThat(new String(pdf, 0, 5, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            int pages = doc.getNumberOfPages();
            assertThat(pages).isGreaterThan(2);
            String first = text(doc, 1, 1);
            String second = text(doc, 2, 2);
            assertThat(first).contains("Quarterly orders").contains("Generated ").contains("Filters: " + words);
            assertThat(words).contains("id");
            for (String header : List.of("unit_price", "created_at", "status", "description")) {
                assertThat(first).contains(header);
                assertThat(second).contains(header);
            }
            assertThat(first).contains("Page 1 of " + pages);
            assertThat(second).contains("Page 2 of " + pages);
            assertThat(text(doc, pages, pages)).contains("Page " + pages + " of " + pages);
            assertThat(second).doesNotContain("Filters: ");

            Object[] row = DemoData.order(1);
            assertThat(first).contains((String) row[2]).contains(((BigDecimal) row[5]).toPlainString())
                    .contains((String) row[7]);
            String all = text(doc, 1, pages);
            Object[] last = DemoData.order(1500);
            assertThat(all).contains((String) last[2]).contains(((BigDecimal) last[5]).toPlainString());
            assertThat(all).doesNotContain((String) DemoData.order(1501)[2]);
        }
    }

    @Test
    void titleDefaultsToTheDatasetAndOrientationAndPageSizeSetThePage() throws IOException {
        ExportRequest small = ExportRequest.of("orders", "pdf").withRowLimit(50L);
        try (PDDocument doc = Loader.loadPDF(export(small))) {
            // Ten columns: landscape by default; A4 by default.
            PDRectangle box = doc.getPage(0).getMediaBox();
            assertThat(box.getWidth()).isCloseTo(842f, org.assertj.core.data.Offset.offset(1f));
            assertThat(box.getHeight()).isCloseTo(595f, org.assertj.core.data.Offset.offset(1f));
            assertThat(text(doc, 1, 1)).startsWith("orders");
        }
        try (PDDocument doc = Loader.loadPDF(export(small.withOptions(Map.of("orientation", "portrait", "page_size", "letter"))))) {
            PDRectangle box = doc.getPage(0).getMediaBox();
            assertThat(box.getWidth()).isCloseTo(612f, org.assertj.core.data.Offset.offset(1f));
            assertThat(box.getHeight()).isCloseTo(792f, org.assertj.core.data.Offset.offset(1f));
        }
        try (PDDocument doc = Loader.loadPDF(export(small.withColumns(List.of("id", "sku"))))) {
            // Few columns: portrait by default.
            assertThat(doc.getPage(0).getMediaBox().getHeight()).isCloseTo(842f, org.assertj.core.data.Offset.offset(1f));
        }
        try (PDDocument doc = Loader.loadPDF(export(small.withOptions(Map.of("orientation", "landscape", "page_size", "letter",
                "font_size", 11))))) {
            assertThat(doc.getPage(0).getMediaBox().getWidth()).isCloseTo(792f, org.assertj.core.data.Offset.offset(1f));
        }
    }

    @Test
    void textInEveryScriptComesBackFromTheReport() throws IOException {
        byte[] pdf = export(ExportRequest.of("pdf_unicode", "pdf").withOptions(Map.of("title", "Ünïcödé — 東京")));
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            String all = text(doc, 1, doc.getNumberOfPages());
            assertThat(all).contains("Café crème à Zoë, Søren").contains("Ελλάδα").contains("Москва")
                    .contains("Ünïcödé — 東京").contains("東京 Tokyo").contains("smile 😀 end");
            assertThat(all.replaceAll("\\s+", " ")).contains("long words long words");
        }
    }

    @Test
    void theDemoDataTrickyTextComesBackFromTheReport() throws IOException {
        String orders = all(export(ExportRequest.of("orders", "pdf").withFilters(List.of(new Filter("id", "lte", 200)))));
        assertThat(orders).contains("Crème brûlée set 🍮 — 東京").contains("Ünïcödé ✓ 🚚 📦").contains("Größe: XL; Farbe: Grün")
                .contains("customer_id").contains("unit_price").contains("created_at");
        String customers = all(export(ExportRequest.of("customers", "pdf").withFilters(List.of(new Filter("id", "lte", 200)))));
        assertThat(customers).contains("美咲").contains("Zoë").contains("Søren").contains("Nuño").contains("O'Brien");
    }

    private static String all(byte[] pdf) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return text(doc, 1, doc.getNumberOfPages());
        }
    }

    @Test
    void anEmptyResultIsAOnePageReportSayingSo() throws IOException {
        byte[] pdf = export(ExportRequest.of("orders", "pdf").withFilters(List.of(new Filter("id", "lt", 0))));
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            assertThat(doc.getNumberOfPages()).isEqualTo(1);
            assertThat(text(doc, 1, 1)).contains("No rows match.").contains("unit_price").contains("Page 1 of 1");
        }
    }

    @Test
    void aRequestAboveTheRowCapIsRefusedUpFront() {
        ExportService capped = ExportService.unrestricted(registry, new ExportService.Settings(ExportFormat.CSV, 100));
        ExportRequest all = ExportRequest.of("orders", "pdf");
        assertThatThrownBy(() -> capped.prepare(all, ExportService.OPERATOR))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.code()).isEqualTo("too_many_rows_for_pdf");
                    assertThat(e.field()).isEqualTo("format");
                    assertThat(e.getMessage()).contains("100 rows").contains("CSV").contains("XLSX").contains("filters");
                });
        // A filter under the cap, or a row limit, makes it acceptable; other formats are not capped.
        assertThat(capped.prepare(all.withFilters(List.of(new Filter("id", "lte", 100))), ExportService.OPERATOR)).isNotNull();
        assertThat(capped.prepare(all.withRowLimit(100L), ExportService.OPERATOR)).isNotNull();
        assertThat(capped.prepare(ExportRequest.of("orders", "csv"), ExportService.OPERATOR)).isNotNull();
        assertThatThrownBy(() -> capped.prepare(all.withFilters(List.of(new Filter("id", "lte", 101))), ExportService.OPERATOR))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo("too_many_rows_for_pdf"));
    }
}
