package dev.freight.engine;

import dev.freight.format.FormulaGuard;
import dev.freight.source.Column;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * {@link CopyCsvRewriter} as it was before its fast path: every byte through one state machine, rules described
 * there. Kept as the reference the rewriter is compared with, byte for byte, on random input cut into random chunks.
 */
final class ByteByByteCopyCsvRewriter {
    private enum Action { NONE, TEXT, BOOLEAN, TIMESTAMP, TIMESTAMP_TZ }

    private final Action[] actions;
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

    ByteByByteCopyCsvRewriter(List<Column> columns, char delimiter, boolean sanitizeFormulas, boolean crlf) {
        this.actions = new Action[columns.size()];
        for (int i = 0; i < actions.length; i++) {
            actions[i] = switch (columns.get(i).type()) {
                case STRING, TEXT_LIKE -> sanitizeFormulas ? Action.TEXT : Action.NONE;
                case BOOLEAN -> Action.BOOLEAN;
                case TIMESTAMP -> Action.TIMESTAMP;
                case TIMESTAMP_TZ -> Action.TIMESTAMP_TZ;
                default -> Action.NONE;
            };
        }
        this.delimiter = (byte) delimiter;
        this.crlf = crlf;
    }

    /** Rewrites one chunk; returns how many rows it completed. Output is buffered until {@link #flush}. */
    long rewrite(byte[] chunk, OutputStream sink) throws IOException {
        // Worst case growth: a one-byte boolean becomes five bytes, plus CR per row and ":00" per timestamp; a
        // text value grows by at most three bytes ("'…") and only when it has two bytes or more.
        int worst = chunk.length * 5 + 16;
        if (used + worst > out.length) {
            flush(sink);
            if (worst > out.length) out = new byte[worst];
        }
        long before = rows;
        for (byte b : chunk) {
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
            } else if (b == '\n') {
                endField();
                if (crlf) out[used++] = '\r';
                out[used++] = b;
                rows++;
                field = 0;
                startField();
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
                        // Unquoted, so it holds no quote, delimiter or line break: wrapping it is enough.
                        out[used++] = '"';
                        closeQuote = true;
                    }
                }
                switch (action) {
                    case BOOLEAN -> writeBoolean(b);
                    case TIMESTAMP, TIMESTAMP_TZ -> out[used++] = b == ' ' ? (byte) 'T' : b;
                    default -> out[used++] = b;
                }
            }
        }
        return rows - before;
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
        if (actions[field] == Action.TEXT) neutralise();
        if (closeQuote) {
            out[used++] = '"';
            closeQuote = false;
            return;
        }
        if (actions[field] == Action.TIMESTAMP_TZ && used - fieldStartPos >= 3) {
            byte sign = out[used - 3];
            if (sign == '+' || sign == '-') {
                out[used++] = ':';
                out[used++] = '0';
                out[used++] = '0';
            }
        }
    }

    /**
     * The value's bytes are all in {@code out} by now: a value never spans two chunks. A value wrapped for its
     * leading {@code #} is quoted already, so only the apostrophe can apply to it.
     */
    private void neutralise() {
        boolean inQuotes = fieldQuoted || closeQuote;
        int from = fieldStartPos + (inQuotes ? 1 : 0);
        int to = used - (fieldQuoted ? 1 : 0);
        boolean apostrophe = FormulaGuard.isDangerous(out, from, to);
        boolean quote = !inQuotes && FormulaGuard.hidesFormulaAfterSplit(out, from, to);
        if (!apostrophe && !quote) return;
        int shift = (apostrophe ? 1 : 0) + (quote ? 1 : 0);
        System.arraycopy(out, from, out, from + shift, used - from);
        used += shift;
        int at = from;
        if (quote) out[at++] = '"';
        if (apostrophe) out[at] = '\'';
        if (quote) out[used++] = '"';
    }

    private void writeBoolean(byte b) {
        if (b == 't') {
            out[used++] = 't';
            out[used++] = 'r';
            out[used++] = 'u';
            out[used++] = 'e';
        } else if (b == 'f') {
            out[used++] = 'f';
            out[used++] = 'a';
            out[used++] = 'l';
            out[used++] = 's';
            out[used++] = 'e';
        } else {
            out[used++] = b;
        }
    }
}
