package dev.freight.format.pdf;

import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.format.WriterContext;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDVectorFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the PDF report shows, read back with PDFBox (which Freight does not use for writing): headers that never
 * break inside a word, and text in every script of the demo data drawn with an embedded font that has its glyphs,
 * so that it extracts back to the very characters written. Written by the writer alone (no database).
 */
class PdfReportTextTest {
    private static final Instant GENERATED = Instant.parse("2024-05-17T10:20:30Z");
    /** The demo orders' columns (DemoData), whose narrow numeric columns carry long snake_case names. */
    private static final List<Column> ORDERS = List.of(
            column("id", ColumnType.INTEGER), column("customer_id", ColumnType.INTEGER), column("sku", ColumnType.STRING),
            column("description", ColumnType.STRING), column("quantity", ColumnType.INTEGER),
            column("unit_price", ColumnType.DECIMAL), column("discount", ColumnType.FLOAT),
            column("status", ColumnType.STRING), column("created_at", ColumnType.TIMESTAMP_TZ),
            column("shipped", ColumnType.BOOLEAN));

    // ------------------------------------------------------------------------------------------ headers

    @ParameterizedTest(name = "font_size {0}")
    @ValueSource(ints = {8, 11, 16})
    void everyHeaderOfTheDemoOrdersIsExtractedWholeOnOneLine(int fontSize) throws IOException {
        List<String> names = ORDERS.stream().map(Column::name).toList();
        byte[] pdf = write(ORDERS, names, Map.of("font_size", fontSize), List.of());

        List<String> headerLines = linesOfPage1(pdf).stream().filter(l -> l.contains("quantity")).toList();
        assertThat(headerLines).hasSize(1);
        assertThat(headerLines.get(0).split(" ")).containsExactlyElementsOf(names);
    }

    @Test
    void headersTooLongForOneLineWrapAtUnderscoresOrSpacesOnly() throws IOException {
        List<String> names = IntStream.rangeClosed(1, 10).mapToObj(i -> "quarterly_revenue_forecast_region_" + i).toList();
        List<Column> columns = names.stream().map(n -> column(n, ColumnType.INTEGER)).toList();
        List<String> labels = new ArrayList<>(names);
        labels.set(0, "Quarterly revenue forecast");
        byte[] pdf = write(columns, labels, Map.of("orientation", "portrait"), List.of());

        Set<String> words = new LinkedHashSet<>(List.of("Quarterly", "revenue", "forecast"));
        for (String n : names) words.addAll(underscoreParts(n));
        List<String> tokens = headerTokens(linesOfPage1(pdf), "Quarterly");
        // A line may hold several parts ("revenue_forecast_"), never a piece of one ("quarte").
        assertThat(tokens).isNotEmpty().allSatisfy(t -> assertThat(words).containsAll(underscoreParts(t)));
        assertThat(tokens).contains("quarterly_", "Quarterly");
    }

    @Test
    void headersThatCannotFitEvenWhenShrunkAreAbbreviatedNeverBrokenInsideAWord() throws IOException {
        List<String> names = IntStream.rangeClosed(1, 24).mapToObj(i -> "extraordinarily_" + i).toList();
        List<Column> columns = names.stream().map(n -> column(n, ColumnType.INTEGER)).toList();
        byte[] pdf = write(columns, names, Map.of("orientation", "portrait"), List.of());

        List<String> tokens = headerTokens(linesOfPage1(pdf), "ex");
        assertThat(tokens).isNotEmpty().allSatisfy(t -> assertThat(
                t.equals("extraordinarily_") || t.matches("\\d+") || t.endsWith("…") && "extraordinarily_".startsWith(
                        t.substring(0, t.length() - 1))).as(t).isTrue());
        assertThat(tokens).anyMatch(t -> t.endsWith("…"));
    }

    // ------------------------------------------------------------------------------------------ scripts

    /** The demo data's tricky values (DemoData), plus Korean and more CJK. */
    private static final List<String> SCRIPTS = List.of(
            "東京都 渋谷区", "서울 강남구", "美咲", "Crème brûlée set 🍮 — 東京 edition", "Ünïcödé ✓ 🚚 📦",
            "Größe: XL; Farbe: Grün", "Zoë, Søren, Nuño, Ελλάδα, Москва", "smile 😀 end");

    @Test
    void textInEveryScriptOfTheDemoDataComesBackFromTextExtraction() throws IOException {
        byte[] pdf = write(List.of(column("id", ColumnType.INTEGER), column("label", ColumnType.STRING)),
                List.of("id", "label"), Map.of(), rows(SCRIPTS));

        String text = text(pdf);
        for (String s : SCRIPTS) assertThat(text).contains(s);
    }

