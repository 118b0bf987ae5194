package dev.freight.source;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;

/**
 * The SQL a time series needs that differs between databases: reading a time column as whole seconds, integer
 * division, a year-and-month index, a BIGINT cast and the time range. One implementation per {@link Dialect},
 * chosen once by the dialect ({@link Dialect#series()}): the series planner never asks which database it talks to.
 *
 * <p>Everything else of a series is plain integer arithmetic on those seconds, the same on every database, so the
 * buckets agree to the second between them. Time zones are applied by the planner from Java's zone rules (as bound
 * offsets per DST period), not by the database: MariaDB without its time-zone tables and SQLite have none.
 */
public interface SeriesSql {

    /** How a time column's values are placed in time. */
    enum TimeKind {
        /** An instant (timestamptz; MariaDB's TIMESTAMP): bucketed on the wall clock of the request's time zone. */
        INSTANT,
        /** A date or a timestamp without zone: already a wall-clock time, read as one in the request's zone. */
        WALL
    }

    /** Whether {@code column} can be a series' time column, and as what. */
    default Optional<TimeKind> timeKind(Column column) {
        return switch (column.type()) {
            case TIMESTAMP_TZ -> Optional.of(TimeKind.INSTANT);
            case TIMESTAMP, DATE -> Optional.of(TimeKind.WALL);
            default -> Optional.empty();
        };
    }

    /**
     * Whole seconds since 1970-01-01T00:00 (floored) of {@code column}: of the instant for {@link TimeKind#INSTANT}, of
     * the wall clock read as UTC for {@link TimeKind#WALL}. A BIGINT.
     */
    String seconds(String column, TimeKind kind);

    /** {@code a / b} of non-negative BIGINTs, truncated. */
    default String intDiv(String a, String b) {
        return "(" + a + ") / (" + b + ")";
    }

    /** {@code expression} as a BIGINT (bound parameters are cast so no database guesses their type). */
    default String bigint(String expression) {
        return "CAST(" + expression + " AS BIGINT)";
    }

    /** {@code year * 12 + month - 1} of the date-time {@code seconds} (a BIGINT of {@link #seconds}) after 1970 UTC. */
    String monthIndex(String seconds);

    /**
     * What ends a derived table whose computed columns the next level uses several times, so the database computes
     * them once per row; nothing where it does anyway.
     */
    default String keepComputed() {
        return "";
    }

    /** {@code column} within [from, to): SQL with two parameters, bound to {@link #rangeValue}s. */
    default String range(String column, TimeKind kind) {
        return column + " >= ? AND " + column + " < ?";
    }

    /** A range bound as {@link #range} compares it: the instant, or for a wall-clock column its wall-clock time. */
    default Object rangeValue(Instant instant, LocalDateTime wall, TimeKind kind) {
        return kind == TimeKind.INSTANT ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC) : wall;
    }

    final class Postgres implements SeriesSql {
        @Override
        public String seconds(String column, TimeKind kind) {
            // EXTRACT(EPOCH) of a timestamp without zone or a date is its nominal seconds, as wanted for WALL.
            return "CAST(FLOOR(EXTRACT(EPOCH FROM " + column + ")) AS BIGINT)";
        }

        /**
         * PostgreSQL pulls derived tables up into the outer query and then repeats their expressions: the seconds
         * were computed six times a row for a monthly series. OFFSET 0 (no row skipped: not paging) keeps the derived
         * table as it is; with it a monthly series of 1M rows took 1.5 s instead of 2.8 s, about what date_trunc takes.
         */
        @Override
        public String keepComputed() {
            return " OFFSET 0";
        }

        @Override
        public String monthIndex(String seconds) {
            String t = "(TIMESTAMP '1970-01-01 00:00:00' + (" + seconds + ") * INTERVAL '1 second')";
            return "CAST(EXTRACT(YEAR FROM " + t + ") * 12 + EXTRACT(MONTH FROM " + t + ") - 1 AS BIGINT)";
        }
    }

    final class MariaDb implements SeriesSql {
        @Override
        public String seconds(String column, TimeKind kind) {
            // Sessions run at time_zone +00:00 (Dialect#connectionInitSql), so UNIX_TIMESTAMP reads a TIMESTAMP's instant.
            return kind == TimeKind.INSTANT ? "CAST(FLOOR(UNIX_TIMESTAMP(" + column + ")) AS SIGNED)"
                    : "TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', " + column + ")";
        }

        @Override
        public String intDiv(String a, String b) {
            return "(" + a + ") DIV (" + b + ")";
        }

        @Override
        public String bigint(String expression) {
            return "CAST(" + expression + " AS SIGNED)";
        }

        @Override
        public String monthIndex(String seconds) {
            String t = "(TIMESTAMP '1970-01-01 00:00:00' + INTERVAL (" + seconds + ") SECOND)";
            return "(YEAR(" + t + ") * 12 + MONTH(" + t + ") - 1)";
        }
    }

    final class H2 implements SeriesSql {
        @Override
        public String seconds(String column, TimeKind kind) {
            // EXTRACT(EPOCH) reads a TIMESTAMP WITH TIME ZONE's instant and a TIMESTAMP's nominal seconds; DATEDIFF
            // would compare a TIMESTAMP WITH TIME ZONE's local fields, ignoring its offset.
            return "CAST(FLOOR(EXTRACT(EPOCH FROM " + column + ")) AS BIGINT)";
        }

        @Override
        public String monthIndex(String seconds) {
            String t = "DATEADD(SECOND, " + seconds + ", TIMESTAMP '1970-01-01 00:00:00')";
            return "CAST(EXTRACT(YEAR FROM " + t + ") * 12 + EXTRACT(MONTH FROM " + t + ") - 1 AS BIGINT)";
        }
    }

    /**
     * SQLite has no date types: a time column is text in one of SQLite's time formats
     * (https://sqlite.org/lang_datefunc.html), recognised by its declared type. Text with an offset names an instant,
     * SQLite converts it to UTC; a column declared with a time zone is bucketed as instants, any other date or
     * timestamp column as wall-clock times.
     */
    final class Sqlite implements SeriesSql {
        @Override
        public Optional<TimeKind> timeKind(Column column) {
            String declared = column.sqlTypeName() == null ? "" : column.sqlTypeName().toLowerCase(Locale.ROOT);
            if (declared.contains("timestamptz") || declared.contains("time zone")) return Optional.of(TimeKind.INSTANT);
            if (declared.contains("date") || declared.contains("timestamp")) return Optional.of(TimeKind.WALL);
            return SeriesSql.super.timeKind(column);
        }

        @Override
        public String seconds(String column, TimeKind kind) {
            return "CAST(strftime('%s', " + column + ") AS INTEGER)";
        }

        @Override
        public String monthIndex(String seconds) {
            return "(CAST(strftime('%Y', " + seconds + ", 'unixepoch') AS INTEGER) * 12 + CAST(strftime('%m', "
                    + seconds + ", 'unixepoch') AS INTEGER) - 1)";
        }

        /** Text compares as text: the range compares seconds, whatever offset each value was written with. */
        @Override
        public String range(String column, TimeKind kind) {
            String s = seconds(column, kind);
            return s + " >= ? AND " + s + " < ?";
        }

        @Override
        public Object rangeValue(Instant instant, LocalDateTime wall, TimeKind kind) {
            return kind == TimeKind.INSTANT ? instant.getEpochSecond() : wall.toEpochSecond(ZoneOffset.UTC);
        }
    }
}
