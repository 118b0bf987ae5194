package dev.freight.engine;

/**
 * A row boundary of an export ordered by its key: {@code rows} written, the key of the last of them (a Long, a
 * String, or the ISO text of a date, time or decimal), and {@code rowEnd}, the bytes of the file up to the end of
 * that row. An export stopped after it continues with the rows whose key is greater ({@link Resumption}).
 */
public record Checkpoint(long rows, Object key, long rowEnd) {
}
