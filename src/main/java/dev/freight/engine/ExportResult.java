package dev.freight.engine;

/**
 * What an export produced, and which way its rows were read ({@link Path}); for a series, a summary of each measure
 * column by its name ({@code measures}, empty otherwise).
 */
public record ExportResult(long rows, long bytes, long elapsedNanos, Path path,
                           java.util.Map<String, MeasureSummary> measures) {
    public ExportResult {
        measures = measures == null ? java.util.Map.of() : measures;
    }

    public ExportResult(long rows, long bytes, long elapsedNanos, Path path) {
        this(rows, bytes, elapsedNanos, path, java.util.Map.of());
    }

    /** How the rows left the database. */
    public enum Path {
        /** PostgreSQL's COPY rendered the CSV/TSV; Freight only rewrote a few fields. */
        COPY_CSV,
        /** PostgreSQL's binary COPY, decoded into typed rows for the format writer. */
        COPY_BINARY,
        /** MariaDB's text-protocol rows written to CSV/TSV from their bytes, without Java values per cell. */
        MARIADB_TEXT_CSV,
        /** A JDBC cursor. */
        CURSOR
    }

    public ExportResult(long rows, long bytes, long elapsedNanos, boolean copyFastPath) {
        this(rows, bytes, elapsedNanos, copyFastPath ? Path.COPY_CSV : Path.CURSOR);
    }

    /** Whether PostgreSQL's COPY produced the bytes. */
    public boolean copyFastPath() {
        return path == Path.COPY_CSV;
    }

    public double rowsPerSecond() {
        return elapsedNanos <= 0 ? 0 : rows * 1e9 / elapsedNanos;
    }
}
