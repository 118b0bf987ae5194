package dev.freight.engine;

import dev.freight.format.FormulaGuard;
import dev.freight.source.Column;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Turns PostgreSQL's {@code COPY … (FORMAT csv)} output into Freight's CSV in one pass over the bytes, so the
 * server only has to render plain columns (computing ISO timestamps and neutralised text in SQL cost PostgreSQL
 * 75% more time than the COPY itself). Per column it:
 * <ul>
 *   <li>text: formula neutralisation by {@link FormulaGuard}'s byte rules, as the CSV writer applies its string
 *   rules: a {@code '} before a dangerous value (inside its quotes if it has them), quotes around an unquoted
 *   value hiding a formula behind {@code , ; tab};</li>
 *   <li>boolean: {@code t}/{@code f} → {@code true}/{@code false};</li>
 *   <li>timestamps (DateStyle ISO): the space between date and time becomes {@code T}; a whole-hour offset
 *   {@code +02} becomes {@code +02:00};</li>
 *   <li>a record's first field starting with {@code #} is quoted, as FastCSV does on the generic path, so
 *   readers that skip {@code #} comment lines keep the row;</li>
 *   <li>row ends: LF → CRLF when asked.</li>
 * </ul>
 * Quote state is tracked so that delimiters and line feeds inside quoted values are left alone (an escaped
 * quote is two quotes, which toggle the state twice). PostgreSQL sends one CopyData message per row and a chunk is
 * one or more whole messages, so a value never spans two chunks. Whole values are scanned and copied at a time
 * ({@link #fields}): byte by byte, the rewrite took 70% of the exporting thread's CPU samples on a 1M-row export.
 */
final class CopyCsvRewriter {
    enum Action {
        NONE, TEXT, BOOLEAN, DATE, TIMESTAMP, TIMESTAMP_TZ;

        /** PostgreSQL writes these with a trailing era before year 1 ({@link PgBcDates}). */
        boolean temporal() {
            return this == DATE || this == TIMESTAMP || this == TIMESTAMP_TZ;
        }
    }

    private final Action[] actions;
    /** Per column: whether the next column needs no rewriting. */
    private final boolean[] plainNext;
    private final byte delimiter;
    private final boolean crlf;
    private byte[] out = new byte[64 * 1024];
    private int used;

    private boolean quoted;
    private boolean fieldQuoted;
    private boolean fieldStart = true;
    private boolean closeQuote;
    private int fieldStartPos;
    private int field;
    private long rows;

    CopyCsvRewriter(List<Column> columns, char delimiter, boolean sanitizeFormulas, boolean crlf) {
        this.actions = new Action[columns.size()];
        for (int i = 0; i < actions.length; i++) {
            actions[i] = switch (columns.get(i).type()) {
                case STRING, TEXT_LIKE -> sanitizeFormulas ? Action.TEXT : Action.NONE;
                case BOOLEAN -> Action.BOOLEAN;
                case DATE -> Action.DATE;
                case TIMESTAMP -> Action.TIMESTAMP;
                case TIMESTAMP_TZ -> Action.TIMESTAMP_TZ;
                default -> Action.NONE;
            };
        }
        this.plainNext = new boolean[actions.length];
        for (int i = 0; i + 1 < actions.length; i++) plainNext[i] = actions[i + 1] == Action.NONE;
        this.delimiter = (byte) delimiter;
        this.crlf = crlf;
    }

    /** Rewrites one chunk; returns how many rows it completed. Output is buffered until {@link #flush}. */
    long rewrite(byte[] chunk, OutputStream sink) throws IOException {
        return rewrite(chunk, 0, chunk.length, sink);
    }

    /** {@link #rewrite(byte[], OutputStream)} of {@code chunk[off, off + len)}: one or more whole rows. */
    long rewrite(byte[] chunk, int off, int len, OutputStream sink) throws IOException {
        // Worst case growth: a one-byte boolean becomes five bytes, plus CR per row and ":00" per timestamp; a
        // text value grows by at most three bytes ("'…") and only when it has two bytes or more.
        int worst = len * 5 + 16;
        if (used + worst > out.length) {
            flush(sink);
            if (worst > out.length) out = new byte[worst];
        }
        long before = rows;
        int i = off;
        int end = off + len;
        while (i < end) {
            i = fieldStart && !quoted ? fields(chunk, i, end) : bytes(chunk, i, end);
        }
        return rows - before;
    }

    /**
     * The fast path, from a field's first byte: whole fields at a time, plain runs found by a tight scan and copied
     * with {@code arraycopy}, consecutive columns that need no rewriting scanned as one run. What it does not
     * expect of PostgreSQL's output (a quote inside an unquoted value, bytes after a closing quote, a chunk ending
     * inside a value) it leaves, from that byte on, to {@link #bytes}, the byte-by-byte state machine, with the
     * state that machine would have reached.
     */
    private int fields(byte[] in, int i, int end) {
        final byte[] o = out;
        final byte d = delimiter;
        final Action[] actions = this.actions;
        int u = used;
        int f = field;
        while (i < end) {
            Action action = actions[f];
            int start = u;
            byte b = in[i];
            boolean quotedValue = false;
            boolean wrapped = false;
            boolean split = false;
            if (b == '"') {
                quotedValue = true;
                o[u++] = '"';
                i++;
                while (true) {
                    int s = i;
                    i = quoteAt(in, i, end);
                    if (action == Action.TEXT && !split) split = hasSplitter(in, s, i);
                    System.arraycopy(in, s, o, u, i - s);
                    u += i - s;
                    if (i == end) return leave(u, f, start, true, true, false, end);
                    o[u++] = '"';
                    i++;
                    // Two quotes are an escaped quote: still inside the value.
                    if (i < end && in[i] == '"') {
                        o[u++] = '"';
                        i++;
                        continue;
                    }
                    break;
                }
                if (i == end || ((b = in[i]) != d && b != '\n')) return leave(u, f, start, false, true, false, i);
            } else if (b != d && b != '\n') {
                if (f == 0 && b == '#') {
                    // Unquoted, so it holds no quote, delimiter or line break: wrapping it is enough.
                    o[u++] = '"';
                    wrapped = true;
                }
                int s = i;
                switch (action) {
                    case NONE -> {
                        int fieldFrom = i;
                        while (true) {
                            i = valueEnd(in, i, end, d);
                            if (i < end) b = in[i];
                            // The next column needs no rewriting either: one run for both.
                            if (b == d && !wrapped && plainNext[f] && i + 1 < end && in[i + 1] != '"') {
                                i++;
                                f++;
                                fieldFrom = i;
                                continue;
                            }
                            break;
                        }
                        System.arraycopy(in, s, o, u, i - s);
                        start += fieldFrom - s;
                        u += i - s;
                    }
                    case TEXT -> {
                        i = valueEnd(in, i, end, d);
                        split = hasSplitter(in, s, i);
                        System.arraycopy(in, s, o, u, i - s);
                        u += i - s;
                    }
                    case DATE -> {
                        i = valueEnd(in, i, end, d);
                        System.arraycopy(in, s, o, u, i - s);
                        u += i - s;
                    }
                    case BOOLEAN -> {
                        while (i < end && (b = in[i]) != d && b != '\n' && b != '"') {
                            u = writeBoolean(o, u, b);
                            i++;
                        }
                    }
                    case TIMESTAMP, TIMESTAMP_TZ -> {
                        i = valueEnd(in, i, end, d);
                        System.arraycopy(in, s, o, u, i - s);
                        spacesToT(o, u, u + i - s);
                        u += i - s;
                    }
                }
                if (i == end) return leave(u, f, start, false, false, wrapped, i);
                b = in[i];
                if (b == '"') return leave(u, f, start, false, false, wrapped, i);
            }
            // b is the delimiter or line feed that ends the value.
            if (action == Action.TEXT) {
                used = u;
                neutralise(start, quotedValue, wrapped, split);
                u = used;
            }
            if (wrapped) {
                o[u++] = '"';
            } else if (action.temporal() && PgBcDates.endsWithBc(o, start, u)) {
                u = bcToIso(o, start, u);
            } else if (action == Action.TIMESTAMP_TZ) {
                u = completeOffset(o, start, u);
            }
            i++;
            if (b == d) {
                o[u++] = d;
                f++;
            } else {
                if (crlf) o[u++] = '\r';
                o[u++] = '\n';
                rows++;
                f = 0;
                break;
            }
        }
        used = u;
        field = f;
        fieldStartPos = u;
        return i;
    }

    /** Hands a value the fast path began over to {@link #bytes}, in the state it would be in at byte {@code i}. */
    private int leave(int u, int f, int start, boolean inQuotes, boolean quotedValue, boolean wrapped, int i) {
        used = u;
        field = f;
        fieldStartPos = start;
        fieldStart = false;
        quoted = inQuotes;
        fieldQuoted = quotedValue;
        closeQuote = wrapped;
        return i;
    }

    /*
     * The scans of fields, as methods of their own: their loops are then not loops of fields, which, entered once
     * per row, is compiled by C2 once, as a method. A loop of its own over a whole chunk made C2 compile it again
     * and again at its loops' entries (on-stack replacement), about 0.1 s of compiler time each: on two cores,
     * time taken from the database producing the rows.
     */

    /** The index of the first delimiter, line feed or quote at or after {@code i}, or {@code end}. */
    private static int valueEnd(byte[] in, int i, int end, byte d) {
        byte b;
        while (i < end && (b = in[i]) != d && b != '\n' && b != '"') i++;
        return i;
    }

    /** The index of the first quote at or after {@code i}, or {@code end}. */
    private static int quoteAt(byte[] in, int i, int end) {
        while (i < end && in[i] != '"') i++;
        return i;
    }

    /** Whether {@code in[from, to)} holds one of {@code , ; tab}, where a spreadsheet may split a value. */
    private static boolean hasSplitter(byte[] in, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = in[i];
            if (b == ',' || b == ';' || b == '\t') return true;
        }
        return false;
    }

    /** PostgreSQL's space between date and time (and before a BC era) as the ISO {@code T}, as the generic path. */
    private static void spacesToT(byte[] o, int from, int to) {
        for (int k = from; k < to; k++) {
            if (o[k] == ' ') o[k] = 'T';
        }
    }

    /** The byte-by-byte state machine, up to the end of the current field (or of the chunk). */
    private int bytes(byte[] chunk, int i, int end) {
        while (i < end) {
            byte b = chunk[i++];
            if (quoted) {
                if (b == '"') quoted = false;
                out[used++] = b;
                continue;
            }
            if (b == delimiter) {
                endField();
                out[used++] = b;
                field++;
                startField();
                return i;
            } else if (b == '\n') {
                endField();
                if (crlf) out[used++] = '\r';
                out[used++] = b;
                rows++;
                field = 0;
                startField();
                return i;
            } else if (b == '"') {
                quoted = true;
                fieldQuoted |= fieldStart;
                fieldStart = false;
                out[used++] = b;
            } else {
                Action action = actions[field];
                if (fieldStart) {
                    fieldStart = false;
                    if (field == 0 && b == '#') {
                        out[used++] = '"';
                        closeQuote = true;
                    }
                }
                switch (action) {
                    case BOOLEAN -> used = writeBoolean(out, used, b);
                    case TIMESTAMP, TIMESTAMP_TZ -> out[used++] = b == ' ' ? (byte) 'T' : b;
                    default -> out[used++] = b;
                }
            }
        }
        return i;
    }

    void flush(OutputStream sink) throws IOException {
        if (used > 0) sink.write(out, 0, used);
        used = 0;
        fieldStartPos = 0;
    }

    private void startField() {
        fieldStart = true;
        fieldQuoted = false;
        fieldStartPos = used;
    }

    /** PostgreSQL writes whole-hour offsets as {@code +02}; ISO-8601 with offset wants {@code +02:00}. */
    private void endField() {
        if (actions[field] == Action.TEXT) neutralise(fieldStartPos, fieldQuoted, closeQuote, true);
        if (closeQuote) {
            out[used++] = '"';
            closeQuote = false;
            return;
        }
        if (actions[field].temporal() && PgBcDates.endsWithBc(out, fieldStartPos, used)) {
            used = bcToIso(out, fieldStartPos, used);
        } else if (actions[field] == Action.TIMESTAMP_TZ) {
            used = completeOffset(out, fieldStartPos, used);
        }
    }

    /** A BC date or timestamp, already written to {@code o[start, u)}, rewritten as ISO-8601; returns the new end. */
    private static int bcToIso(byte[] o, int start, int u) {
        byte[] iso = PgBcDates.toIso(o, start, u);
        System.arraycopy(iso, 0, o, start, iso.length);
        return start + iso.length;
    }

    private static int completeOffset(byte[] o, int start, int u) {
        if (u - start >= 3) {
            byte sign = o[u - 3];
            if (sign == '+' || sign == '-') {
                o[u++] = ':';
                o[u++] = '0';
                o[u++] = '0';
            }
        }
        return u;
    }

    /**
     * The value's bytes are all in {@code out} by now: a value never spans two chunks. A value wrapped for its
     * leading {@code #} is quoted already, so only the apostrophe can apply to it.
     *
     * @param split false when the value is known to hold none of {@code , ; tab}: nothing for a spreadsheet to
     *              split it at, so no scan for a formula behind one
     */
    private void neutralise(int start, boolean quotedValue, boolean wrapped, boolean split) {
        boolean inQuotes = quotedValue || wrapped;
        int from = start + (inQuotes ? 1 : 0);
        int to = used - (quotedValue ? 1 : 0);
        boolean apostrophe = FormulaGuard.isDangerous(out, from, to);
        boolean quote = !inQuotes && split && FormulaGuard.hidesFormulaAfterSplit(out, from, to);
        if (!apostrophe && !quote) return;
        int shift = (apostrophe ? 1 : 0) + (quote ? 1 : 0);
        System.arraycopy(out, from, out, from + shift, used - from);
        used += shift;
        int at = from;
        if (quote) out[at++] = '"';
        if (apostrophe) out[at] = '\'';
        if (quote) out[used++] = '"';
    }

    private static int writeBoolean(byte[] o, int u, byte b) {
        if (b == 't') {
            o[u++] = 't';
            o[u++] = 'r';
            o[u++] = 'u';
            o[u++] = 'e';
        } else if (b == 'f') {
            o[u++] = 'f';
            o[u++] = 'a';
            o[u++] = 'l';
            o[u++] = 's';
            o[u++] = 'e';
        } else {
            o[u++] = b;
        }
        return u;
    }
}
