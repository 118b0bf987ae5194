package dev.freight.format;

import com.lowagie.text.Document;
import com.lowagie.text.DocumentException;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.Rectangle;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.PdfContentByte;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfPageEventHelper;
import com.lowagie.text.pdf.PdfTemplate;
import com.lowagie.text.pdf.PdfWriter;
import dev.freight.query.InvalidRequestException;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;

import java.awt.Color;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
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
 * <p>Font: Liberation Sans, which OpenPDF ships inside its own jar, embedded as a subset with Identity-H, so
 * Latin (é, ß, ø …), Greek and Cyrillic render the same on every machine. Characters it lacks (CJK) are set in
 * Adobe's STSong-Light (a standard Asian font the viewer supplies, not embedded); anything neither covers is
 * shown as {@code ?}. Should the bundled font fail to load, the report falls back to Helvetica (WinAnsi) with the
 * same replacement. Cells are cut at {@value #MAX_CELL_CHARS} characters (marked with …) so one huge value
 * cannot blow up a page.
 *
 * <p>Defence in depth: the request is refused up front above the PDF row cap (engine {@code Exports}); the
 * writer also refuses to go past {@link #maxRows}.
 */
public final class PdfFormatWriter implements FormatWriter {
    /** The default row cap for PDF reports; {@code Exports} refuses larger requests up front. */
    public static final long DEFAULT_MAX_ROWS = 100_000;
    static final int FLUSH_ROWS = 500;
    /**
     * OpenPDF measures every row it is handed before it writes the first page, and nothing can stop it in between:
     * 500 rows of long text took over a second on a cold JVM, longer than a cancel may take. Bounding the text
     * per hand-over bounds that; rows of ordinary width never reach it.
     */
    static final int FLUSH_CHARS = 100_000;
    static final int MAX_CELL_CHARS = 4_000;
    private static final String BUNDLED_FONT = "font-fallback/LiberationSans-Regular.ttf";
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
    private PdfPTable table;
    private BaseFont base;
    private BaseFont cjk;
    private boolean cjkTried;
    private Font body;
    private Font bodyCjk;
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
            writer.setPageEvent(new Footer(footerFont(), title()));
            document.addTitle(title());
            document.addCreator("Freight");
            document.open();
            titleBlock();
            table = newTable();
        } catch (DocumentException e) {
            throw new IOException("cannot start the PDF: " + e.getMessage(), e);
        }
    }

    @Override
    public void writeRow(Object[] row) throws IOException {
        if (++rows > maxRows) {
            throw new InvalidRequestException("too_many_rows_for_pdf", "format", tooManyRows(maxRows));
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
            table.addCell(cell);
        }
        if (++pending >= FLUSH_ROWS || pendingChars >= FLUSH_CHARS) flush();
    }

    @Override
    public void finish() throws IOException {
        try {
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
        float[] widths = new float[columns.size()];
        for (int i = 0; i < widths.length; i++) widths[i] = weight(columns.get(i).type());
        t.setWidths(widths);
        t.setHeaderRows(1);
        t.setComplete(false);
        // A row that does not fit moves to the next page whole; only a row taller than a page is split.
        t.setSplitLate(true);
        t.setSplitRows(true);
        Font bold = new Font(base, pdf.fontSize(), Font.BOLD);
        for (int i = 0; i < columns.size(); i++) {
            String label = labels != null && i < labels.size() && labels.get(i) != null ? labels.get(i) : columns.get(i).name();
            PdfPCell cell = new PdfPCell(phrase(label, bold));
            cell.setBackgroundColor(HEADER);
            cell.setHorizontalAlignment(rightAligned[i] ? Element.ALIGN_RIGHT : Element.ALIGN_LEFT);
            style(cell);
            t.addCell(cell);
        }
        return t;
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
        cell.setPaddingLeft(3f);
        cell.setPaddingRight(3f);
    }

    private String title() {
        return pdf.title() != null ? pdf.title() : context.dataset();
    }

    /** The text as a phrase in {@code font}, with characters the font lacks set in the CJK font or replaced. */
    private Phrase phrase(String s, Font font) {
        if (s.length() > MAX_CELL_CHARS) s = s.substring(0, MAX_CELL_CHARS) + "…";
        if (covered(s)) return new Phrase(s, font);
        Phrase p = new Phrase();
        StringBuilder run = new StringBuilder();
        boolean runCjk = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            boolean useCjk = false;
            if (cp == '\n') {
                // kept: a line break inside a cell
            } else if (Character.isISOControl(cp)) {
                cp = ' ';
            } else if (!base.charExists(cp)) {
                BaseFont c = cjkFont();
                if (c != null && c.charExists(cp)) {
                    useCjk = true;
                } else {
                    cp = '?';
                }
            }
            if (useCjk != runCjk && run.length() > 0) {
                p.add(new Phrase(run.toString(), runCjk ? cjkVariant(font) : font));
                run.setLength(0);
            }
            runCjk = useCjk;
            run.appendCodePoint(cp);
        }
        if (run.length() > 0) p.add(new Phrase(run.toString(), runCjk ? cjkVariant(font) : font));
        return p;
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

    private Font cjkVariant(Font font) {
        if (font == body) {
            if (bodyCjk == null) bodyCjk = new Font(cjk, font.getSize(), font.getStyle());
            return bodyCjk;
        }
        return new Font(cjk, font.getSize(), font.getStyle(), font.getColor());
    }

    private BaseFont cjkFont() {
        if (!cjkTried) {
            cjkTried = true;
            try {
                cjk = BaseFont.createFont("STSong-Light", "UniGB-UCS2-H", BaseFont.NOT_EMBEDDED);
            } catch (IOException | RuntimeException e) {
                cjk = null;
            }
        }
        return cjk;
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
        private final String title;
        private PdfTemplate total;

        Footer(Font font, String title) {
            this.font = font;
            this.title = title.length() > 120 ? title.substring(0, 117) + "..." : title;
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
            cb.saveState();
            cb.setColorFill(font.getColor());
            cb.beginText();
            cb.setFontAndSize(bf, size);
            cb.setTextMatrix(document.left(), y);
            cb.showText(printable(title, bf));
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

        private static String printable(String s, BaseFont bf) {
            StringBuilder b = new StringBuilder(s.length());
            s.codePoints().forEach(cp -> b.appendCodePoint(bf.charExists(cp) && !Character.isISOControl(cp) ? cp : '?'));
            return b.toString();
        }
    }
}
