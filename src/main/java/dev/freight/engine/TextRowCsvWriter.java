package dev.freight.engine;

import dev.freight.format.CellText;
import dev.freight.format.FormatOptions;
import dev.freight.format.FormulaGuard;
import dev.freight.source.Column;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;

/**
 * Writes rows of MariaDB text-protocol fields as the generic CSV writer (CellText, FormulaGuard, FastCSV and
 * Utf8Writer) writes the same values, without making the values: integers and decimals in their canonical digits
 * (what Long.toString and BigDecimal.toPlainString print), dates as sent, timestamps with a {@code T}, the
 * fraction's trailing zeros dropped and, for TIMESTAMP in UTC, {@code +00:00}; booleans as words; binary as base64;
 * text copied as its UTF-8 bytes with FastCSV's quoting and FormulaGuard's byte rules. Floats are parsed as the
 * driver parses them and printed by CellText. A field the reader could not leave as text arrives as a value and
 * takes the generic converter, as does text that is not well-formed UTF-8 (which the driver's String would have
 * repaired).
 */
final class TextRowCsvWriter {
    /** How a column's field is printed; {@code VALUE}: every field is a value read through a getter. */
    enum Kind { TEXT, INTEGER, DECIMAL, DOUBLE, REAL, BOOLEAN, DATE, TIMESTAMP, TIMESTAMP_TZ, BINARY, VALUE }

    /** Field lengths meaning SQL NULL, and a value read through a getter. */
    static final int NULL = -1;
    static final int VALUE = -2;

    private static final int FLUSH_AT = 64 * 1024;
    private static final int QUOTE = 1;
    private static final int SPECIAL = 2;
    private static final int SPLIT = 4;
    private static final byte[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] UTC = {'+', '0', '0', ':', '0', '0'};

    private final OutputStream out;
    private final Kind[] kinds;
    private final Function<Object, String>[] cells;
    private final boolean[] textCell;
    private final byte delimiter;
    private final boolean sanitize;
    private final byte[] lineEnd;
    private final boolean utc;
    /** Whether the delimiter can occur in a number, date, boolean or base64 (a letter, a digit, {@code - . :} …). */
    private final boolean delimiterInPlainText;
    /** Per ASCII byte: {@link #QUOTE}, {@link #SPECIAL} (forces quotes), {@link #SPLIT} (a formula split point). */
    private final int[] asciiFlags = new int[128];
    private static final int FLOAT_SLOTS = 256;
    /** Per float column, {@value #FLOAT_SLOTS} pairs of server text and printed text (see {@link #floating}). */
    private byte[][][] floatCache;
    private byte[] buf = new byte[FLUSH_AT + 1024];
    private int used;

