package dev.freight.query;

/** One ORDER BY key; {@code dir} is {@code asc} or {@code desc}. */
public record SortKey(String column, String dir) {
}
