package dev.freight.format.csv;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;

/**
 * Text to UTF-8 bytes, as {@code new OutputStreamWriter(out, UTF_8)} writes them, byte for byte (a surrogate
 * without its other half becomes {@code ?}), but cheaper on text with the odd accent. The JDK's encoder drops
 * out of its ASCII fast path at the first non-ASCII character of a buffer and encodes the rest of it one character
 * at a time through its general loop: on the demo orders (one description in seven not ASCII) that loop was half
 * of the CSV writer's time. Here every character takes the same short path, ASCII first.
 */
final class Utf8Writer extends Writer {
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final byte REPLACEMENT = '?';

    private final OutputStream out;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private char[] chars;
    private int used;
    /** A high surrogate at the end of a write, whose low half the next write should bring. */
    private char pendingHigh;

    Utf8Writer(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
        int i = off;
        int end = off + len;
        if (pendingHigh != 0 && i < end) {
            char high = pendingHigh;
            pendingHigh = 0;
            if (Character.isLowSurrogate(cbuf[i])) {
                room(4);
                used = fourBytes(Character.toCodePoint(high, cbuf[i++]), buffer, used);
            } else {
                room(1);
                buffer[used++] = REPLACEMENT;
            }
        }
        while (i < end) {
            // A character takes at most 3 bytes, a surrogate pair 4 for 2: n characters from here fit in 3n bytes,
            // plus 1 when the last of them is a high surrogate paired with the character after them.
            int stop = Math.min(end, i + (BUFFER_BYTES - used - 1) / 3);
            if (stop == i) {
                drain();
                continue;
            }
            byte[] b = buffer;
            int u = used;
            while (i < stop) {
                char c = cbuf[i++];
                if (c < 0x80) {
                    b[u++] = (byte) c;
                } else if (c < 0x800) {
                    b[u++] = (byte) (0xC0 | c >> 6);
                    b[u++] = (byte) (0x80 | c & 0x3F);
                } else if (!Character.isSurrogate(c)) {
                    b[u++] = (byte) (0xE0 | c >> 12);
                    b[u++] = (byte) (0x80 | c >> 6 & 0x3F);
                    b[u++] = (byte) (0x80 | c & 0x3F);
                } else if (Character.isHighSurrogate(c)) {
                    if (i == end) {
                        pendingHigh = c;
                    } else if (Character.isLowSurrogate(cbuf[i])) {
                        u = fourBytes(Character.toCodePoint(c, cbuf[i++]), b, u);
                    } else {
                        b[u++] = REPLACEMENT;
                    }
                } else {
                    b[u++] = REPLACEMENT;
                }
            }
            used = u;
        }
    }

    private static int fourBytes(int codePoint, byte[] b, int u) {
        b[u++] = (byte) (0xF0 | codePoint >> 18);
        b[u++] = (byte) (0x80 | codePoint >> 12 & 0x3F);
        b[u++] = (byte) (0x80 | codePoint >> 6 & 0x3F);
        b[u++] = (byte) (0x80 | codePoint & 0x3F);
        return u;
    }

    private void room(int bytes) throws IOException {
        if (BUFFER_BYTES - used < bytes) drain();
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
        if (chars == null) chars = new char[8192];
        for (int from = off, end = off + len; from < end; ) {
            int n = Math.min(chars.length, end - from);
            str.getChars(from, from + n, chars, 0);
            write(chars, 0, n);
            from += n;
        }
    }

    @Override
    public void write(int c) throws IOException {
        write(new char[]{(char) c}, 0, 1);
    }

    private void drain() throws IOException {
        if (used > 0) {
            out.write(buffer, 0, used);
            used = 0;
        }
    }

    /** As OutputStreamWriter: a high surrogate still waiting for its other half stays behind until it comes. */
    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (pendingHigh != 0) {
            pendingHigh = 0;
            room(1);
            buffer[used++] = REPLACEMENT;
        }
        flush();
        out.close();
    }
}
