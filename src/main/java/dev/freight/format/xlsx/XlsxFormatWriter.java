package dev.freight.format.xlsx;

import dev.freight.format.CellText;
import dev.freight.format.FormatOptions;
import dev.freight.format.FormatWriter;
import dev.freight.format.FormulaGuard;
import dev.freight.format.NonFinite;
import dev.freight.format.WriterContext;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * XLSX through FastExcel's streaming writer (never a DOM workbook): rows are flushed to the zip stream every
 * {@value #FLUSH_EVERY} rows, text goes into inline strings (no shared-string table growing with the export), so
 * memory stays flat however many rows arrive.
 * <p>
 * Cells are typed: integers and decimals are numbers (a decimal gets a number format with its own scale, so 0.10
 * shows as 0.10), dates and timestamps are Excel dates with an ISO-like display format, booleans are booleans, and
 * everything else is text, written verbatim and never a formula. Where a typed cell would not be exact, exactness
 * wins and the cell is the canonical text instead (see {@link #writeCell}).
 * <p>
 * A sheet holds at most 1,048,576 rows: after {@value #MAX_DATA_ROWS} data rows the export continues on
 * "name (2)", "name (3)" … with the header repeated, where other tools simply fail.
 */
final class XlsxFormatWriter implements FormatWriter {
    /** 1,048,576 rows per sheet in Excel, one of them the header. */
    static final int MAX_DATA_ROWS = 1_048_575;
    static final int FLUSH_EVERY = 1_000;
    /** Column widths are taken from the header and this many first rows. */
    static final int WIDTH_SAMPLE_ROWS = 100;
    static final double MIN_WIDTH = 8, MAX_WIDTH = 60;
    /**
     * Integers up to 2^53-1 are exact as Excel numbers (IEEE doubles); beyond that they are written as text.
     */
    static final long MAX_EXACT_INTEGER = (1L << 53) - 1;
    /** Excel keeps 15 significant digits; a decimal with more is written as text rather than rounded. */
    static final int MAX_EXACT_DIGITS = 15;
    static final String DATE_FORMAT = "yyyy-mm-dd";
    static final String TIMESTAMP_FORMAT = "yyyy-mm-dd hh:mm:ss";
    static final String TIME_FORMAT = "hh:mm:ss";
    /** Excel's calendar starts in 1900 (with its 1900 leap-year bug before March) and ends in 9999. */
    private static final LocalDate FIRST_EXCEL_DATE = LocalDate.of(1900, 3, 1);
    private static final LocalDate LAST_EXCEL_DATE = LocalDate.of(9999, 12, 31);

    private final List<String> labels;
    private final FormatOptions options;
    private final ColumnType[] types;
    private final Function<Object, String>[] canonical;
    private final String sheetBase;
    private final Workbook workbook;
    private final double[] widths;
    private final int maxDataRows;

    private Worksheet sheet;
    private int sheetNumber;
    /** The next row index to write in the current sheet (0-based, header included). */
    private int nextRow;
    private int dataRowsInSheet;
    private long sampledRows;
    private boolean widthsApplied;
    /**
     * Per column, the run of consecutive rows whose cells take the same number format ({@code runFormat} null: no
     * run). A FastExcel style costs a style merge and cache lookup per call, so a run is styled in one call as a
     * range when it ends, rather than cell by cell: same style index on the same cells, far fewer calls.
     */
    private final int[] runStart;
    private final int[] runEnd;
    private final String[] runFormat;

    XlsxFormatWriter(OutputStream out, List<Column> columns, List<String> labels, FormatOptions options,
                     WriterContext context) {
        this(out, columns, labels, options, context, MAX_DATA_ROWS);
    }

    @SuppressWarnings("unchecked")
    XlsxFormatWriter(OutputStream out, List<Column> columns, List<String> labels, FormatOptions options,
                     WriterContext context, int maxDataRows) {
        this.labels = labels;
        this.options = options;
        this.maxDataRows = maxDataRows;
        this.types = new ColumnType[columns.size()];
        this.canonical = new Function[columns.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = columns.get(i).type();
            // The canonical text (ISO, plain digits, base64): for text fallbacks, never the presentation options.
            canonical[i] = CellText.forType(types[i], options.timeZone());
        }
        this.sheetBase = XlsxOptions.sheetName(options, context);
        this.widths = new double[columns.size()];
        this.runStart = new int[columns.size()];
        this.runEnd = new int[columns.size()];
        this.runFormat = new String[columns.size()];
        // FastExcel's Workbook.finish() ends the zip but the stream belongs to the engine: never let it be closed.
        OutputStream unclosable = new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
        this.workbook = new Workbook(unclosable, "Freight", null);
        Instant generated = context == null ? Instant.now() : context.generatedAt();
        if (!XlsxZipStream.install(workbook,
                new XlsxZipStream(unclosable, LocalDateTime.ofInstant(generated, options.timeZone())))) {
            warnOnce();
        }
        // Deflate dominates the cost of a streamed workbook; level 1 makes files ~15% larger and the export much faster.
        workbook.setCompressionLevel(java.util.zip.Deflater.BEST_SPEED);
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();

    private static void warnOnce() {
        if (WARNED.compareAndSet(false, true)) {
            org.slf4j.LoggerFactory.getLogger(XlsxFormatWriter.class).warn("this FastExcel version cannot take Freight's"
                    + " zip stream: XLSX files keep FastExcel's own (undated entries, <dimension ref=\"A1\"/>)");
        }
    }

    @Override
    public void begin() throws IOException {
        if (options.header()) {
            for (int c = 0; c < labels.size(); c++) measure(c, labels.get(c).length() + 3);  // + the filter button
        }
        newSheet();
    }

    private void newSheet() throws IOException {
        if (sheet != null) endSheet();
        sheetNumber++;
        sheet = workbook.newWorksheet(XlsxOptions.nthSheetName(sheetBase, sheetNumber));
        nextRow = 0;
        dataRowsInSheet = 0;
        if (widthsApplied) applyWidths();
        if (options.header() && !labels.isEmpty()) {
            for (int c = 0; c < labels.size(); c++) sheet.inlineString(0, c, ooxmlText(labels.get(c)));
            sheet.range(0, 0, 0, labels.size() - 1).style().bold().set();
            sheet.freezePane(0, 1);
            nextRow = 1;
        }
    }

    private void endSheet() throws IOException {
        styleRuns();
        if (!widthsApplied) applyWidths();
        if (options.header() && !labels.isEmpty()) {
            sheet.setAutoFilter(0, 0, Math.max(0, nextRow - 1), labels.size() - 1);
        }
        sheet.finish();
        releaseRowIndex(sheet);
    }

    /**
     * A finished FastExcel sheet keeps its emptied row list, whose backing array holds a slot for each of its
     * million rows (about 5 MB), for as long as the workbook lives: memory would grow with every sheet of a very
     * large export. Trimming the list gives that back. Reflection on a private field, so guarded: if a FastExcel
     * version renames it, the export still works, only without the trim.
     */
    private static void releaseRowIndex(Worksheet finished) {
        if (ROWS_FIELD == null) return;
        try {
            if (ROWS_FIELD.get(finished) instanceof java.util.ArrayList<?> list) list.trimToSize();
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // best effort
        }
    }

    private static final java.lang.reflect.Field ROWS_FIELD = rowsField();

    private static java.lang.reflect.Field rowsField() {
        try {
            java.lang.reflect.Field f = Worksheet.class.getDeclaredField("rows");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void writeRow(Object[] row) throws IOException {
        if (dataRowsInSheet == maxDataRows) newSheet();
        int r = nextRow++;
        dataRowsInSheet++;
        boolean sample = !widthsApplied && sampledRows++ < WIDTH_SAMPLE_ROWS;
        for (int c = 0; c < row.length; c++) {
            int shown = writeCell(r, c, row[c], sample);
            if (sample) measure(c, shown);
        }
        if (dataRowsInSheet % FLUSH_EVERY == 0) {
            // Widths and the frozen pane go out with the sheet's first flush; they cannot change afterwards.
            if (!widthsApplied) applyWidths();
            styleRuns();  // a flushed row cannot be styled any more
            sheet.flush();
        }
    }

    /**
     * Writes one cell and, when {@code measure}, returns roughly how many characters it shows (for the column
     * widths; only the first rows are measured, so the per-row path builds no strings for it).
     * <ul>
     *   <li>Integers beyond ±(2^53-1) and decimals with more than 15 significant digits are written as text: an
     *   Excel number is a double and would silently change them; exactness beats type.</li>
     *   <li>NaN and ±Infinity have no Excel number: text.</li>
     *   <li>Timestamps with a time zone: Excel dates have no zone, so the cell holds the wall-clock time in the
     *   export's {@code time_zone} (UTC by default).</li>
     *   <li>Dates before 1900-03-01 (Excel's calendar starts in 1900 and gets February 1900 wrong) or after 9999
     *   are written as ISO text.</li>
     *   <li>Binary is base64 text; JSON, arrays, UUIDs … (TEXT_LIKE) are text. Text is written verbatim as an
     *   inline string, which Excel never evaluates, so {@code =SUM(A1)} or {@code @support} stay the user's data;
     *   CSV needs neutralising ({@link FormulaGuard}) because a CSV field has no type, XLSX does not. Only the
     *   encoding escapes OOXML itself requires are applied (see {@link #ooxmlText}).</li>
     * </ul>
     * Number and date cells are never affected by {@code number_locale} or {@code bool_text}, which change text.
     */
    private int writeCell(int r, int c, Object v, boolean measure) {
        if (v == null) {
            if (options.nullText().isEmpty()) return 0;
            return text(r, c, options.nullText());
        }
        switch (types[c]) {
            case INTEGER -> {
                long l = ((Number) v).longValue();
                if (Math.abs(l) > MAX_EXACT_INTEGER || l == Long.MIN_VALUE) return text(r, c, Long.toString(l));
                sheet.value(r, c, l);
                return measure ? Long.toString(l).length() : 0;
            }
            case DECIMAL -> {
                // Excel has no NaN or infinity: PostgreSQL's word, as text (NonFinite).
                if (NonFinite.isNonFiniteDecimal(v)) return text(r, c, NonFinite.numberText(v));
                BigDecimal d = v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
                if (d.precision() > MAX_EXACT_DIGITS && d.signum() != 0 && d.stripTrailingZeros().precision() > MAX_EXACT_DIGITS) {
                    return text(r, c, d.toPlainString());
                }
                sheet.value(r, c, d);
                format(r, c, decimalFormat(d.scale()));
                return measure ? d.toPlainString().length() : 0;
            }
            case FLOAT -> {
                // Through the shortest text, so that a float 0.1 is the double 0.1, not 0.10000000149.
                double d = ((Number) v).doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) return text(r, c, Double.toString(d));
                sheet.value(r, c, v instanceof Float ? Double.parseDouble(CellText.floating(v)) : d);
                return measure ? Math.min(CellText.floating(v).length(), 16) : 0;
            }
            case BOOLEAN -> {
                sheet.value(r, c, (Boolean) v);
                return 5;
            }
            case DATE -> {
                if (NonFinite.temporalWord(v) != null) return text(r, c, NonFinite.temporalWord(v));
                LocalDate d = (LocalDate) v;
                if (!inExcelRange(d)) return text(r, c, canonical[c].apply(v));
                sheet.value(r, c, d);
                format(r, c, DATE_FORMAT);
                return DATE_FORMAT.length();
            }
            case TIME -> {
                if (NonFinite.isStoredText(v)) return text(r, c, (String) v);
                sheet.value(r, c, ((LocalTime) v).toNanoOfDay() / 86_400e9);
                format(r, c, TIME_FORMAT);
                return TIME_FORMAT.length();
            }
            case TIMESTAMP, TIMESTAMP_TZ -> {
                if (NonFinite.temporalWord(v) != null) return text(r, c, NonFinite.temporalWord(v));
                LocalDateTime t = v instanceof OffsetDateTime o ? wallClock(o, options.timeZone()) : (LocalDateTime) v;
                if (!inExcelRange(t.toLocalDate())) return text(r, c, canonical[c].apply(v));
                sheet.value(r, c, t);
                format(r, c, TIMESTAMP_FORMAT);
                return TIMESTAMP_FORMAT.length();
            }
            case BINARY -> {
                return text(r, c, Base64.getEncoder().encodeToString((byte[]) v));
            }
            default -> {
                return text(r, c, v.toString());
            }
        }
    }

    /** Gives cell (r, c) a number format: extends the column's run, or ends it and starts another. */
    private void format(int r, int c, String format) {
        if (runFormat[c] != null && runEnd[c] == r - 1 && runFormat[c].equals(format)) {
            runEnd[c] = r;
            return;
        }
        styleRun(c);
        runStart[c] = r;
        runEnd[c] = r;
        runFormat[c] = format;
    }

    private void styleRun(int c) {
        if (runFormat[c] == null) return;
        sheet.range(runStart[c], c, runEnd[c], c).style().format(runFormat[c]).set();
        runFormat[c] = null;
    }

    private void styleRuns() {
        for (int c = 0; c < runFormat.length; c++) styleRun(c);
    }

    /** Excel has no time zones: the wall-clock time of the instant in the export's zone. */
    private static LocalDateTime wallClock(OffsetDateTime o, ZoneId zone) {
        return o.atZoneSameInstant(zone).toLocalDateTime();
    }

    private static boolean inExcelRange(LocalDate d) {
        return !d.isBefore(FIRST_EXCEL_DATE) && !d.isAfter(LAST_EXCEL_DATE);
    }

    private int text(int r, int c, String s) {
        sheet.inlineString(r, c, ooxmlText(s));
        return s.length();
    }

    /**
     * The text as OOXML must carry it to read back unchanged. A reader (Excel, POI) decodes {@code _xHHHH_} inside
     * a string as U+HHHH (ECMA-376 ST_Xstring), so an underscore that starts such a pattern is itself escaped as
     * {@code _x005F_}; and control characters XML 1.0 cannot hold (FastExcel would drop them) are written with that
     * escape too. Tab, LF and CR pass (FastExcel writes them as character references). Text needing neither, nearly
     * all of it, is returned as is after one scan.
     */
    static String ooxmlText(String s) {
        int n = s.length();
        int i = 0;
        while (i < n && !needsEscape(s, i)) i++;
        if (i == n) return s;
        StringBuilder b = new StringBuilder(n + 16).append(s, 0, i);
        for (; i < n; i++) {
            char ch = s.charAt(i);
            if (!needsEscape(s, i)) {
                b.append(ch);
            } else {
                b.append("_x").append(HEX[ch >> 12 & 0xF]).append(HEX[ch >> 8 & 0xF]).append(HEX[ch >> 4 & 0xF])
                        .append(HEX[ch & 0xF]).append('_');
            }
        }
        return b.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static boolean needsEscape(String s, int i) {
        char ch = s.charAt(i);
        if (ch < 0x20) return ch != '\t' && ch != '\n' && ch != '\r';
        if (ch == '_') return looksLikeEscape(s, i);
        return ch == 0xFFFE || ch == 0xFFFF;
    }

    /** {@code _xHHHH_} at {@code i}, with either case of x and hex digits: escaping a few too many is harmless. */
    private static boolean looksLikeEscape(String s, int i) {
        if (i + 6 >= s.length() || s.charAt(i + 6) != '_') return false;
        char x = s.charAt(i + 1);
        if (x != 'x' && x != 'X') return false;
        for (int k = i + 2; k < i + 6; k++) {
            if (Character.digit(s.charAt(k), 16) < 0) return false;
        }
        return true;
    }

    private static final String[] DECIMAL_FORMATS = new String[31];

    /** "0", "0.0", "0.00" … so that a decimal shows its scale; cached since every cell asks. */
    static String decimalFormat(int scale) {
        if (scale <= 0) return "0";
        if (scale >= DECIMAL_FORMATS.length) return "0." + "0".repeat(scale);
        String f = DECIMAL_FORMATS[scale];
        if (f == null) DECIMAL_FORMATS[scale] = f = "0." + "0".repeat(scale);
        return f;
    }

    private void measure(int c, int chars) {
        if (c < widths.length) widths[c] = Math.max(widths[c], chars);
    }

    private void applyWidths() {
        for (int c = 0; c < widths.length; c++) {
            sheet.width(c, Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, widths[c] + 1)));
        }
        widthsApplied = true;
    }

    @Override
    public void finish() throws IOException {
        endSheet();
        workbook.finish();
    }
}
