package dev.freight.format;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;

/**
 * Values a database can hold that have no ordinary Java counterpart: PostgreSQL's dates and timestamps of
 * {@code infinity} and {@code -infinity}, its numerics of {@code NaN}, {@code Infinity} and {@code -Infinity}, and
 * its time {@code 24:00:00}; and MariaDB's times outside a day and zero dates.
 * Row sources hand them over as pgJDBC does for the temporal ones, the type's {@code MAX} or {@code MIN} constant
 * itself ({@link LocalDate#MAX}, {@link LocalDateTime#MIN}, {@link OffsetDateTime#MAX} …), and a decimal one as a
 * {@link Double} (NaN or an infinity) in place of the BigDecimal. Text formats print them as PostgreSQL's COPY does,
 * so every export path writes the same bytes; a writer checks for them before any date arithmetic, which would
 * overflow on them.
 */
public final class NonFinite {
    public static final String INFINITY = "infinity";
    public static final String NEGATIVE_INFINITY = "-infinity";

    private NonFinite() {
    }

    /** PostgreSQL's time {@code 24:00:00}, which pgJDBC reads as {@link LocalTime#MAX}, the constant itself. */
    public static final String END_OF_DAY = "24:00:00";

    /** Whether {@code v} stands for {@code 24:00:00}: LocalTime.MAX itself, not an equal time made by a driver. */
    public static boolean isEndOfDay(Object v) {
        return v == LocalTime.MAX;
    }

    /**
     * Whether {@code v}, a value of a date or time column, is one no java.time type holds, handed over as the
     * database's text: MariaDB's TIME is a duration from -838:59:59 to 838:59:59 ({@code -01:30:00},
     * {@code 100:00:00.5}), and its zero dates ({@code 0000-00-00}, {@code 2024-02-00 10:00:00}) are no dates.
     */
    public static boolean isStoredText(Object v) {
        return v instanceof String;
    }

    /**
     * The text of a date or time value that stands for something no java.time value is (±infinity, 24:00:00, a
     * database's stored text), or null for an ordinary value.
     */
    public static String temporalWord(Object v) {
        if (isStoredText(v)) return (String) v;
        if (isEndOfDay(v)) return END_OF_DAY;
        return temporalText(v);
    }

    /** {@code infinity} or {@code -infinity} for a temporal ±infinity, null for any other value. */
    public static String temporalText(Object v) {
        if (v == LocalDate.MAX || v == LocalDateTime.MAX || v == OffsetDateTime.MAX) return INFINITY;
        if (v == LocalDate.MIN || v == LocalDateTime.MIN || v == OffsetDateTime.MIN) return NEGATIVE_INFINITY;
        return null;
    }

    /** +1 for {@code infinity}, -1 for {@code -infinity}, 0 for any other value. */
    public static int temporalSign(Object v) {
        String text = temporalText(v);
        return text == null ? 0 : text == INFINITY ? 1 : -1;
    }

    /** Whether a decimal column's value is a non-finite number (a Double NaN or infinity) rather than a BigDecimal. */
    public static boolean isNonFiniteDecimal(Object v) {
        return v instanceof Double;
    }

    /** {@code NaN}, {@code Infinity} or {@code -Infinity}: PostgreSQL's words, which are also Java's. */
    public static String numberText(Object v) {
        return Double.toString(((Number) v).doubleValue());
    }
}
