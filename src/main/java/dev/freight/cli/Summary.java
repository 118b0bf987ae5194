package dev.freight.cli;

import dev.freight.engine.ExportResult;

import java.util.Locale;

/** Human-readable numbers for the progress bar and the final line. */
final class Summary {
    private Summary() {
    }

    /** A picture's final line: it is drawn, not written row by row, so it has no rows or rate to tell. */
    static String pictureLine(ExportResult r, String format, String destination) {
        return String.format(Locale.ROOT, "Drew the %s (%s) to %s in %s", format, bytes(r.bytes()), destination,
                duration(r.elapsedNanos()));
    }

    static String line(ExportResult r, String destination) {
        return String.format(Locale.ROOT, "Exported %s rows (%s) to %s in %s, %s rows/s%s", count(r.rows()), bytes(r.bytes()),
                destination, duration(r.elapsedNanos()), count((long) r.rowsPerSecond()),
                switch (r.path()) {
                    case COPY_CSV -> " [PostgreSQL COPY]";
                    case COPY_BINARY -> " [PostgreSQL binary COPY]";
                    case MARIADB_TEXT_CSV -> " [MariaDB text rows]";
                    case CURSOR -> "";
                });
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        if (b < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    }

    static String duration(long nanos) {
        double s = nanos / 1e9;
        if (s < 10) return String.format(Locale.ROOT, "%.2f s", s);
        if (s < 60) return String.format(Locale.ROOT, "%.1f s", s);
        long total = (long) s;
        return total >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
                : String.format(Locale.ROOT, "%d:%02d", total / 60, total % 60);
    }
}
