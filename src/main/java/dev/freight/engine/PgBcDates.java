package dev.freight.engine;

import java.nio.charset.StandardCharsets;

/**
 * PostgreSQL writes a date before year 1 with its era after it ({@code 0044-03-15 BC}, {@code 0044-03-15 10:00:00+00
 * BC}), where ISO-8601, and every other export path, counts years astronomically: 1 BC is year 0, 44 BC is -43
 * ({@code -0043-03-15T10:00:00+00:00}). Rare enough (PostgreSQL reaches back to 4713 BC) that the COPY rewriter
 * only comes here for a temporal field ending in {@code BC}.
 */
final class PgBcDates {
    private static final byte[] BC = " BC".getBytes(StandardCharsets.US_ASCII);

    private PgBcDates() {
    }

    /** Whether bytes {@code from} to {@code to} of {@code b} end with PostgreSQL's era suffix. */
    static boolean endsWithBc(byte[] b, int from, int to) {
        if (to - from < BC.length) return false;
        for (int i = 0; i < BC.length; i++) if (b[to - BC.length + i] != BC[i]) return false;
        return true;
    }

    /**
     * ISO-8601 text of PostgreSQL's text of a BC date or timestamp (DateStyle ISO) in {@code b[from, to)}: the year
     * counted astronomically, {@code T} between date and time, a whole-hour offset as {@code +HH:MM}.
     */
    static byte[] toIso(byte[] b, int from, int to) {
        String pg = new String(b, from, to - from - BC.length, StandardCharsets.US_ASCII);
        int dash = pg.indexOf('-');
        long year = 1 - Long.parseLong(pg.substring(0, dash));
        StringBuilder iso = new StringBuilder(pg.length() + 4);
        if (year < 0) iso.append('-');
        String digits = Long.toString(Math.abs(year));
        for (int i = digits.length(); i < 4; i++) iso.append('0');
        iso.append(digits).append(pg, dash, Math.min(pg.length(), dash + 6));
        if (pg.length() > dash + 6) {
            String time = pg.substring(dash + 7);
            iso.append('T').append(time);
            int sign = Math.max(time.lastIndexOf('+'), time.lastIndexOf('-'));
            if (sign >= 0 && time.length() - sign == 3) iso.append(":00");
        }
        return iso.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
