package dev.freight.query;

import dev.freight.source.Column;
import dev.freight.source.SeriesSql;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a planned series query returns and how its rows become the export's rows. The SQL returns, ordered by the
 * groups and then the bucket, {@code [bucket number, group values…, raw measures…]}; an average comes as its sum
 * and its count (divided here, so every database divides alike). A bucket number counts in {@link Granularity}'s
 * unit: UTC epoch seconds for minutes and hours (an instant, so the two 02:00 hours of a 25-hour day stay apart),
 * epoch days for days and weeks (the Monday), and months since year 0 for months, quarters and years; the bucket
 * is written as its start in the series' time zone with the offset of that moment.
 *
 * <p>{@code groupRank}: the index of the group's rank among the query's columns (-1 without groups): rows of one
 * group have one rank, whatever spelling of its values the database returns with them.
 *
 * <p>{@code first} and {@code last} are the bucket numbers of the range's first and last instant: with
 * {@code fill} zero or null, every group seen gets every bucket from first to last.
 */
public record SeriesShape(Granularity granularity, ZoneId zone, SeriesSql.TimeKind kind, long first, long last,
                          int groupCount, int groupRank, List<Output> measures, Fill fill, long maxCells, List<Column> outputColumns) {

    public SeriesShape {
        measures = List.copyOf(measures);
        outputColumns = List.copyOf(outputColumns);
    }

    public enum Granularity {
        MINUTE(60), HOUR(3600), DAY(1), WEEK(7), MONTH(1), QUARTER(3), YEAR(12);

        private final long step;

        Granularity(long step) {
            this.step = step;
        }

        /** How far apart two bucket numbers are. */
        public long step() {
            return step;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Granularity> fromWire(String name) {
            return Arrays.stream(values()).filter(g -> g.wireName().equals(name)).findFirst();
        }

        public static List<String> choices() {
            return Arrays.stream(values()).map(Granularity::wireName).toList();
        }
    }

    public enum Fill {
        /** Empty buckets count 0 and sum to 0; their average, minimum and maximum are null (there is none). */
        ZERO,
        /** Empty buckets have every measure null. */
        NULL,
        /** Empty buckets are left out. */
        NONE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Fill> fromWire(String name) {
            return Arrays.stream(values()).filter(f -> f.wireName().equals(name)).findFirst();
        }

        public static List<String> choices() {
            return Arrays.stream(values()).map(Fill::wireName).toList();
        }
    }

    /**
     * One output measure: the raw value at {@code rawIndex} (and for an average, its count at {@code rawIndex + 1}),
     * written as {@code scale} decimals when {@code scale >= 0}; {@code zero} is its value in an empty bucket under
     * fill zero.
     */
    public record Output(int rawIndex, boolean average, boolean floating, int scale, Object zero) {
    }

    /** Buckets from first to last. */
    public long bucketCount() {
        return (last - first) / granularity.step() + 1;
    }

    /** The start of bucket {@code b} in the series' zone. */
    public OffsetDateTime bucketStart(long b) {
        return switch (granularity) {
            case MINUTE, HOUR -> kind == SeriesSql.TimeKind.INSTANT
                    ? Instant.ofEpochSecond(b).atZone(zone).toOffsetDateTime()
                    : LocalDateTime.ofEpochSecond(b, 0, ZoneOffset.UTC).atZone(zone).toOffsetDateTime();
            case DAY, WEEK -> LocalDate.ofEpochDay(b).atStartOfDay(zone).toOffsetDateTime();
            case MONTH, QUARTER, YEAR -> LocalDate.of((int) Math.floorDiv(b, 12), (int) Math.floorMod(b, 12) + 1, 1)
                    .atStartOfDay(zone).toOffsetDateTime();
        };
    }

    /**
     * Whether bucket {@code b} is a time that exists in the zone: a wall-clock minute or hour inside a DST gap (02:30
     * on a spring-forward night, of a column without zone) is none, and is not filled (it would read as 03:30).
     */
    public boolean exists(long b) {
        if (kind != SeriesSql.TimeKind.WALL || (granularity != Granularity.MINUTE && granularity != Granularity.HOUR)) {
            return true;
        }
        return !zone.getRules().getValidOffsets(LocalDateTime.ofEpochSecond(b, 0, ZoneOffset.UTC)).isEmpty();
    }

    /** The export's row for one row of the query. */
    public Object[] output(Object[] raw) {
        Object[] out = new Object[1 + groupCount + measures.size()];
        out[0] = bucketStart(((Number) raw[0]).longValue());
        System.arraycopy(raw, 1, out, 1, groupCount);
        for (int i = 0; i < measures.size(); i++) out[1 + groupCount + i] = value(measures.get(i), raw);
        return out;
    }

    /** The row of an empty bucket {@code b} of the group {@code groups}, filled as {@link #fill} says. */
    public Object[] empty(long b, Object[] groups) {
        Object[] out = new Object[1 + groupCount + measures.size()];
        out[0] = bucketStart(b);
        System.arraycopy(groups, 0, out, 1, groupCount);
        if (fill == Fill.ZERO) {
            for (int i = 0; i < measures.size(); i++) out[1 + groupCount + i] = measures.get(i).zero();
        }
        return out;
    }

    private static Object value(Output m, Object[] raw) {
        Object v = raw[m.rawIndex()];
        if (m.average()) {
            Number count = (Number) raw[m.rawIndex() + 1];
            if (v == null || count == null || count.longValue() == 0) return null;
            if (m.floating()) return ((Number) v).doubleValue() / count.longValue();
            BigDecimal avg = decimal(v).divide(BigDecimal.valueOf(count.longValue()), MathContext.DECIMAL64).stripTrailingZeros();
            return avg.scale() < 0 ? avg.setScale(0) : avg;
        }
        if (m.scale() >= 0 && v != null) {
            BigDecimal d = decimal(v);
            return d.scale() == m.scale() ? d : d.setScale(m.scale(), RoundingMode.HALF_EVEN);
        }
        if (m.floating() && v instanceof Number n && !(v instanceof Double)) return n.doubleValue();
        return v;
    }

    private static BigDecimal decimal(Object v) {
        if (v instanceof BigDecimal d) return d;
        if (v instanceof Long || v instanceof Integer) return BigDecimal.valueOf(((Number) v).longValue());
        return new BigDecimal(v.toString());
    }
}
