package dev.freight.query;

/**
 * One condition of an export request. {@code value} is as received: a string, number, boolean or list (for
 * {@code in}, {@code not_in}, {@code between}); the planner converts it to the column's type.
 */
public record Filter(String column, String op, Object value) {
}
