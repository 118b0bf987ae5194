package dev.freight.cli;

import dev.freight.engine.ExportProgress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.OptionalLong;

/** A one-line progress display on stderr: bar (when the total is known), rows, rows/s, bytes, elapsed, ETA. */
final class ProgressBar {
    private static final int WIDTH = 24;
    private final PrintStream err;
    private final OptionalLong total;
    private int lastLength;

    ProgressBar(PrintStream err, OptionalLong total) {
        this.err = err;
        this.total = total;
    }

    void update(ExportProgress p) {
        String line = render(p, total);
        err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        err.flush();
        lastLength = line.length();
    }

    void clear() {
        if (lastLength > 0) {
            err.print("\r" + " ".repeat(lastLength) + "\r");
            err.flush();
        }
    }

    static String render(ExportProgress p, OptionalLong total) {
        StringBuilder b = new StringBuilder();
        double rate = p.rowsPerSecond();
        if (total.isPresent() && total.getAsLong() > 0) {
            long t = total.getAsLong();
            double fraction = Math.min(1.0, (double) p.rows() / t);
            int filled = (int) Math.round(fraction * WIDTH);
            b.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%% ", (int) (fraction * 100)))
                    .append(Summary.count(p.rows())).append('/').append(Summary.count(t)).append(" rows");
        } else {
            b.append(Summary.count(p.rows())).append(" rows");
        }
        b.append("  ").append(Summary.count((long) rate)).append(" rows/s  ").append(Summary.bytes(p.bytes()))
                .append("  ").append(Summary.duration(p.elapsedNanos()));
        if (total.isPresent() && rate > 0 && p.rows() < total.getAsLong()) {
            long remaining = (long) ((total.getAsLong() - p.rows()) / rate * 1e9);
            b.append("  ETA ").append(Summary.duration(remaining));
        }
        return b.toString();
    }
}
