package dev.freight.format;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * {@link CellText}'s canonical text of the common values, written into the caller's reused char buffer instead of a
 * new String: a writer then copies it straight into its output, and a million rows do not leave a few hundred MB of
 * short-lived Strings, StringBuilders and BigDecimals behind (formatting a timestamp through DateTimeFormatter
 * allocates about 300 bytes). Each method returns the text's length, or -1 for a value outside the fast path (a year
 * past 9999, an offset with seconds, a decimal of more than 18 digits), which the caller then writes through
 * {@link CellText}: the text is the same either way.
 */
public final class CellChars {
    /** Room for the longest text written here: {@code -0.} and 18 digits, or a timestamp with nanos and offset. */
    public static final int BUFFER_SIZE = 40;
    private static final int MAX_DIGITS = 18;

    private CellChars() {
    }

    /** ISO-8601 date, {@code 2024-01-31}. */
    public static int date(LocalDate d, char[] buf) {
        return date(d.getYear(), d.getMonthValue(), d.getDayOfMonth(), buf, 0);
    }

    /** ISO-8601 time with as many fraction digits as needed, {@code 10:15:30.25}. */
    public static int time(LocalTime t, char[] buf) {
        if (NonFinite.isEndOfDay(t)) return -1;
        return time(t.getHour(), t.getMinute(), t.getSecond(), t.getNano(), buf, 0);
    }

    /** ISO-8601 local date and time, {@code 2024-01-31T10:15:30}. */
    public static int timestamp(LocalDateTime t, char[] buf) {
        int n = date(t.getYear(), t.getMonthValue(), t.getDayOfMonth(), buf, 0);
        if (n < 0) return -1;
        buf[n++] = 'T';
        return time(t.getHour(), t.getMinute(), t.getSecond(), t.getNano(), buf, n);
    }

    /** The instant in {@code zone}, with its offset: {@code 2024-01-31T10:15:30+00:00}. */
    public static int timestamp(OffsetDateTime t, ZoneId zone, char[] buf) {
        // ±infinity (OffsetDateTime.MAX and MIN) would overflow the arithmetic below; any year this far out
        // takes the formatter anyway.
        if (t.getYear() < 0 || t.getYear() > 9999) return -1;
        ZoneOffset offset = zone instanceof ZoneOffset fixed ? fixed : zone.getRules().getOffset(t.toInstant());
        int offsetSeconds = offset.getTotalSeconds();
        if (offsetSeconds % 60 != 0) return -1;
        int n;
        if (offset.equals(t.getOffset())) {
            n = timestamp(t.toLocalDateTime(), buf);
        } else {
            long local = t.toEpochSecond() + offsetSeconds;
            long day = Math.floorDiv(local, 86_400);
            int second = (int) Math.floorMod(local, 86_400);
            LocalDate date = LocalDate.ofEpochDay(day);
            n = date(date.getYear(), date.getMonthValue(), date.getDayOfMonth(), buf, 0);
            if (n < 0) return -1;
            buf[n++] = 'T';
            n = time(second / 3600, second / 60 % 60, second % 60, t.getNano(), buf, n);
        }
        if (n < 0) return -1;
        buf[n++] = offsetSeconds < 0 ? '-' : '+';
        int minutes = Math.abs(offsetSeconds) / 60;
        n = two(minutes / 60, buf, n);
        buf[n++] = ':';
        return two(minutes % 60, buf, n);
    }

    /** Plain decimal digits at the value's own scale, {@code -1734.70}, never an exponent. */
    public static int decimal(BigDecimal d, char[] buf) {
        int scale = d.scale();
        if (scale < 0 || scale > MAX_DIGITS || d.precision() > MAX_DIGITS) return -1;
        // Scale 0 and precision <= 18: the unscaled value as a long, without BigInteger or String.
        long unscaled = d.scaleByPowerOfTen(scale).longValue();
        int n = 0;
        if (unscaled < 0) {
            buf[n++] = '-';
            unscaled = -unscaled;
        }
        int digits = digits(unscaled);
        int intDigits = Math.max(1, digits - scale);
        int length = n + intDigits + (scale > 0 ? 1 + scale : 0);
        // Right to left: fraction digits (zero-padded to the scale), the point, then the integer part.
        int pos = length;
        for (int i = 0; i < scale; i++) {
            buf[--pos] = (char) ('0' + unscaled % 10);
            unscaled /= 10;
        }
        if (scale > 0) buf[--pos] = '.';
        do {
            buf[--pos] = (char) ('0' + unscaled % 10);
            unscaled /= 10;
        } while (pos > n);
        return length;
    }

    private static int digits(long v) {
        int d = 1;
        while (v >= 10) {
            v /= 10;
            d++;
        }
        return d;
    }

    /** ISO_LOCAL_DATE for years 0 to 9999 (four digits, no sign); other years are left to DateTimeFormatter. */
    private static int date(int year, int month, int day, char[] buf, int n) {
        if (year < 0 || year > 9999) return -1;
        n = two(year / 100, buf, n);
        n = two(year % 100, buf, n);
        buf[n++] = '-';
        n = two(month, buf, n);
        buf[n++] = '-';
        return two(day, buf, n);
    }

    /** ISO_LOCAL_TIME: seconds always, then a fraction without trailing zeros, none for whole seconds. */
    private static int time(int hour, int minute, int second, int nano, char[] buf, int n) {
        n = two(hour, buf, n);
        buf[n++] = ':';
        n = two(minute, buf, n);
        buf[n++] = ':';
        n = two(second, buf, n);
        if (nano == 0) return n;
        int digits = 9;
        while (nano % 10 == 0) {
            nano /= 10;
            digits--;
        }
        buf[n++] = '.';
        for (int i = n + digits - 1; i >= n; i--) {
            buf[i] = (char) ('0' + nano % 10);
            nano /= 10;
        }
        return n + digits;
    }

    private static int two(int v, char[] buf, int n) {
        buf[n] = (char) ('0' + v / 10);
        buf[n + 1] = (char) ('0' + v % 10);
        return n + 2;
    }
}
