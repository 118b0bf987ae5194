package dev.freight.format;

import com.lowagie.text.Chunk;
import com.lowagie.text.Document;
import com.lowagie.text.DocumentException;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.Rectangle;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.ColumnText;
import com.lowagie.text.pdf.PdfContentByte;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfPageEventHelper;
import com.lowagie.text.pdf.PdfTemplate;
import com.lowagie.text.pdf.PdfWriter;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.ProblemCode;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;

import java.awt.Color;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A printable report (OpenPDF): a title block (title, generated-at time, the filters in words), then one table
 * whose header row repeats on every page, zebra rows, numbers right-aligned, long text wrapped, and a footer
 * with "Page n of m" on every page.
 *
 * <p>Memory stays bounded: rows go into a {@link PdfPTable} marked incomplete, which is handed to the document
 * every {@value #FLUSH_ROWS} rows (sooner when they hold {@value #FLUSH_CHARS} characters); OpenPDF lays those rows
 * out onto pages, writes finished pages to the stream and drops the rows ({@code LargeElement}). The total page
 * count is unknown until the end, so "of m" is one
 * {@link PdfTemplate} shared by every footer and filled in when the document closes — a single pass.
 *
 * <p>Fonts: every font is embedded as a subset (Identity-H), so the report looks the same on every machine and
 * holds only the glyphs it uses. Liberation Sans, which OpenPDF ships inside its own jar, sets Latin (é, ß, ø …),
 * Greek and Cyrillic; a character it lacks is set in the first fallback that has it, both shipped in Freight's
 * jar and loaded only when a report needs them: Droid Sans Fallback (CJK ideographs, Hangul, kana) and a subset of
 * Symbola (symbols, dingbats, emoji, in black and white). Invisible format characters (zero-width joiner,
 * variation selectors) are dropped; a character no font has is shown as {@code ?}. Should Liberation Sans fail to
 * load, the report falls back to Helvetica (WinAnsi). Cells are cut at {@value #MAX_CELL_CHARS} characters
 * (marked with …) so one huge value cannot blow up a page.
 *
 * <p>Header cells never break inside a word: columns are sized so that each header's words fit (see
 * {@link HeaderLayout}).
 *
 * <p>Defence in depth: the request is refused up front above the PDF row cap (engine {@code Exports}); the
 * writer also refuses to go past {@link #maxRows}.
 */
public final class PdfFormatWriter implements FormatWriter {
    /** The default row cap for PDF reports; {@code Exports} refuses larger requests up front. */
    public static final long DEFAULT_MAX_ROWS = 100_000;
    static final int FLUSH_ROWS = 500;
    /** Column widths also consider the words of this many first rows. */
    static final int SAMPLE_ROWS = 100;
    /**
     * OpenPDF measures every row it is handed before it writes the first page, and nothing can stop it in between:
     * 500 rows of long text took over a second on a cold JVM, longer than a cancel may take. Bounding the text
     * per hand-over bounds that; rows of ordinary width never reach it.
     */
    static final int FLUSH_CHARS = 100_000;
    static final int MAX_CELL_CHARS = 4_000;
    private static final String BUNDLED_FONT = "font-fallback/LiberationSans-Regular.ttf";
    /** Tried in this order for characters Liberation Sans lacks; files in Freight's jar (scripts/make-pdf-fonts.sh). */
    private static final String[] FALLBACK_FONTS = {"dev/freight/format/fonts/DroidSansFallback.ttf",
            "dev/freight/format/fonts/Symbola-symbols.ttf"};
    private static final byte[][] FALLBACK_BYTES = new byte[FALLBACK_FONTS.length][];
    /** What {@link #fontFor} answers for a character to leave out, and for one to show as '?'. */
    private static final int DROP = -2, REPLACE = -1;
    private static final Color ZEBRA = new Color(0xF0, 0xF3, 0xF7);
    private static final Color HEADER = new Color(0xD9, 0xE1, 0xEA);
    private static final Color GRID = new Color(0xB8, 0xC2, 0xCC);
    private static final DateTimeFormatter GENERATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss XXX");
    private static volatile byte[] fontBytes;

    private final OutputStream out;
    private final List<Column> columns;
    private final List<String> labels;
    private final FormatOptions options;
    private final PdfOptions pdf;
    private final WriterContext context;
    private final long maxRows;
    private final Function<Object, String>[] text;
    private final boolean[] rightAligned;

    private Document document;
    /** Made at the first flush (see {@link #newTable}); the cells of the rows before it wait in {@link #early}. */
    private PdfPTable table;
    private final List<PdfPCell> early = new ArrayList<>();
    /** Per column, the widest word (points, body size) of the first {@value #SAMPLE_ROWS} rows. */
    private float[] dataWords;
    private BaseFont base;
    /** Fallback fonts by index into {@link #FALLBACK_FONTS}, loaded on first need; null until then or if unusable. */
    private final BaseFont[] fallbacks = new BaseFont[FALLBACK_FONTS.length];
    private final boolean[] fallbackTried = new boolean[FALLBACK_FONTS.length];
    private Font body;
    /** {@link #body} in each fallback font, made on first use. */
    private final Font[] bodyFallback = new Font[FALLBACK_FONTS.length];
    private long rows;
    private int pending;
    private int pendingChars;

    public PdfFormatWriter(OutputStream out, List<Column> columns, List<String> labels, FormatOptions options,
                           WriterContext context) {
        this(out, columns, labels, options, context, context.pdfMaxRows());
    }

    @SuppressWarnings("unchecked")
    public PdfFormatWriter(OutputStream out, List<Column> columns, List<String> labels, FormatOptions options,
                           WriterContext context, long maxRows) {
        this.out = out;
        this.columns = columns;
        this.labels = labels;
        this.options = options;
        this.pdf = PdfOptions.of(options);
        this.context = context == null ? WriterContext.of("export") : context;
        this.maxRows = maxRows;
        this.text = new Function[columns.size()];
        this.rightAligned = new boolean[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            ColumnType type = columns.get(i).type();
            text[i] = CellText.forType(type, options);
            rightAligned[i] = type == ColumnType.INTEGER || type == ColumnType.DECIMAL || type == ColumnType.FLOAT;
        }
    }

    @Override
    public void begin() throws IOException {
        base = primaryFont();
        body = new Font(base, pdf.fontSize());
        Rectangle page = pdf.letter() ? PageSize.LETTER : PageSize.A4;
        // A landscape media box rather than a portrait one with /Rotate 90: what viewers, printers and tools expect.
        if (pdf.landscapeFor(columns.size())) page = new Rectangle(page.getHeight(), page.getWidth());
        float margin = 28f;
        document = new Document(page, margin, margin, margin, margin + 16f);
        try {
            PdfWriter writer = PdfWriter.getInstance(document, out);
            writer.setCloseStream(false);
            writer.setFullCompression();
            writer.setPageEvent(new Footer(footerFont(), this::phrase, title()));
            document.addTitle(title());
            document.addCreator("Freight");
            document.open();
            titleBlock();
            dataWords = new float[columns.size()];
        } catch (DocumentException e) {
            throw new IOException("cannot start the PDF: " + e.getMessage(), e);
        }
    }

    @Override
    public void writeRow(Object[] row) throws IOException {
        if (++rows > maxRows) {
            throw new InvalidRequestException(ProblemCode.TOO_MANY_ROWS_FOR_PDF, "format", tooManyRows(maxRows));
        }
        Color shade = rows % 2 == 0 ? ZEBRA : null;
        for (int i = 0; i < text.length; i++) {
            Object v = row[i];
            String s = v == null ? options.nullText() : text[i].apply(v);
            pendingChars += Math.min(s.length(), MAX_CELL_CHARS);
            PdfPCell cell = new PdfPCell(phrase(s, body));
            cell.setHorizontalAlignment(rightAligned[i] ? Element.ALIGN_RIGHT : Element.ALIGN_LEFT);
            if (shade != null) cell.setBackgroundColor(shade);
            style(cell);
            if (table != null) {
                table.addCell(cell);
            } else {
                // Widths are fixed when the table is made, at the first flush: until then the first rows can still
                // shape them (so a column is not made too narrow for its values' words).
                early.add(cell);
                if (rows <= SAMPLE_ROWS) measureWords(i, s);
            }
        }
        if (++pending >= FLUSH_ROWS || pendingChars >= FLUSH_CHARS) flush();
    }

    @Override
    public void finish() throws IOException {
        try {
            if (table == null) table = newTable();
            if (rows == 0) {
                // A table with nothing but header rows is not drawn: the header becomes its only row.
                table.setHeaderRows(0);
                table.setComplete(true);
                document.add(table);
                Paragraph none = new Paragraph("No rows match.", body);
                none.setSpacingBefore(6f);
                document.add(none);
            } else {
                table.setComplete(true);
                document.add(table);
            }
            document.close();
        } catch (DocumentException e) {
            throw new IOException("cannot finish the PDF: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw wrap(e);
        }
        out.flush();
    }

    /** The error for a PDF request above the row cap; {@code Exports} uses the same words up front. */
    public static String tooManyRows(long cap) {
        return String.format(java.util.Locale.ROOT, "a PDF report is limited to %,d rows and this export selects more;"
                + " choose CSV or XLSX for the full data, or add filters (or a row_limit) to select at most %,d rows", cap, cap);
    }

    private void flush() throws IOException {
        pending = 0;
        pendingChars = 0;
        try {
            if (table == null) table = newTable();
            // An incomplete table is a LargeElement: the document lays out these rows, writes the pages they
            // fill, and deletes them from the table (which then skips its first header on the next add).
            document.add(table);
        } catch (DocumentException e) {
            throw new IOException("cannot write the PDF: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw wrap(e);
        }
    }

    private static RuntimeException wrap(RuntimeException e) {
        // OpenPDF reports a failing output stream as ExceptionConverter around the IOException.
        if (e instanceof com.lowagie.text.ExceptionConverter c && c.getException() instanceof IOException io) {
            return new UncheckedIOException(io);
        }
        return e;
    }

    private void titleBlock() throws DocumentException {
        Paragraph heading = new Paragraph(phrase(title(), new Font(base, pdf.fontSize() + 8f, Font.BOLD)));
        heading.setSpacingAfter(4f);
        document.add(heading);
        Font meta = new Font(base, pdf.fontSize() + 1f, Font.NORMAL, new Color(0x44, 0x44, 0x44));
        String generated = GENERATED.format(context.generatedAt().atZone(options.timeZone() == null ? ZoneOffset.UTC : options.timeZone()));
        document.add(new Paragraph(phrase("Generated " + generated + "  ·  dataset " + context.dataset(), meta)));
        String filters = context.filtersInWords() == null || context.filtersInWords().isBlank() ? "all rows"
                : context.filtersInWords();
        Paragraph where = new Paragraph(phrase("Filters: " + filters, meta));
        where.setSpacingAfter(8f);
        document.add(where);
    }

    private PdfPTable newTable() throws DocumentException {
        PdfPTable t = new PdfPTable(columns.size());
        t.setWidthPercentage(100f);
        String[] headers = new String[columns.size()];
        float[] weights = new float[columns.size()];
        for (int i = 0; i < headers.length; i++) {
            headers[i] = labels != null && i < labels.size() && labels.get(i) != null ? labels.get(i) : columns.get(i).name();
            weights[i] = weight(columns.get(i).type());
        }
        HeaderLayout layout = HeaderLayout.of(headers, weights, dataWords, document.right() - document.left(),
                pdf.fontSize(), this::width);
        t.setWidths(layout.widths());
        t.setHeaderRows(1);
        t.setComplete(false);
        // A row that does not fit moves to the next page whole; only a row taller than a page is split.
        t.setSplitLate(true);
        t.setSplitRows(true);
        Font bold = new Font(base, layout.fontSize(), Font.BOLD);
        for (int i = 0; i < columns.size(); i++) {
            Phrase label = phrase(layout.headers()[i], bold);
            for (Object chunk : label.getChunks()) ((Chunk) chunk).setSplitCharacter(HeaderLayout.SPLIT);
            PdfPCell cell = new PdfPCell(label);
            cell.setBackgroundColor(HEADER);
            cell.setHorizontalAlignment(rightAligned[i] ? Element.ALIGN_RIGHT : Element.ALIGN_LEFT);
            style(cell);
            t.addCell(cell);
        }
        for (PdfPCell cell : early) t.addCell(cell);
        early.clear();
        return t;
    }

    private void measureWords(int column, String s) {
        for (String word : HeaderLayout.pieces(s, false)) {
            dataWords[column] = Math.max(dataWords[column], width(word.strip(), body.getSize()));
        }
    }

    /** Width in points of {@code s} as {@link #phrase} sets it (fallback fonts, replacements) at {@code size}. */
    private float width(String s, float size) {
        float w = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            int f = fontFor(cp);
            if (f == DROP) continue;
            w += f == REPLACE ? base.getWidthPoint('?', size) : (f == 0 ? base : fallbacks[f - 1]).getWidthPoint(cp, size);
        }
        return w;
    }

    private static float weight(ColumnType type) {
        return switch (type) {
            case BOOLEAN -> 0.8f;
            case INTEGER, FLOAT, DATE, TIME -> 1.2f;
            case DECIMAL -> 1.4f;
            case TIMESTAMP -> 2.8f;
            case TIMESTAMP_TZ -> 3.4f;
            default -> 2.6f;
        };
    }

    private void style(PdfPCell cell) {
        cell.setBorderColor(GRID);
        cell.setBorderWidth(0.4f);
        cell.setPaddingTop(1.5f);
        cell.setPaddingBottom(3f);
        cell.setPaddingLeft(HeaderLayout.PADDING);
        cell.setPaddingRight(HeaderLayout.PADDING);
    }

    private String title() {
        return pdf.title() != null ? pdf.title() : context.dataset();
    }

    /**
     * The text as a phrase in {@code font}, each character the font lacks set in the first fallback font that has
     * it, or dropped, or replaced (see {@link #fontFor}). Text the base font covers, nearly all, takes one scan.
     */
    private Phrase phrase(String s, Font font) {
        if (s.length() > MAX_CELL_CHARS) s = s.substring(0, MAX_CELL_CHARS) + "…";
        if (covered(s)) return new Phrase(s, font);
        Phrase p = new Phrase();
        StringBuilder run = new StringBuilder();
        int runFont = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            int f = fontFor(cp);
            if (f == DROP) continue;
            if (f == REPLACE) {
                cp = '?';
                f = 0;
            }
            if (f != runFont && run.length() > 0) {
                p.add(new Phrase(run.toString(), variant(font, runFont)));
                run.setLength(0);
            }
            runFont = f;
            run.appendCodePoint(cp == '\n' || !Character.isISOControl(cp) ? cp : ' ');
        }
        if (run.length() > 0) p.add(new Phrase(run.toString(), variant(font, runFont)));
        return p;
    }

    /**
     * Which font sets {@code cp}: 0 for the base font, 1 + n for fallback n, or {@link #DROP} (invisible format
     * characters: joiners, variation selectors, which no font draws) or {@link #REPLACE} (shown as '?').
     */
    private int fontFor(int cp) {
        if (cp == '\n' || Character.isISOControl(cp) || base.charExists(cp)) return 0;
        int type = Character.getType(cp);
        if (type == Character.FORMAT || cp >= 0xFE00 && cp <= 0xFE0F || cp >= 0xE0100 && cp <= 0xE01EF) return DROP;
        for (int f = 0; f < FALLBACK_FONTS.length; f++) {
            BaseFont fallback = fallback(f);
            if (fallback != null && fallback.charExists(cp)) return f + 1;
        }
        return REPLACE;
    }

    private boolean covered(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\n') return false;
            if (c >= 0x20 && c < 0x7F) continue;
            if (Character.isSurrogate(c) || !base.charExists(c)) return false;
        }
        return true;
    }

    /** {@code font} set in font {@code f} (see {@link #fontFor}); the body's variants are made once. */
    private Font variant(Font font, int f) {
        if (f == 0) return font;
        if (font == body) {
            if (bodyFallback[f - 1] == null) bodyFallback[f - 1] = new Font(fallbacks[f - 1], font.getSize(), font.getStyle());
            return bodyFallback[f - 1];
        }
        return new Font(fallbacks[f - 1], font.getSize(), font.getStyle(), font.getColor());
    }

    /** Fallback font {@code f}, loaded on first need (a new BaseFont per document: subset state is per document). */
    private BaseFont fallback(int f) {
        if (!fallbackTried[f]) {
            fallbackTried[f] = true;
            try {
                fallbacks[f] = BaseFont.createFont(FALLBACK_FONTS[f].substring(FALLBACK_FONTS[f].lastIndexOf('/') + 1),
                        BaseFont.IDENTITY_H, BaseFont.EMBEDDED, false, fallbackBytes(f), null);
            } catch (IOException | RuntimeException e) {
                fallbacks[f] = null;
            }
        }
        return fallbacks[f];
    }

    private static byte[] fallbackBytes(int f) throws IOException {
        synchronized (FALLBACK_BYTES) {
            if (FALLBACK_BYTES[f] == null) {
                try (InputStream in = PdfFormatWriter.class.getClassLoader().getResourceAsStream(FALLBACK_FONTS[f])) {
                    if (in == null) throw new IOException("no " + FALLBACK_FONTS[f] + " on the class path");
                    FALLBACK_BYTES[f] = in.readAllBytes();
                }
            }
            return FALLBACK_BYTES[f];
        }
    }

    /** Liberation Sans from OpenPDF's jar (a new BaseFont per document: a font's subset state is per document). */
    private static BaseFont primaryFont() throws IOException {
        try {
            byte[] bytes = fontBytes;
            if (bytes == null) {
                try (InputStream in = BaseFont.class.getClassLoader().getResourceAsStream(BUNDLED_FONT)) {
                    if (in == null) throw new IOException("no " + BUNDLED_FONT + " on the class path");
                    bytes = in.readAllBytes();
                }
                fontBytes = bytes;
            }
            return BaseFont.createFont("LiberationSans-Regular.ttf", BaseFont.IDENTITY_H, BaseFont.EMBEDDED, false,
                    bytes, null);
        } catch (IOException | RuntimeException e) {
            try {
                return BaseFont.createFont(BaseFont.HELVETICA, BaseFont.WINANSI, BaseFont.NOT_EMBEDDED);
            } catch (DocumentException helvetica) {
                throw new IOException("no usable font for the PDF: " + helvetica.getMessage(), helvetica);
            }
        }
    }

    private Font footerFont() {
        return new Font(base, Math.max(6f, pdf.fontSize() - 1f), Font.NORMAL, new Color(0x55, 0x55, 0x55));
    }

    /** "title — page n of m" at the foot of every page; m is a template filled in when the document closes. */
    private static final class Footer extends PdfPageEventHelper {
        private final Font font;
        private final Phrase title;
        private PdfTemplate total;

        Footer(Font font, BiFunction<String, Font, Phrase> phrase, String title) {
            this.font = font;
            // Cut by code point, so that a character outside the BMP is never split in two.
            this.title = phrase.apply(title.codePointCount(0, title.length()) > 120
                    ? title.substring(0, title.offsetByCodePoints(0, 117)) + "..." : title, font);
        }

        @Override
        public void onOpenDocument(PdfWriter writer, Document document) {
            total = writer.getDirectContent().createTemplate(font.getSize() * 4f, font.getSize() + 4f);
        }

        @Override
        public void onEndPage(PdfWriter writer, Document document) {
            PdfContentByte cb = writer.getDirectContent();
            BaseFont bf = font.getBaseFont();
            float size = font.getSize();
            float y = document.bottomMargin() - size - 6f;
            String label = "Page " + writer.getPageNumber() + " of ";
            float labelWidth = bf.getWidthPoint(label, size);
            float right = document.right();
            float reserve = bf.getWidthPoint("00000", size);
            // The title may need fallback fonts, which the phrase carries; the page label is plain digits.
            ColumnText.showTextAligned(cb, Element.ALIGN_LEFT, title, document.left(), y, 0);
            cb.saveState();
            cb.setColorFill(font.getColor());
            cb.beginText();
            cb.setFontAndSize(bf, size);
            cb.setTextMatrix(right - reserve - labelWidth, y);
            cb.showText(label);
            cb.endText();
            cb.addTemplate(total, right - reserve, y);
            cb.restoreState();
        }

        @Override
        public void onCloseDocument(PdfWriter writer, Document document) {
            total.beginText();
            total.setColorFill(font.getColor());
            total.setFontAndSize(font.getBaseFont(), font.getSize());
            total.setTextMatrix(0, 0);
            total.showText(String.valueOf(writer.getPageNumber() - 1));
            total.endText();
        }
    }
}
