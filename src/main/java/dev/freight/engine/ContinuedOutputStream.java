package dev.freight.engine;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The output of a run that continues a stored file: drops what the writer produces before {@link #start} (what it
 * writes to pick up its state, such as a JSON array's opening), then the bytes the store already holds past the
 * checkpoint's row end. {@link #position()} is the file offset of the next byte the writer produces.
 */
final class ContinuedOutputStream extends FilterOutputStream {
    private boolean started;
    private long position;
    private long stored;

    ContinuedOutputStream(OutputStream out) {
        super(out);
    }

    /** From here on, bytes belong to the file from {@code rowEnd}; those before {@code stored} are there already. */
    void start(long rowEnd, long storedBytes) {
        started = true;
        position = rowEnd;
        stored = storedBytes;
    }

    long position() {
        return position;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (!started) return;
        long skip = Math.min(len, Math.max(0, stored - position));
        position += len;
        if (skip < len) out.write(b, off + (int) skip, len - (int) skip);
    }
}
