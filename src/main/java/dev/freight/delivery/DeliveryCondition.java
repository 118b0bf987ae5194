package dev.freight.delivery;

import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An alert condition on an export's result: {@code rows > 0}, {@code rows == 0}, any comparison of the row count,
 * or a threshold on an aggregate of one measure column of a series over all its rows
 * ({@code max(sum_unit_price) > 10000}; aggregates max, min, sum, avg). Deliveries go out only when it holds.
 *
 * @param aggregate null for the row count
 * @param column    the measure column of the series (its output name), null for the row count
 */
public record DeliveryCondition(Aggregate aggregate, String column, Comparison comparison, BigDecimal threshold) {

    public enum Aggregate {
        MAX, MIN, SUM, AVG;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Comparison {
        GT(">"), GE(">="), LT("<"), LE("<="), EQ("=="), NE("!=");

        private final String symbol;

        Comparison(String symbol) {
            this.symbol = symbol;
        }

        boolean test(int cmp) {
            return switch (this) {
                case GT -> cmp > 0;
                case GE -> cmp >= 0;
                case LT -> cmp < 0;
                case LE -> cmp <= 0;
                case EQ -> cmp == 0;
                case NE -> cmp != 0;
            };
        }

        static Optional<Comparison> of(String symbol) {
            for (Comparison c : values()) if (c.symbol.equals(symbol)) return Optional.of(c);
            return Optional.empty();
        }
    }

    static final int MAX_DIGITS = 100;
    private static final Pattern ROWS = Pattern.compile("\\s*rows\\s*(>=|<=|==|!=|>|<)\\s*(\\S+)\\s*");
    private static final Pattern MEASURE = Pattern.compile(
            "\\s*([a-z]+)\\s*\\(\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\)\\s*(>=|<=|==|!=|>|<)\\s*(\\S+)\\s*");
    private static final String FORMS = "expected rows <op> <number> or max|min|sum|avg(<measure column>) <op> <number>, "
            + "<op> one of > >= < <= == != (e.g. \"rows > 0\", \"max(sum_unit_price) > 10000\")";

    /** The row count, or the value of {@link #aggregate} over the column. */
    public boolean onRows() {
        return aggregate == null;
    }

    /** Parses a condition; InvalidRequestException {@code invalid_condition} naming the field for anything else. */
    public static DeliveryCondition parse(String text, String field) {
        if (text == null || text.isBlank()) throw invalid(field, "condition is empty; " + FORMS);
        Matcher rows = ROWS.matcher(text);
        if (rows.matches()) {
            BigDecimal n = number(rows.group(2), text, field);
            if (n.stripTrailingZeros().scale() > 0) {
                throw invalid(field, "condition \"" + Messages.shorten(text) + "\": a row count is compared with a whole number, got " + Messages.shorten(rows.group(2)));
            }
            return new DeliveryCondition(null, null, Comparison.of(rows.group(1)).orElseThrow(), n);
        }
        Matcher m = MEASURE.matcher(text);
        if (m.matches()) {
            String agg = m.group(1);
            Aggregate aggregate;
            try {
                aggregate = Aggregate.valueOf(agg.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw invalid(field, "condition \"" + Messages.shorten(text) + "\": " + Messages.unknown("aggregate", agg, "max, min, sum, avg"));
            }
            return new DeliveryCondition(aggregate, m.group(2), Comparison.of(m.group(3)).orElseThrow(),
                    number(m.group(4), text, field));
        }
        throw invalid(field, "condition \"" + Messages.shorten(text) + "\" is not understood; " + FORMS);
    }

    private static BigDecimal number(String s, String text, String field) {
        BigDecimal n;
        try {
            n = new BigDecimal(s);
        } catch (NumberFormatException e) {
            throw invalid(field, "condition \"" + Messages.shorten(text) + "\": '" + Messages.shorten(s) + "' is not a number");
        }
        // The condition is stored and shown with its threshold written out in full: 1e999999999 would be a
        // billion digits (the node ran out of memory writing it). No measure or row count comes near these bounds.
        long integerDigits = (long) n.precision() - n.scale();
        if (n.precision() > MAX_DIGITS || Math.abs(integerDigits) > MAX_DIGITS || Math.abs((long) n.scale()) > MAX_DIGITS) {
            throw invalid(field, "condition \"" + Messages.shorten(text) + "\": the threshold must be a number of at most "
                    + MAX_DIGITS + " digits");
        }
        return n;
    }

    static InvalidRequestException invalid(String field, String message) {
        return new InvalidRequestException(ProblemCode.INVALID_CONDITION, field, message);
    }

    /**
     * Whether the condition holds for an export of {@code rows} rows whose measure columns aggregated to
     * {@code measures} (column -> aggregate -> value; a column with no value, e.g. an empty series or only nulls,
     * never satisfies a measure condition).
     */
    public boolean holds(long rows, Map<String, Map<Aggregate, BigDecimal>> measures) {
        if (onRows()) return comparison.test(BigDecimal.valueOf(rows).compareTo(threshold));
        Map<Aggregate, BigDecimal> values = measures.get(column);
        BigDecimal value = values == null ? null : values.get(aggregate);
        return value != null && comparison.test(value.compareTo(threshold));
    }

    @Override
    public String toString() {
        return (onRows() ? "rows" : aggregate.wire() + "(" + column + ")") + " " + comparison.symbol + " "
                + threshold.toPlainString();
    }
}
