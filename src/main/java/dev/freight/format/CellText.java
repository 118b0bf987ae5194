package dev.freight.format;

import dev.freight.source.ColumnType;

import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Function;

/**
 * The text of a value. By default the canonical, machine-friendly one: plain decimals (never via double, never in
 * exponent form), ISO-8601 dates and times with as many fraction digits as needed, timestamps with an explicit
 * offset ({@code +00:00}) in the requested zone, booleans as true/false, binary as base64. The presentation
 * options ({@code date_format}, {@code timestamp_format}, {@code number_locale}, {@code bool_text}) replace it
 * where given.
 */
public final class CellText {
    private static final DateTimeFormatter OFFSET_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME).appendOffset("+HH:MM", "+00:00").toFormatter();

    private CellText() {
    }

    /** The canonical converter for one column: ISO dates, plain numbers. Input is never null. */
    public static Function<Object, String> forType(ColumnType type, ZoneId zone) {
        return switch (type) {
            case DECIMAL -> v -> ((BigDecimal) v).toPlainString();
            case FLOAT -> CellText::floating;
            case DATE -> v -> DateTimeFormatter.ISO_LOCAL_DATE.format((LocalDate) v);
            case TIME -> v -> DateTimeFormatter.ISO_LOCAL_TIME.format((LocalTime) v);
            case TIMESTAMP -> v -> isoLocalDateTime((LocalDateTime) v);
            case TIMESTAMP_TZ -> zone.normalized().equals(ZoneOffset.UTC)
                    ? v -> isoUtc((OffsetDateTime) v)
                    : v -> OFFSET_DATE_TIME.format(((OffsetDateTime) v).atZoneSameInstant(zone));
            case BINARY -> v -> Base64.getEncoder().encodeToString((byte[]) v);
            default -> Object::toString;
        };
    }

    /**
     * {@link DateTimeFormatter#ISO_LOCAL_DATE_TIME}'s text, written directly for years 0 to 9999 (the formatter
     * costs about a microsecond a value, a large part of writing a CSV with a timestamp column); the formatter
     * itself for other years.
     */
    static String isoLocalDateTime(LocalDateTime t) {
        int year = t.getYear();
        if (year < 0 || year > 9999) return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
        StringBuilder b = new StringBuilder(32);
        appendIso(b, t, year);
        return b.toString();
    }

    /** {@code OFFSET_DATE_TIME} in UTC: the local date-time at offset zero, then {@code +00:00}. */
    static String isoUtc(OffsetDateTime t) {
        LocalDateTime utc = t.getOffset().equals(ZoneOffset.UTC) ? t.toLocalDateTime()
                : t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        int year = utc.getYear();
        if (year < 0 || year > 9999) return OFFSET_DATE_TIME.format(utc.atOffset(ZoneOffset.UTC));
        StringBuilder b = new StringBuilder(38);
        appendIso(b, utc, year);
        return b.append("+00:00").toString();
    }

    /** yyyy-MM-ddTHH:mm:ss, then the fraction without its trailing zeros (none when it is zero), as ISO_LOCAL_TIME. */
    private static void appendIso(StringBuilder b, LocalDateTime t, int year) {
        twoDigits(b.append((char) ('0' + year / 1000)).append((char) ('0' + year / 100 % 10)), year % 100);
        twoDigits(b.append('-'), t.getMonthValue());
        twoDigits(b.append('-'), t.getDayOfMonth());
        twoDigits(b.append('T'), t.getHour());
        twoDigits(b.append(':'), t.getMinute());
        twoDigits(b.append(':'), t.getSecond());
        int nanos = t.getNano();
        if (nanos == 0) return;
        int digits = 9;
        while (nanos % 10 == 0) {
            nanos /= 10;
            digits--;
        }
        b.append('.');
        for (int div = pow10(digits - 1); div > 0; div /= 10) b.append((char) ('0' + nanos / div % 10));
    }

    private static void twoDigits(StringBuilder b, int value) {
        b.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    private static int pow10(int n) {
        int p = 1;
        for (int i = 0; i < n; i++) p *= 10;
        return p;
    }

    /**
     * The converter with the presentation options applied, chosen once per column. Local timestamps formatted
     * with a pattern that shows an offset show {@code time_zone}'s offset at that wall-clock time.
     */
    public static Function<Object, String> forType(ColumnType type, FormatOptions o) {
        ZoneId zone = o.timeZone();
        Function<Object, String> canonical = forType(type, zone);
        return switch (type) {
            case DATE -> o.dateFormat() == null ? canonical : v -> o.dateFormat().format((LocalDate) v);
            // A local timestamp keeps its wall-clock time even inside a DST gap: it takes the zone's offset at
            // that local time (the earlier one in a gap) rather than being moved by atZone.
            case TIMESTAMP -> o.timestampFormat() == null ? canonical : v -> {
                LocalDateTime local = (LocalDateTime) v;
                return o.timestampFormat().format(local.atOffset(zone.getRules().getOffset(local)));
            };
            case TIMESTAMP_TZ -> o.timestampFormat() == null ? canonical
                    : v -> o.timestampFormat().format(((OffsetDateTime) v).atZoneSameInstant(zone));
            case BOOLEAN -> o.boolText() == null ? canonical : v -> o.boolText().get((Boolean) v ? 0 : 1);
            case INTEGER, DECIMAL, FLOAT -> o.numberLocale() == null ? canonical : localized(o.numberLocale());
            default -> canonical;
        };
    }

    /**
     * Numbers in a locale's notation (decimal separator and grouping), every digit kept: a decimal shows its
     * scale, a float its shortest exact digits.
     */
    static Function<Object, String> localized(Locale locale) {
        DecimalFormatSymbols symbols = DecimalFormatSymbols.getInstance(locale);
        return v -> {
            BigDecimal exact = v instanceof BigDecimal b ? b : v instanceof Long l ? BigDecimal.valueOf(l)
                    : new BigDecimal(floating(v));
            DecimalFormat f = new DecimalFormat("#,##0", symbols);
            f.setMinimumFractionDigits(Math.max(0, exact.scale()));
            f.setMaximumFractionDigits(Math.max(0, exact.scale()));
            return f.format(exact);
        };
    }

    /** Shortest text that reads back as the same value, without exponents: 5.0 → "5", 1.0E-5 → "0.00001". */
    public static String floating(Object v) {
        double d = ((Number) v).doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) return Double.toString(d);
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        String s = v instanceof Float f ? Float.toString(f) : Double.toString(d);
        // stripTrailingZeros: "1.0E-5" is unscaled 10 at scale 6, which would print as 0.000010.
        return s.indexOf('E') < 0 ? s : new BigDecimal(s).stripTrailingZeros().toPlainString();
    }
}
