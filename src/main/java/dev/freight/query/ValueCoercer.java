package dev.freight.query;

import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Converts an untrusted filter value to the Java type that is bound for its column, or says precisely why not. */
final class ValueCoercer {
    private ValueCoercer() {
    }

    static Object coerce(Object raw, Column column, String field) {
        if (raw == null) {
            throw new InvalidRequestException(ProblemCode.INVALID_VALUE, field, "a value is required for column '" + column.name()
                    + "'; use op is_null / not_null to match NULL");
        }
        if (raw instanceof java.util.Collection<?> || raw instanceof java.util.Map<?, ?>) {
            throw invalid(raw, column, field, "a single value");
        }
        String text = raw instanceof String s ? s : String.valueOf(raw);
        try {
            return switch (column.type()) {
                case INTEGER -> integer(raw, text, column, field);
                case DECIMAL -> decimal(raw, text, column, field);
                case FLOAT -> floating(raw, text, column, field);
                case BOOLEAN -> bool(raw, text, column, field);
                case STRING, TEXT_LIKE -> text;
                case DATE -> inRange(LocalDate.parse(text.trim()), raw, column, field);
                case TIME -> LocalTime.parse(text.trim());
                case TIMESTAMP -> inRange(localDateTime(text.trim()), raw, column, field);
                case TIMESTAMP_TZ -> inRange(offsetDateTime(text.trim()), raw, column, field);
                case BINARY -> throw new InvalidRequestException(ProblemCode.INVALID_OPERATOR, field, "column '" + column.name()
                        + "' is binary; only is_null and not_null apply to it");
            };
        } catch (DateTimeParseException e) {
            // "2024-02-30" has the right shape: saying it should look like 2024-03-31 would not help.
            String impossible = column.type() == ColumnType.TIME ? null : impossibleDate(text.trim());
            throw invalid(raw, column, field, impossible != null ? "a valid date: " + impossible : expected(column.type()));
        } catch (NumberFormatException e) {
            throw invalid(raw, column, field, expected(column.type()));
        }
    }

    private static Long integer(Object raw, String text, Column column, String field) {
        if (raw instanceof Double || raw instanceof Float || raw instanceof BigDecimal) {
            BigDecimal d = new BigDecimal(raw.toString());
            try {
                return d.longValueExact();
            } catch (ArithmeticException e) {
                throw invalid(raw, column, field, "an integer");
            }
        }
        return Long.valueOf(text.trim());
    }

    /**
     * Decimals beyond {@value #MAX_DECIMAL_DIGITS} digits or with an exponent past that are no real filter value;
     * a database refuses them mid-export ("value overflows numeric format") and they cannot even be written back
     * as plain JSON.
     */
    private static BigDecimal decimal(Object raw, String text, Column column, String field) {
        BigDecimal d = new BigDecimal(text.trim());
        long integerDigits = (long) d.precision() - d.scale();
        if (d.precision() > MAX_DECIMAL_DIGITS || Math.abs(integerDigits) > MAX_DECIMAL_DIGITS
                || Math.abs((long) d.scale()) > MAX_DECIMAL_DIGITS) {
            throw invalid(raw, column, field, "a number of at most " + MAX_DECIMAL_DIGITS + " digits");
        }
        return d;
    }

    /** NaN and infinities parse as doubles but compare with nothing a database stores. */
    private static Double floating(Object raw, String text, Column column, String field) {
        double d = Double.parseDouble(text.trim());
        if (!Double.isFinite(d)) throw invalid(raw, column, field, "a finite number");
        return d;
    }

    /** Years 1 to 9999: the range every supported database stores (MariaDB's DATETIME ends at 9999). */
    private static <T extends java.time.temporal.Temporal> T inRange(T value, Object raw, Column column, String field) {
        int year = value.get(java.time.temporal.ChronoField.YEAR);
        if (year < 1 || year > 9999) throw invalid(raw, column, field, "a date between the years 1 and 9999");
        return value;
    }

    static final int MAX_DECIMAL_DIGITS = 1000;

    /**
     * The coerced value as it is stored with a job and shown back: numbers, booleans and text as themselves, dates
     * and times in ISO form, which {@link #coerce} reads back to the same value.
     */
    static Object canonical(Object coerced) {
        if (coerced instanceof java.time.temporal.TemporalAccessor) return coerced.toString();
        return coerced;
    }

    private static Boolean bool(Object raw, String text, Column column, String field) {
        if (raw instanceof Boolean b) return b;
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "t", "1", "yes" -> Boolean.TRUE;
            case "false", "f", "0", "no" -> Boolean.FALSE;
            default -> throw invalid(raw, column, field, "true or false");
        };
    }

    private static LocalDateTime localDateTime(String text) {
        if (text.length() == 10) return LocalDate.parse(text).atStartOfDay();
        return LocalDateTime.parse(text.replace(' ', 'T'));
    }

    /** A timestamp without an offset is taken as UTC, which is also how exported timestamps are written by default. */
    private static OffsetDateTime offsetDateTime(String text) {
        if (text.length() == 10) return LocalDate.parse(text).atStartOfDay().atOffset(ZoneOffset.UTC);
        String t = text.replace(' ', 'T');
        try {
            return OffsetDateTime.parse(t);
        } catch (DateTimeParseException e) {
            return LocalDateTime.parse(t).atOffset(ZoneOffset.UTC);
        }
    }

    private static final java.util.regex.Pattern DATE_PART = java.util.regex.Pattern.compile("^(\\d{4})-(\\d{2})-(\\d{2})(?:[T ].*)?$");

    /** Why a well-formed yyyy-MM-dd is no day of the calendar ("February 2024 has 29 days"), or null. */
    private static String impossibleDate(String text) {
        java.util.regex.Matcher m = DATE_PART.matcher(text);
        if (!m.matches()) return null;
        int year = Integer.parseInt(m.group(1));
        int month = Integer.parseInt(m.group(2));
        int day = Integer.parseInt(m.group(3));
        if (month < 1 || month > 12) return "there is no month " + month;
        java.time.YearMonth ym = java.time.YearMonth.of(year, month);
        if (day < 1 || day > ym.lengthOfMonth()) {
            return ym.getMonth().getDisplayName(java.time.format.TextStyle.FULL, Locale.ENGLISH) + " " + year + " has "
                    + ym.lengthOfMonth() + " days";
        }
        return null;
    }

    private static String expected(ColumnType type) {
        return switch (type) {
            case INTEGER -> "an integer";
            case DECIMAL, FLOAT -> "a number";
            case BOOLEAN -> "true or false";
            case DATE -> "a date like 2024-03-31";
            case TIME -> "a time like 13:45:00";
            case TIMESTAMP -> "a timestamp like 2024-03-31T13:45:00";
            case TIMESTAMP_TZ -> "a timestamp like 2024-03-31T13:45:00Z or 2024-03-31T13:45:00+02:00";
            default -> "text";
        };
    }

    private static InvalidRequestException invalid(Object raw, Column column, String field, String expected) {
        return new InvalidRequestException(ProblemCode.INVALID_VALUE, field, "value '" + Messages.shorten(raw) + "' for column '"
                + column.name() + "' (" + column.type().wireName() + ") is not " + expected);
    }
}
