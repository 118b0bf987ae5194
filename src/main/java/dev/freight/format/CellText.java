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
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME).appendOffset("+HH:MM:ss", "+00:00").toFormatter();

    private CellText() {
    }

    /** The canonical converter for one column: ISO dates, plain numbers. Input is never null. */
    public static Function<Object, String> forType(ColumnType type, ZoneId zone) {
        Function<Object, String> finite = finiteForType(type, zone);
        return switch (type) {
            case DECIMAL -> v -> v instanceof BigDecimal b ? b.toPlainString() : NonFinite.numberText(v);
            case DATE, TIME, TIMESTAMP, TIMESTAMP_TZ -> orTemporalWord(finite);
            default -> finite;
        };
    }

    /** PostgreSQL's {@code infinity}, {@code 24:00:00}, MariaDB's zero dates ({@link NonFinite}), else the value's text. */
    private static Function<Object, String> orTemporalWord(Function<Object, String> finite) {
        return v -> {
            String word = NonFinite.temporalWord(v);
            return word != null ? word : finite.apply(v);
        };
    }

    private static Function<Object, String> finiteForType(ColumnType type, ZoneId zone) {
        return switch (type) {
            case FLOAT -> CellText::floating;
            case DATE -> v -> DateTimeFormatter.ISO_LOCAL_DATE.format((LocalDate) v);
            case TIME -> v -> DateTimeFormatter.ISO_LOCAL_TIME.format((LocalTime) v);
            case TIMESTAMP -> v -> isoLocalDateTime((LocalDateTime) v);
            case TIMESTAMP_TZ -> zone instanceof ZoneOffset offset
                    ? v -> isoOffsetDateTime(((OffsetDateTime) v).withOffsetSameInstant(offset))
                    : v -> isoOffsetDateTime(((OffsetDateTime) v).atZoneSameInstant(zone).toOffsetDateTime());
            case BINARY -> v -> Base64.getEncoder().encodeToString((byte[]) v);
            default -> Object::toString;
        };
    }

    /**
     * {@code ISO_LOCAL_DATE_TIME}'s text, written by {@link CellChars} for the years 0 to 9999: DateTimeFormatter's
     * generic printer was a sixth of an NDJSON export's CPU time (measured 0.6–0.9 µs a value against 0.1–0.2 µs).
     * Other years take the formatter.
     */
    static String isoLocalDateTime(LocalDateTime t) {
        char[] buf = new char[CellChars.BUFFER_SIZE];
        int n = CellChars.timestamp(t, buf);
        return n < 0 ? DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t) : new String(buf, 0, n);
    }

    /**
     * {@link #isoLocalDateTime} and the offset as {@code +HH:MM}, or {@code +HH:MM:SS} when it has seconds (local mean
     * time before 1900, as PostgreSQL writes it): cut to minutes, the text would name another instant.
     */
    static String isoOffsetDateTime(OffsetDateTime t) {
        char[] buf = new char[CellChars.BUFFER_SIZE];
        int n = CellChars.timestamp(t, t.getOffset(), buf);
        return n < 0 ? OFFSET_DATE_TIME.format(t) : new String(buf, 0, n);
    }

    /**
     * The converter with the presentation options applied, chosen once per column. Local timestamps formatted
     * with a pattern that shows an offset show {@code time_zone}'s offset at that wall-clock time.
     */
    public static Function<Object, String> forType(ColumnType type, FormatOptions o) {
        ZoneId zone = o.timeZone();
        Function<Object, String> canonical = forType(type, zone);
        return switch (type) {
            case DATE -> o.dateFormat() == null ? canonical : orTemporalWord(v -> o.dateFormat().format((LocalDate) v));
            // A local timestamp keeps its wall-clock time even inside a DST gap: it takes the zone's offset at
            // that local time (the earlier one in a gap) rather than being moved by atZone.
            case TIMESTAMP -> o.timestampFormat() == null ? canonical : orTemporalWord(v -> {
                LocalDateTime local = (LocalDateTime) v;
                return o.timestampFormat().format(local.atOffset(zone.getRules().getOffset(local)));
            });
            case TIMESTAMP_TZ -> o.timestampFormat() == null ? canonical
                    : orTemporalWord(v -> o.timestampFormat().format(((OffsetDateTime) v).atZoneSameInstant(zone)));
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
            // NaN and the infinities keep PostgreSQL's words: a locale's own (∞, NaN, "非数") would not read back.
            if ((v instanceof Double || v instanceof Float) && !Double.isFinite(((Number) v).doubleValue())) {
                return NonFinite.numberText(v);
            }
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