    @Test
    void everyCharacterIsDrawnWithAnEmbeddedFontThatHasItsGlyph() throws IOException {
        byte[] pdf = write(List.of(column("id", ColumnType.INTEGER), column("label", ColumnType.STRING)),
                List.of("id", "label"), Map.of(), rows(SCRIPTS));
        Set<Integer> wanted = SCRIPTS.stream().flatMapToInt(String::codePoints).filter(cp -> !Character.isWhitespace(cp))
                .boxed().collect(Collectors.toSet());

        List<String> problems = new ArrayList<>();
        Set<Integer> seen = new LinkedHashSet<>();
        Set<String> cjkFonts = new LinkedHashSet<>();
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDFTextStripper stripper = new PDFTextStripper() {
                @Override
                protected void processTextPosition(TextPosition t) {
                    super.processTextPosition(t);
                    int cp = t.getUnicode() == null || t.getUnicode().isEmpty() ? -1 : t.getUnicode().codePointAt(0);
                    if (!wanted.contains(cp)) return;
                    seen.add(cp);
                    PDFont font = t.getFont();
                    int code = t.getCharacterCodes()[0];
                    try {
                        PDVectorFont vector = (PDVectorFont) font;
                        if (!font.isEmbedded() || !vector.hasGlyph(code) || vector.getPath(code).getBounds2D().isEmpty()) {
                            problems.add(new String(Character.toChars(cp)) + " in " + font.getName());
                        }
                    } catch (IOException | ClassCastException e) {
                        problems.add(new String(Character.toChars(cp)) + ": " + e);
                    }
                    if (cp == '東' || cp == '서') cjkFonts.add(font.getName());
                }
            };
            stripper.getText(doc);
        }

        assertThat(problems).isEmpty();
        assertThat(seen).containsAll(wanted);
        assertThat(cjkFonts).isNotEmpty().allSatisfy(name -> assertThat(name).contains("DroidSansFallback"));
    }

    @Test
    void aTitleInAnyScriptIsShownWholeInTheTitleBlockAndTheFooter() throws IOException {
        String title = "Ünïcödé — 東京 ✓";
        byte[] pdf = write(List.of(column("id", ColumnType.INTEGER)), List.of("id"), Map.of("title", title),
                rows(List.of()));

        // In drawing order: sorted by position, PDFBox splits "Ü" from a word set on the same baseline.
        List<String> lines = linesOfPage1(pdf, false);
        assertThat(lines.get(0)).isEqualTo(title);
        assertThat(lines).anyMatch(l -> l.startsWith(title) && l.contains("Page 1 of 1"));
    }

    @Test
    void aLatinOnlyReportEmbedsOnlyItsLatinFont() throws IOException {
        byte[] pdf = write(List.of(column("id", ColumnType.INTEGER), column("label", ColumnType.STRING)),
                List.of("id", "label"), Map.of(), rows(List.of("Standard widget", "Größe: XL; Farbe: Grün")));

        try (PDDocument doc = Loader.loadPDF(pdf)) {
            Set<String> fonts = new LinkedHashSet<>();
            for (PDPage page : doc.getPages()) {
                PDResources resources = page.getResources();
                for (COSName name : resources.getFontNames()) fonts.add(resources.getFont(name).getName());
            }
            assertThat(fonts).isNotEmpty().allSatisfy(name -> assertThat(name).contains("LiberationSans"));
        }
        assertThat(pdf.length).isLessThan(60_000);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static Column column(String name, ColumnType type) {
        return new Column(name, type, type.wireName(), Types.OTHER, true, 0, 0);
    }

    private static List<Object[]> rows(List<String> texts) {
        List<Object[]> rows = new ArrayList<>();
        long id = 1;
        for (String t : texts) rows.add(new Object[]{id++, t});
        return rows;
    }

    private static byte[] write(List<Column> columns, List<String> labels, Map<String, Object> options,
                                List<Object[]> rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PdfFormatWriter writer = new PdfFormatWriter(out, columns, labels, FormatOptions.parse(ExportFormat.PDF, options),
                new WriterContext("orders", "", GENERATED, null));
        writer.begin();
        for (Object[] row : rows) writer.writeRow(row.clone());
        writer.finish();
        return out.toByteArray();
    }

    private static String text(byte[] pdf) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(doc);
        }
    }

    /** Lines as they appear on the page, top to bottom, whatever order the content stream draws them in. */
    private static List<String> linesOfPage1(byte[] pdf) throws IOException {
        return linesOfPage1(pdf, true);
    }

    private static List<String> linesOfPage1(byte[] pdf, boolean sortByPosition) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setStartPage(1);
            stripper.setEndPage(1);
            stripper.setSortByPosition(sortByPosition);
            return stripper.getText(doc).lines().map(String::strip).toList();
        }
    }

    /** "a_b_c" → [a_, b_, c]: the pieces a header may wrap between. */
    private static List<String> underscoreParts(String s) {
        return Arrays.asList(s.replace("_", "_ ").split(" "));
    }

    /** The words of the header rows: the lines from the first holding {@code start} to the first data-free gap. */
    private static List<String> headerTokens(List<String> lines, String start) {
        List<String> tokens = new ArrayList<>();
        boolean in = false;
        for (String line : lines) {
            if (!in && line.contains(start)) in = true;
            if (!in) continue;
            if (line.isEmpty() || line.startsWith("No rows match") || line.contains("Page 1 of")) break;
            tokens.addAll(Arrays.asList(line.split(" +")));
        }
        return tokens;
    }
}
