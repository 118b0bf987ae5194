package dev.freight.engine;

/** A progress report: rows and bytes written so far (bytes as they reach the destination, after gzip). */
public record ExportProgress(long rows, long bytes, long elapsedNanos) {
    public double rowsPerSecond() {
        return elapsedNanos <= 0 ? 0 : rows * 1e9 / elapsedNanos;
    }
}
