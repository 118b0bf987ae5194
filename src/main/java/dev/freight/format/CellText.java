package dev.freight.format;

import dev.freight.source.ColumnType;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Base64;
import java.util.function.Function;

/**
 * The canonical text of a value in text formats: plain decimals (never via double, never in exponent form),
 * ISO-8601 dates and times with as many fraction digits as needed, timestamps with an explicit offset
 * ({@code +00:00}) in the requested zone, binary as base64.
 */
public final class CellText {
    private static final DateTimeFormatter OFFSET_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME).appendOffset("+HH:MM", "+00:00").toFormatter();

    private CellText() {
    }

    /** A converter for one column, chosen once so the per-row work is a single call. Input is never null. */
    public static Function<Object, String> forType(ColumnType type, ZoneId zone) {
        return switch (type) {
            case DECIMAL -> v -> ((BigDecimal) v).toPlainString();
            case FLOAT -> CellText::floating;
            case DATE -> v -> DateTimeFormatter.ISO_LOCAL_DATE.format((LocalDate) v);
            case TIME -> v -> DateTimeFormatter.ISO_LOCAL_TIME.format((LocalTime) v);
            case TIMESTAMP -> v -> DateTimeFormatter.ISO_LOCAL_DATE_TIME.format((LocalDateTime) v);
            case TIMESTAMP_TZ -> v -> OFFSET_DATE_TIME.format(((OffsetDateTime) v).atZoneSameInstant(zone));
            case BINARY -> v -> Base64.getEncoder().encodeToString((byte[]) v);
            default -> Object::toString;
        };
    }

    /** Shortest text that reads back as the same value, without exponents: 5.0 → "5", 1.0E-5 → "0.00001". */
    static String floating(Object v) {
        double d = ((Number) v).doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) return Double.toString(d);
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        String s = v instanceof Float f ? Float.toString(f) : Double.toString(d);
        // stripTrailingZeros: "1.0E-5" is unscaled 10 at scale 6, which would print as 0.000010.
        return s.indexOf('E') < 0 ? s : new BigDecimal(s).stripTrailingZeros().toPlainString();
    }
}
