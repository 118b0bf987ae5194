package dev.freight.format;

import java.io.IOException;

/**
 * Writes rows of one format to an output stream as they arrive. The row array is reused by the caller between
 * calls, so a writer must not keep it. Values are the engine's types: Long, BigDecimal, Double/Float, Boolean,
 * String, LocalDate, LocalTime, LocalDateTime, OffsetDateTime, byte[] or null.
 */
public interface FormatWriter {
    void begin() throws IOException;

    void writeRow(Object[] row) throws IOException;

    /** Writes any trailer and flushes; does not close the underlying stream, which belongs to the caller. */
    void finish() throws IOException;

    /**
     * Instead of {@link #begin}: continues a file this format began in an earlier run, after one of its rows. The
     * next row is written as one that follows another; whatever this writes now is dropped by the caller (a writer
     * may need to write to reach that state, as JSON opens its array and an element). Only the streaming text
     * formats can; the others start over.
     */
    default void resume() throws IOException {
        throw new UnsupportedOperationException("this format cannot continue an earlier file");
    }

    /** Pushes the rows written so far into the output stream and flushes it (a checkpoint's row boundary). */
    default void flushRows() throws IOException {
    }

    /**
     * The export ends without {@link #finish} (a failure, a cancel): release what the writer holds beyond its
     * output, such as a thread of its own. Writes nothing more; may be called after a failed {@link #finish}.
     */
    default void abandon() {
    }
}
