package dev.freight.engine;

import java.util.OptionalLong;

/**
 * What a row estimate found: a number, "more than the cap the count stopped at", or nothing at all (the count
 * timed out, the pool was busy, the database failed). Only the first two say anything about size: an unknown
 * count must never be read as "too many".
 */
public record RowCount(Kind kind, long rows) {
    public enum Kind {
        /** {@code rows} rows (PostgreSQL statistics are an estimate; an export's row_limit an upper bound). */
        KNOWN,
        /** More than {@code rows} rows: the count stopped one past that cap. */
        MORE_THAN,
        /** Not counted. */
        UNKNOWN
    }

    public static RowCount known(long rows) {
        return new RowCount(Kind.KNOWN, rows);
    }

    public static RowCount moreThan(long cap) {
        return new RowCount(Kind.MORE_THAN, cap);
    }

    public static RowCount unknown() {
        return new RowCount(Kind.UNKNOWN, -1);
    }

    /** The number, when one is known. */
    public OptionalLong value() {
        return kind == Kind.KNOWN ? OptionalLong.of(rows) : OptionalLong.empty();
    }

    /** Whether the rows are known to be more than {@code max}; unknown is not. */
    public boolean exceeds(long max) {
        return switch (kind) {
            case KNOWN -> rows > max;
            case MORE_THAN -> rows >= max;
            case UNKNOWN -> false;
        };
    }
}
