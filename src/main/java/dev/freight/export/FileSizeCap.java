package dev.freight.export;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes bytes through until their total would pass {@code max}; that write fails with {@link TooLarge}, and
 * {@link #exceeded()} stays true, so the caller can tell the cap from any other failure, whatever the format
 * writer in between made of the exception.
 */
public final class FileSizeCap extends FilterOutputStream {
    private final long max;
    private long written;
    private volatile boolean exceeded;

    /** The write that would have crossed the cap. */
    public static final class TooLarge extends IOException {
        TooLarge(long max) {
            super("the export file grew past max_file_bytes (" + describe(max) + ")");
        }
    }

    public FileSizeCap(OutputStream out, long max) {
        this(out, max, 0);
    }

    /** {@code before}: bytes of the file already stored by an earlier run that this one continues. */
    public FileSizeCap(OutputStream out, long max, long before) {
        super(out);
        if (max < 1) throw new IllegalArgumentException("max must be positive");
        this.max = max;
        this.written = before;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (exceeded || len > max - written) {
            exceeded = true;
            throw new TooLarge(max);
        }
        out.write(b, off, len);
        written += len;
    }

    public boolean exceeded() {
        return exceeded;
    }

    /** The bytes passed through so far. */
    public long written() {
        return written;
    }

    public long max() {
        return max;
    }

    /**
     * The job's error message: the cap in bytes, and in a unit a person reads, with what makes the file smaller
     * ({@code picture}: a png or pdf_visual, which no filter or data format shrinks).
     */
    public String message(boolean picture) {
        return "the export file grew past max_file_bytes (" + describe(max) + "); " + (picture
                ? "draw a smaller picture (width, height, device_scale 1) or fewer widgets"
                : "narrow the export with filters, fewer columns or a row_limit, or choose a more compact format "
                + "(compress: true, parquet)");
    }

    static String describe(long bytes) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        String unit = null;
        for (String u : units) {
            if (v < 1024) break;
            v /= 1024;
            unit = u;
        }
        return unit == null ? bytes + " bytes" : bytes + " bytes, " + (v == Math.floor(v) ? String.valueOf((long) v)
                : String.format(java.util.Locale.ROOT, "%.1f", v)) + " " + unit;
    }
}
