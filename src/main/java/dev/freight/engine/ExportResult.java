package dev.freight.engine;

/** What an export produced; {@code copyFastPath} tells whether PostgreSQL's COPY produced the bytes. */
public record ExportResult(long rows, long bytes, long elapsedNanos, boolean copyFastPath) {
    public double rowsPerSecond() {
        return elapsedNanos <= 0 ? 0 : rows * 1e9 / elapsedNanos;
    }
}