    @SuppressWarnings("unchecked")
    TextRowCsvWriter(OutputStream out, List<Column> columns, Kind[] kinds, FormatOptions options) {
        this.out = out;
        this.kinds = kinds;
        this.cells = new Function[columns.size()];
        this.textCell = new boolean[columns.size()];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = CellText.forType(columns.get(i).type(), options);
            textCell[i] = columns.get(i).type().isText();
        }
        this.delimiter = (byte) options.delimiter();
        this.sanitize = options.sanitizeFormulas();
        this.lineEnd = options.lineEnding().getBytes(StandardCharsets.US_ASCII);
        this.utc = options.timeZone().equals(ZoneOffset.UTC);
        char d = options.delimiter();
        this.delimiterInPlainText = Character.isLetterOrDigit(d) || "+-./:=".indexOf(d) >= 0;
        asciiFlags['"'] |= QUOTE | SPECIAL;
        asciiFlags['\n'] |= SPECIAL;
        asciiFlags['\r'] |= SPECIAL;
        asciiFlags[d] |= SPECIAL;
        asciiFlags[','] |= SPLIT;
        asciiFlags[';'] |= SPLIT;
        asciiFlags['\t'] |= SPLIT;
    }

    /**
     * Whether the reader may leave a non-NULL field as text: false where the generic getter would not read the
     * literal value (a zero or invalid date, a year before 1583, which it reads through a Julian calendar, a
     * boolean other than 0 or 1); the reader then reads it through that getter. {@code lastDate}: the date part of
     * the column's last canonical date or timestamp (rows often share a day), which needs no second check.
     */
    static boolean canonical(Kind kind, byte[] row, int start, int length, byte[] lastDate) {
        return switch (kind) {
            case TEXT, INTEGER, DECIMAL, DOUBLE, REAL, BINARY -> true;
            case VALUE -> false;
            case BOOLEAN -> length == 1 && (row[start] == '0' || row[start] == '1' || row[start] == 0 || row[start] == 1);
            case DATE -> length == 10 && date(row, start, lastDate);
            case TIMESTAMP, TIMESTAMP_TZ -> timestamp(row, start, length, lastDate);
        };
    }

    /** Room for {@link #canonical}'s last date of a column; the eleventh byte says whether it holds one yet. */
    static byte[] lastDate() {
        return new byte[11];
    }

    private static boolean date(byte[] b, int s, byte[] lastDate) {
        if (lastDate[10] == 1 && java.util.Arrays.equals(b, s, s + 10, lastDate, 0, 10)) return true;
        if (!digits(b, s, 4) || b[s + 4] != '-' || !digits(b, s + 5, 2) || b[s + 7] != '-' || !digits(b, s + 8, 2)) {
            return false;
        }
        int year = number(b, s, 4);
        int month = number(b, s + 5, 2);
        int day = number(b, s + 8, 2);
        boolean canonical = year > 1582 && month >= 1 && month <= 12 && day >= 1 && day <= lengthOfMonth(year, month);
        if (canonical) {
            System.arraycopy(b, s, lastDate, 0, 10);
            lastDate[10] = 1;
        }
        return canonical;
    }

    private static int lengthOfMonth(int year, int month) {
        if (month == 2) return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28;
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    /** {@code yyyy-MM-dd HH:mm:ss} and at most six fraction digits, every field in range. */
    private static boolean timestamp(byte[] b, int s, int length, byte[] lastDate) {
        if (length != 19 && (length < 21 || length > 26)) return false;
        if (b[s + 10] != ' ' || !digits(b, s + 11, 2) || b[s + 13] != ':' || !digits(b, s + 14, 2)
                || b[s + 16] != ':' || !digits(b, s + 17, 2)) {
            return false;
        }
        if (length > 19 && (b[s + 19] != '.' || !digits(b, s + 20, length - 20))) return false;
        return number(b, s + 11, 2) < 24 && number(b, s + 14, 2) < 60 && number(b, s + 17, 2) < 60
                && date(b, s, lastDate);
    }

    private static boolean digits(byte[] b, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (b[i] < '0' || b[i] > '9') return false;
        }
        return true;
    }

    private static int number(byte[] b, int from, int n) {
        int v = 0;
        for (int i = from; i < from + n; i++) v = v * 10 + (b[i] - '0');
        return v;
    }

    void writeRow(MariaDbTextCsvExport.Batch batch, int r) throws IOException {
        byte[] row = batch.rows()[r];
        int columns = kinds.length;
        int base = r * columns;
        int[] starts = batch.starts();
        int[] lengths = batch.lengths();
        for (int c = 0; c < columns; c++) {
            if (c > 0) {
                room(1);
                buf[used++] = delimiter;
            }
            int length = lengths[base + c];
            if (length == NULL) continue;
            if (length == VALUE) {
                Object v = batch.values()[r][c];
                if (v != null) string(cells[c].apply(v), textCell[c], c);
                continue;
            }
            int start = starts[base + c];
            switch (kinds[c]) {
                case TEXT -> text(row, start, length, c);
                case INTEGER -> plain(integer(row, start, length));
                case DECIMAL -> plain(decimal(row, start, length));
                case DOUBLE, REAL -> floating(row, start, length, c);
                case BOOLEAN -> plain(bool(row[start]));
                case DATE -> plain(copy(row, start, length));
                case TIMESTAMP -> plain(timestamp(row, start, length, false));
                case TIMESTAMP_TZ -> {
                    if (utc) {
                        plain(timestamp(row, start, length, true));
                    } else {
                        string(cells[c].apply(localTimestamp(row, start, length).atOffset(ZoneOffset.UTC)), false, c);
                    }
                }
                case BINARY -> plain(base64(row, start, length));
                case VALUE -> throw new IllegalStateException("a value column arrived as text");
            }
        }
        room(lineEnd.length);
        for (byte b : lineEnd) buf[used++] = b;
        if (used >= FLUSH_AT) drain();
    }

    void flush() throws IOException {
        drain();
        out.flush();
    }

    private void drain() throws IOException {
        if (used > 0) out.write(buf, 0, used);
        used = 0;
    }

    private void room(int bytes) throws IOException {
        if (buf.length - used < bytes) {
            drain();
            if (buf.length < bytes) buf = new byte[bytes];
        }
    }

    private static String ascii(byte[] row, int start, int length) {
        return new String(row, start, length, StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------------------------------------------ floats

    /**
     * A float as CellText prints the value the driver parses. Parsing and printing a double cost more than the
     * rest of a row (a third of the writing thread on the bench table), and float columns often repeat a few values
     * (prices, rates, discounts): each column keeps the last text printed for each of {@value #FLOAT_SLOTS} slots,
     * found by the hash of the server's text and compared byte for byte, so a repeated value is copied, not
     * recomputed.
     */
    private void floating(byte[] b, int start, int length, int column) throws IOException {
        if (floatCache == null) floatCache = new byte[kinds.length][][];
        byte[][] slots = floatCache[column];
        if (slots == null) slots = floatCache[column] = new byte[FLOAT_SLOTS * 2][];
        int hash = 1;
        for (int i = start; i < start + length; i++) hash = 31 * hash + b[i];
        int slot = (hash ^ hash >>> 16) & (FLOAT_SLOTS - 1);
        byte[] key = slots[2 * slot];
        byte[] text = slots[2 * slot + 1];
        if (key == null || !java.util.Arrays.equals(key, 0, key.length, b, start, start + length)) {
            String ascii = ascii(b, start, length);
            String printed = kinds[column] == Kind.REAL ? CellText.floating(Float.parseFloat(ascii))
                    : CellText.floating(Double.parseDouble(ascii));
            key = java.util.Arrays.copyOfRange(b, start, start + length);
            text = printed.getBytes(StandardCharsets.US_ASCII);
            slots[2 * slot] = key;
            slots[2 * slot + 1] = text;
        }
        plain(copy(text, 0, text.length));
    }

    // ------------------------------------------------------------------------------------------------ plain fields

    /**
     * Ends a field of ASCII that holds no quote or line break, written from {@code start}: FastCSV quotes it only
     * when it holds the delimiter, which only a letter, digit or sign as delimiter can be; and writes an empty
     * field as {@code ""}.
     */
    private void plain(int start) throws IOException {
        if (used == start) {
            room(2);
            buf[used++] = '"';
            buf[used++] = '"';
            return;
        }
        if (!delimiterInPlainText) return;
        for (int i = start; i < used; i++) {
            if (buf[i] == delimiter) {
                room(2);
                System.arraycopy(buf, start, buf, start + 1, used - start);
                buf[start] = '"';
                used++;
                buf[used++] = '"';
                return;
            }
        }
    }

    /** Long.toString of the value the driver parses: sign and digits, leading zeros (ZEROFILL) dropped. */
    private int integer(byte[] b, int start, int length) throws IOException {
        room(length + 2);
        int at = used;
        int i = start;
        int end = start + length;
        boolean negative = i < end && b[i] == '-';
        if (negative) i++;
        if (i == end) throw notANumber(b, start, length);
        while (i < end - 1 && b[i] == '0') i++;
        if (!digits(b, i, end - i)) throw notANumber(b, start, length);
        if (negative && !(end - i == 1 && b[i] == '0')) buf[used++] = '-';
        System.arraycopy(b, i, buf, used, end - i);
        used += end - i;
        return at;
    }

    /** BigDecimal.toPlainString: sign unless zero, integer digits without leading zeros (at least one), fraction as is. */
    private int decimal(byte[] b, int start, int length) throws IOException {
        room(length + 3);
        int at = used;
        int i = start;
        int end = start + length;
        boolean negative = i < end && b[i] == '-';
        if (negative) i++;
        int point = end;
        boolean zero = true;
        for (int k = i; k < end; k++) {
            byte x = b[k];
            if (x == '.' && point == end) {
                point = k;
            } else if (x >= '0' && x <= '9') {
                zero &= x == '0';
            } else {
                throw notANumber(b, start, length);
            }
        }
        if (i == end || (point == i && point == end - 1)) throw notANumber(b, start, length);
        if (negative && !zero) buf[used++] = '-';
        while (i < point - 1 && b[i] == '0') i++;
        if (point == i) buf[used++] = '0';
        int n = point == end - 1 ? point - i : end - i;
        System.arraycopy(b, i, buf, used, n);
        used += n;
        return at;
    }

    private static IllegalStateException notANumber(byte[] b, int start, int length) {
        return new IllegalStateException("MariaDB sent '" + new String(b, start, length, StandardCharsets.UTF_8)
                + "' for a number column");
    }

    private int bool(byte b) throws IOException {
        byte[] word = b == '1' || b == 1 ? TRUE : FALSE;
        room(word.length);
        int at = used;
        System.arraycopy(word, 0, buf, used, word.length);
        used += word.length;
        return at;
    }

    private int copy(byte[] b, int start, int length) throws IOException {
        room(length);
        int at = used;
        System.arraycopy(b, start, buf, used, length);
        used += length;
        return at;
    }

    /** ISO_LOCAL_DATE_TIME of a canonical {@code yyyy-MM-dd HH:mm:ss[.ffffff]}: T, fraction without trailing zeros. */
    private int timestamp(byte[] b, int start, int length, boolean utcOffset) throws IOException {
        room(length + UTC.length);
        int at = used;
        System.arraycopy(b, start, buf, used, 19);
        buf[used + 10] = 'T';
        used += 19;
        int end = start + length;
        while (end > start + 20 && b[end - 1] == '0') end--;
        if (end > start + 20) {
            System.arraycopy(b, start + 19, buf, used, end - start - 19);
            used += end - start - 19;
        }
        if (utcOffset) {
            System.arraycopy(UTC, 0, buf, used, UTC.length);
            used += UTC.length;
        }
        return at;
    }

    private static LocalDateTime localTimestamp(byte[] b, int s, int length) {
        int nanos = 0;
        for (int i = 20; i < 29; i++) nanos = nanos * 10 + (i < length ? b[s + i] - '0' : 0);
        return LocalDateTime.of(number(b, s, 4), number(b, s + 5, 2), number(b, s + 8, 2), number(b, s + 11, 2),
                number(b, s + 14, 2), number(b, s + 17, 2), nanos);
    }

    /** Base64.getEncoder(): standard alphabet, padded, one line. */
    private int base64(byte[] b, int start, int length) throws IOException {
        room((length + 2) / 3 * 4 + 2);
        int at = used;
        byte[] o = buf;
        int u = used;
        int i = start;
        int end = start + length;
        for (; i + 2 < end; i += 3) {
            int v = (b[i] & 0xFF) << 16 | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF);
            o[u++] = BASE64[v >>> 18];
            o[u++] = BASE64[v >>> 12 & 0x3F];
            o[u++] = BASE64[v >>> 6 & 0x3F];
            o[u++] = BASE64[v & 0x3F];
        }
        if (i < end) {
            int v = (b[i] & 0xFF) << 16 | (i + 1 < end ? (b[i + 1] & 0xFF) << 8 : 0);
            o[u++] = BASE64[v >>> 18];
            o[u++] = BASE64[v >>> 12 & 0x3F];
            o[u++] = i + 1 < end ? BASE64[v >>> 6 & 0x3F] : (byte) '=';
            o[u++] = '=';
        }
        used = u;
        return at;
    }

    // ------------------------------------------------------------------------------------------------ text

    /**
     * Text as its own UTF-8 bytes, when well-formed: FormulaGuard's byte rules give the apostrophe and the quotes
     * its string rules give the writer, and an ASCII delimiter, quote or line break is never part of a longer
     * character, so FastCSV's checks hold byte for byte.
     */
    private void text(byte[] b, int start, int length, int field) throws IOException {
        if (length == 0) {
            room(2);
            buf[used++] = '"';
            buf[used++] = '"';
            return;
        }
        int end = start + length;
        int flags = 0;
        int[] ascii = asciiFlags;
        for (int i = start; i < end; ) {
            byte x = b[i];
            if (x >= 0) {
                flags |= ascii[x];
                i++;
            } else {
                int n = sequence(b, i, end);
                if (n == 0) {
                    string(new String(b, start, length, StandardCharsets.UTF_8), true, field);
                    return;
                }
                i += n;
            }
        }
        boolean apostrophe = sanitize && FormulaGuard.isDangerous(b, start, end);
        // FastCSV looks at the neutralised text, whose apostrophe may be the delimiter.
        boolean escape = (flags & SPECIAL) != 0 || (field == 0 && b[start] == '#') || (apostrophe && delimiter == '\'');
        boolean quote = escape || (sanitize && (flags & SPLIT) != 0 && FormulaGuard.hidesFormulaAfterSplit(b, start, end));
        room(2 * length + 3);
        if (quote) buf[used++] = '"';
        if (apostrophe) buf[used++] = '\'';
        if ((flags & QUOTE) != 0) {
            for (int i = start; i < end; i++) {
                byte x = b[i];
                buf[used++] = x;
                if (x == '"') buf[used++] = '"';
            }
        } else {
            System.arraycopy(b, start, buf, used, length);
            used += length;
        }
        if (quote) buf[used++] = '"';
    }

    /**
     * The length of the well-formed UTF-8 sequence at {@code i} (Unicode Table 3-7, which Java's decoder follows),
     * or 0 for an ill-formed one.
     */
    private static int sequence(byte[] b, int i, int end) {
        int b0 = b[i] & 0xFF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            return i + 1 < end && continuation(b[i + 1]) ? 2 : 0;
        }
        if (b0 >= 0xE0 && b0 <= 0xEF) {
            if (i + 2 >= end) return 0;
            int b1 = b[i + 1] & 0xFF;
            boolean second = b0 == 0xE0 ? b1 >= 0xA0 && b1 <= 0xBF : b0 == 0xED ? b1 >= 0x80 && b1 <= 0x9F
                    : b1 >= 0x80 && b1 <= 0xBF;
            return second && continuation(b[i + 2]) ? 3 : 0;
        }
        if (b0 >= 0xF0 && b0 <= 0xF4) {
            if (i + 3 >= end) return 0;
            int b1 = b[i + 1] & 0xFF;
            boolean second = b0 == 0xF0 ? b1 >= 0x90 && b1 <= 0xBF : b0 == 0xF4 ? b1 >= 0x80 && b1 <= 0x8F
                    : b1 >= 0x80 && b1 <= 0xBF;
            return second && continuation(b[i + 2]) && continuation(b[i + 3]) ? 4 : 0;
        }
        return 0;
    }

    private static boolean continuation(byte x) {
        return (x & 0xC0) == 0x80;
    }

    /**
     * A value's text as CsvFormatWriter writes it: neutralised if a text cell, then FastCSV's rules ({@code ""} for
     * empty, quotes for a leading {@code #} in the first field, a quote, delimiter or line break inside, or a formula
     * behind a separator in text), then Utf8Writer's encoding (a lone surrogate becomes {@code ?}).
     */
    private void string(String s, boolean text, int field) throws IOException {
        String v = text && sanitize ? FormulaGuard.neutralise(s) : s;
        int n = v.length();
        if (n == 0) {
            room(2);
            buf[used++] = '"';
            buf[used++] = '"';
            return;
        }
        boolean escape = field == 0 && v.charAt(0) == '#';
        for (int i = 0; i < n && !escape; i++) {
            char c = v.charAt(i);
            escape = c == '"' || c == delimiter || c == '\n' || c == '\r';
        }
        boolean quote = escape || (text && sanitize && FormulaGuard.hidesFormulaAfterSplit(v));
        room(3 * n + 2);
        byte[] o = buf;
        int u = used;
        if (quote) o[u++] = '"';
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c < 0x80) {
                o[u++] = (byte) c;
                if (c == '"' && escape) o[u++] = '"';
            } else if (c < 0x800) {
                o[u++] = (byte) (0xC0 | c >> 6);
                o[u++] = (byte) (0x80 | c & 0x3F);
            } else if (!Character.isSurrogate(c)) {
                o[u++] = (byte) (0xE0 | c >> 12);
                o[u++] = (byte) (0x80 | c >> 6 & 0x3F);
                o[u++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(v.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, v.charAt(++i));
                o[u++] = (byte) (0xF0 | cp >> 18);
                o[u++] = (byte) (0x80 | cp >> 12 & 0x3F);
                o[u++] = (byte) (0x80 | cp >> 6 & 0x3F);
                o[u++] = (byte) (0x80 | cp & 0x3F);
            } else {
                o[u++] = '?';
            }
        }
        if (quote) o[u++] = '"';
        used = u;
    }
}
