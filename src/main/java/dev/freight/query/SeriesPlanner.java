package dev.freight.query;

import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;
import dev.freight.source.Dialect;
import dev.freight.source.SeriesSql;
import dev.freight.source.SeriesSql.TimeKind;
import dev.freight.source.Table;

import java.math.BigDecimal;
import java.sql.Types;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Plans a time series ({@link SeriesRequest}) as one aggregate query the source database runs: the time column read
 * as whole seconds, moved to the wall clock of the time zone by the offsets Java's zone rules give for the range
 * (bound, one per DST period), cut into buckets by integer arithmetic, grouped and aggregated, ordered by the
 * groups and then the bucket so that {@code SeriesRows} can fill each group's empty buckets as it streams. The
 * database-specific parts are the dialect's {@link SeriesSql}.
 */
final class SeriesPlanner {
    public static final long DEFAULT_MAX_CELLS = 1_000_000L;
    static final int MAX_MEASURES = 32;
    static final int MAX_GROUP_BY = 8;
    /** DST periods one query may span (two a year: four centuries of a zone with DST, far more in any bucket cap). */
    static final int MAX_OFFSET_CHANGES = 800;
    /** Days from 0000-03-01 to 1970-01-01: added so that every division the SQL makes is of non-negative numbers. */
    static final long SHIFT_DAYS = 719_468L;
    private static final long SHIFT_SECONDS = SHIFT_DAYS * 86_400L;
    static final List<String> TIMEFRAMES = List.of("last_24h", "last_7d", "last_30d", "today", "yesterday", "this_week",
            "last_week", "this_month", "last_month", "this_year");
    static final List<String> AGGREGATES = List.of("count", "count_distinct", "sum", "avg", "min", "max");
    private static final String BUCKET = "bucket";

    private final Dialect dialect;
    private final SeriesSql sql;
    private final long maxCells;
    private final Clock clock;

    SeriesPlanner(Dialect dialect, long maxCells, Clock clock) {
        this.dialect = dialect;
        this.sql = dialect.series();
        this.maxCells = maxCells;
        this.clock = clock;
    }

    /** A resolved measure: what the SQL aggregates and what the export writes. */
    private record Measure(String agg, Column column, String name) {
    }

    private record Range(ZonedDateTime from, ZonedDateTime to) {
    }

    /**
     * {@code conditions}/{@code params}: the row filter, filters and ids, already planned; the series adds its range.
     */
    QueryPlan plan(Table fullTable, Table table, Map<String, Mask> masks, ExportRequest request, List<String> conditions,
                   List<Object> params, List<Filter> normalizedFilters, List<Object> normalizedIds, byte[] hashKey) {
        SeriesRequest s = request.series();
        refuseRowFields(request);
        Column time = timeColumn(fullTable, table, masks, s.timeColumn());
        TimeKind kind = sql.timeKind(time).orElseThrow();
        ZoneId zone = zone(s.timeZone());
        SeriesShape.Granularity granularity = s.granularity() == null ? SeriesShape.Granularity.DAY
                : SeriesShape.Granularity.fromWire(s.granularity()).orElseThrow(() -> invalid("series.granularity",
                Messages.unknown("granularity", s.granularity(), SeriesShape.Granularity.choices())));
        SeriesShape.Fill fill = s.fill() == null ? SeriesShape.Fill.ZERO
                : SeriesShape.Fill.fromWire(s.fill()).orElseThrow(() -> invalid("series.fill",
                Messages.unknown("fill", s.fill(), SeriesShape.Fill.choices())));
        Range range = range(s, zone);

        long first = bucket(range.from().toInstant(), range.from().toLocalDateTime(), kind, zone, granularity);
        Instant lastInstant = range.to().toInstant().minusNanos(1);
        long last = bucket(lastInstant, lastInstant.atZone(zone).toLocalDateTime(), kind, zone, granularity);
        long buckets = (last - first) / granularity.step() + 1;
        if (buckets > maxCells) throw tooManyBuckets(buckets, range, kind, zone, granularity);

        List<Column> groups = groupBy(table, masks, s.groupBy());
        List<Measure> measures = measures(table, masks, s.measures());
        List<String> names = new ArrayList<>();
        names.add(BUCKET);
        groups.forEach(g -> names.add(g.name()));
        measures.forEach(m -> names.add(m.name()));
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new InvalidRequestException(ProblemCode.DUPLICATE_COLUMN, "series", "the series would have two "
                        + "columns named '" + n + "' (bucket, group_by columns, then one per measure as <agg>_<column>)");
            }
        }
        List<String> labels = labels(names, request.options().get("labels"));

        // The range, on the column itself where the database can compare it (an index serves it).
        String quotedTime = dialect.quote(time.name());
        List<String> where = new ArrayList<>(conditions);
        List<Object> whereParams = new ArrayList<>(params);
        where.add(sql.range(quotedTime, kind));
        whereParams.add(sql.rangeValue(range.from().toInstant(), range.from().toLocalDateTime(), kind));
        whereParams.add(sql.rangeValue(range.to().toInstant(), range.to().toLocalDateTime(), kind));

        String fs = dialect.quote("freight_s");
        String fl = dialect.quote("freight_l");
        String fb = dialect.quote("freight_b");
        LinkedHashSet<String> needed = new LinkedHashSet<>();
        groups.forEach(g -> needed.add(dialect.quote(g.name())));
        measures.forEach(m -> {
            if (m.column() != null) needed.add(dialect.quote(m.column().name()));
        });
        for (String n : List.of("freight_s", "freight_l", "freight_b")) {
            if (table.column(n).isPresent() && needed.contains(dialect.quote(n))) {
                throw invalid("series", "column '" + n + "' cannot be used in a series: Freight's series query uses the name");
            }
        }
        String carried = needed.isEmpty() ? "" : ", " + String.join(", ", needed);

        String level1 = "SELECT " + sql.seconds(quotedTime, kind) + " AS " + fs + carried + " FROM "
                + dialect.fromItem(table) + " WHERE " + String.join(" AND ", where) + sql.keepComputed();
        List<Object> all = new ArrayList<>();
        String offset = offset(range, kind, zone, all);
        all.addAll(whereParams);
        String level2 = "SELECT " + fs + ", " + fs + " + " + offset + " AS " + fl + carried + " FROM (" + level1 + ") "
                + dialect.quote("freight_1") + sql.keepComputed();
        String level3 = "SELECT " + bucketSql(granularity, fs, fl) + " AS " + fb + carried + " FROM (" + level2 + ") "
                + dialect.quote("freight_2");
        List<String> groupKeys = groups.stream().map(g -> dialect.quote(g.name())).toList();
        List<String> select = new ArrayList<>();
        select.add(fb);
        select.addAll(groupKeys);
        List<Column> rawColumns = new ArrayList<>();
        rawColumns.add(new Column(BUCKET, ColumnType.INTEGER, "bigint", Types.BIGINT, false, 19, 0));
        rawColumns.addAll(groups);
        List<Column> output = new ArrayList<>();
        output.add(new Column(BUCKET, ColumnType.TIMESTAMP_TZ, "timestamptz", Types.TIMESTAMP_WITH_TIMEZONE, false, 0, 0));
        groups.forEach(g -> output.add(withNullable(g, g.name())));
        List<SeriesShape.Output> outputs = new ArrayList<>();
        for (Measure m : measures) {
            String c = m.column() == null ? null : dialect.quote(m.column().name());
            int rawIndex = rawColumns.size();
            switch (m.agg()) {
                case "count", "count_distinct" -> {
                    select.add(c == null ? "COUNT(*)" : m.agg().equals("count") ? "COUNT(" + c + ")" : "COUNT(DISTINCT " + c + ")");
                    Column col = new Column(m.name(), ColumnType.INTEGER, "bigint", Types.BIGINT, true, 19, 0);
                    rawColumns.add(col);
                    output.add(col);
                    outputs.add(new SeriesShape.Output(rawIndex, false, false, -1, 0L));
                }
                case "sum" -> {
                    select.add("SUM(" + c + ")");
                    Column col = sumColumn(m);
                    rawColumns.add(col);
                    output.add(col);
                    boolean floating = col.type() == ColumnType.FLOAT;
                    int scale = col.type() == ColumnType.DECIMAL && col.precision() > 0 ? col.scale() : -1;
                    Object zero = floating ? (Object) 0.0d : scale >= 0 ? BigDecimal.ZERO.setScale(scale) : BigDecimal.ZERO;
                    outputs.add(new SeriesShape.Output(rawIndex, false, floating, scale, zero));
                }
                case "avg" -> {
                    select.add("SUM(" + c + ")");
                    select.add("COUNT(" + c + ")");
                    Column sum = sumColumn(m);
                    rawColumns.add(sum);
                    rawColumns.add(new Column(m.name() + "_count", ColumnType.INTEGER, "bigint", Types.BIGINT, true, 19, 0));
                    boolean floating = sum.type() == ColumnType.FLOAT;
                    output.add(floating ? sum : new Column(m.name(), ColumnType.DECIMAL, "numeric", Types.NUMERIC, true, 0, 0));
                    outputs.add(new SeriesShape.Output(rawIndex, true, floating, -1, null));
                }
                default -> { // min, max
                    select.add(m.agg().toUpperCase(Locale.ROOT) + "(" + c + ")");
                    Column col = withNullable(m.column(), m.name());
                    rawColumns.add(col);
                    output.add(col);
                    outputs.add(new SeriesShape.Output(rawIndex, false, false, -1, null));
                }
            }
        }
        // The database's own word on which rows are one group: under a case-insensitive collation (MariaDB's default)
        // 'paid' and 'PAID' are one group whose spelling may change from bucket to bucket, which Java's equals
        // would take for two groups. Ranked over the grouped rows only, so it costs a sort of the output.
        int groupRank = -1;
        if (!groupKeys.isEmpty()) {
            groupRank = rawColumns.size();
            select.add("DENSE_RANK() OVER (ORDER BY " + String.join(", ", groupKeys) + ")");
            rawColumns.add(new Column("group_rank", ColumnType.INTEGER, "bigint", Types.BIGINT, false, 19, 0));
        }
        String grouped = "SELECT " + String.join(", ", select) + " FROM (" + level3 + ") " + dialect.quote("freight_3")
                + " GROUP BY " + String.join(", ", concat(List.of(fb), groupKeys));
        List<String> order = concat(groupKeys, List.of(fb));
        String full = grouped + " ORDER BY " + String.join(", ", order);

        SeriesShape shape = new SeriesShape(granularity, zone, kind, first, last, groups.size(), groupRank, outputs, fill,
                maxCells, output);
        SeriesRequest resolved = new SeriesRequest(time.name(), null, range.from().toOffsetDateTime().toString(),
                range.to().toOffsetDateTime().toString(), zone.getId(), granularity.wireName(),
                measures.stream().map(m -> new SeriesRequest.Measure(m.column() == null ? null : m.column().name(), m.agg()))
                        .toList(), groups.stream().map(Column::name).toList(), fill.wireName());
        Map<String, Object> options = new LinkedHashMap<>(request.options());
        // The buckets are written in the series' zone unless the request asks for another.
        options.putIfAbsent("time_zone", zone.getId());
        ExportRequest normalized = request.withFilters(normalizedFilters).withIds(normalizedIds).withSeries(resolved)
                .withOptions(options);
        String words = words(request, resolved, measures, groups);
        return new QueryPlan(dialect, table, rawColumns, labels, full, all,
                " FROM (" + grouped + ") " + dialect.quote("freight_series"), all, "", true, null, words, Map.of(),
                normalized, hashKey, shape);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static Column withNullable(Column c, String name) {
        return new Column(name, c.type(), c.sqlTypeName(), c.jdbcType(), true, c.precision(), c.scale());
    }

    /** A sum is exact for integers and decimals (a DECIMAL of the column's scale), a double for floats. */
    private static Column sumColumn(Measure m) {
        Column c = m.column();
        return switch (c.type()) {
            case FLOAT -> new Column(m.name(), ColumnType.FLOAT, "double precision", Types.DOUBLE, true, 0, 0);
            case INTEGER -> new Column(m.name(), ColumnType.DECIMAL, "numeric", Types.NUMERIC, true, 38, 0);
            default -> new Column(m.name(), ColumnType.DECIMAL, "numeric", Types.NUMERIC, true,
                    c.precision() > 0 ? 38 : 0, Math.max(0, c.scale()));
        };
    }

    /** The integer arithmetic of a bucket, on {@code fs} (seconds) and {@code fl} (wall-clock seconds). */
    private String bucketSql(SeriesShape.Granularity granularity, String fs, String fl) {
        String u = "(" + fl + " + " + SHIFT_SECONDS + ")";
        return switch (granularity) {
            case MINUTE, HOUR -> {
                long n = granularity.step();
                // The instant of the bucket's start: its seconds minus those past the wall clock's minute or hour.
                yield "(" + fs + " - (" + u + " - " + sql.intDiv(u, Long.toString(n)) + " * " + n + "))";
            }
            case DAY -> "(" + sql.intDiv(u, "86400") + " - " + SHIFT_DAYS + ")";
            // Day 0 (0000-03-01) was a Wednesday: day + 2 counts from a Monday.
            case WEEK -> "(" + sql.intDiv(sql.intDiv(u, "86400") + " + 2", "7") + " * 7 - 2 - " + SHIFT_DAYS + ")";
            case MONTH -> sql.monthIndex(fl);
            case QUARTER -> "(" + sql.intDiv(sql.monthIndex(fl), "3") + " * 3)";
            case YEAR -> "(" + sql.intDiv(sql.monthIndex(fl), "12") + " * 12)";
        };
    }

    /**
     * The zone's offset in seconds as SQL on the row's seconds: one bound value, or for a range across DST changes a
     * CASE over the changes (bound). A wall-clock column is already on the zone's clock.
     */
    private String offset(Range range, TimeKind kind, ZoneId zone, List<Object> params) {
        if (kind == TimeKind.WALL) return "0";
        ZoneRules rules = zone.getRules();
        Instant from = range.from().toInstant();
        Instant to = range.to().toInstant();
        List<ZoneOffsetTransition> changes = new ArrayList<>();
        ZoneOffsetTransition t = rules.nextTransition(from);
        while (t != null && t.getInstant().isBefore(to)) {
            if (changes.size() >= MAX_OFFSET_CHANGES) {
                throw invalid("series.time_zone", "the range crosses more than " + MAX_OFFSET_CHANGES + " offset changes of "
                        + "time zone " + zone.getId() + "; ask for a shorter range or a zone without daylight saving time");
            }
            changes.add(t);
            t = rules.nextTransition(t.getInstant());
        }
        String fs = dialect.quote("freight_s");
        if (changes.isEmpty()) {
            params.add((long) rules.getOffset(from).getTotalSeconds());
            return sql.bigint("?");
        }
        StringBuilder b = new StringBuilder("CASE");
        for (ZoneOffsetTransition c : changes) {
            b.append(" WHEN ").append(fs).append(" < ").append(sql.bigint("?")).append(" THEN ").append(sql.bigint("?"));
            params.add(c.getInstant().getEpochSecond());
            params.add((long) c.getOffsetBefore().getTotalSeconds());
        }
        b.append(" ELSE ").append(sql.bigint("?")).append(" END");
        params.add((long) changes.get(changes.size() - 1).getOffsetAfter().getTotalSeconds());
        return b.toString();
    }

    /** The bucket number of a moment, computed as the SQL computes it (see {@link SeriesShape}). */
    static long bucket(Instant instant, LocalDateTime wall, TimeKind kind, ZoneId zone, SeriesShape.Granularity g) {
        long s = kind == TimeKind.INSTANT ? instant.getEpochSecond() : wall.toEpochSecond(ZoneOffset.UTC);
        long l = kind == TimeKind.INSTANT ? s + zone.getRules().getOffset(instant).getTotalSeconds() : s;
        return switch (g) {
            case MINUTE, HOUR -> s - Math.floorMod(l, g.step());
            case DAY -> Math.floorDiv(l, 86_400L);
            case WEEK -> Math.floorDiv(Math.floorDiv(l, 86_400L) + SHIFT_DAYS + 2, 7) * 7 - 2 - SHIFT_DAYS;
            case MONTH, QUARTER, YEAR -> {
                LocalDateTime t = LocalDateTime.ofEpochSecond(l, 0, ZoneOffset.UTC);
                long month = t.getYear() * 12L + t.getMonthValue() - 1;
                yield Math.floorDiv(month, g.step()) * g.step();
            }
        };
    }

    private InvalidRequestException tooManyBuckets(long buckets, Range range, TimeKind kind, ZoneId zone,
                                                   SeriesShape.Granularity granularity) {
        String suggestion = "ask for a shorter range";
        for (SeriesShape.Granularity g : SeriesShape.Granularity.values()) {
            if (g.ordinal() <= granularity.ordinal()) continue;
            Instant last = range.to().toInstant().minusNanos(1);
            long n = (bucket(last, last.atZone(zone).toLocalDateTime(), kind, zone, g)
                    - bucket(range.from().toInstant(), range.from().toLocalDateTime(), kind, zone, g)) / g.step() + 1;
            if (n <= maxCells) {
                suggestion = "use a coarser granularity such as " + g.wireName() + " (" + n + " buckets) or a shorter range";
                break;
            }
        }
        return new InvalidRequestException(ProblemCode.SERIES_TOO_LARGE, "series.granularity", "the series would have "
                + buckets + " buckets of a " + granularity.wireName() + ", more than the limit of " + maxCells
                + " buckets × groups; " + suggestion);
    }

    private static void refuseRowFields(ExportRequest request) {
        String field = !request.columns().isEmpty() ? "columns" : !request.sort().isEmpty() ? "sort"
                : request.rowLimit() != null ? "row_limit" : request.dateFrom() != null ? "date_from"
                : request.dateTo() != null ? "date_to" : null;
        if (field == null) return;
        String why = field.startsWith("date") ? "give the range as series.from and series.to (or series.timeframe)"
                : field.equals("columns") ? "a series writes bucket, its group_by columns and its measures"
                : field.equals("sort") ? "a series is ordered by its group_by columns, then by bucket"
                : "a series has one row per bucket and group, bounded by the bucket cap";
        throw invalid(field, field + " does not apply to a series: " + why);
    }

    private Column timeColumn(Table fullTable, Table table, Map<String, Mask> masks, String requested) {
        List<Column> candidates = table.columns().stream().filter(c -> sql.timeKind(c).isPresent()).toList();
        Column time;
        if (requested != null) {
            time = QueryPlanner.column(table, requested, "series.time_column");
            if (sql.timeKind(time).isEmpty()) {
                throw invalid("series.time_column", "column '" + time.name() + "' (" + time.describeType() + ") is not a "
                        + "date or timestamp column; time columns of '" + table.name() + "': "
                        + Messages.choices(candidates.stream().map(Column::name).toList()));
            }
        } else if (fullTable.timeColumn() != null) {
            // The configured time column, never a visible stand-in for a hidden one.
            time = table.column(fullTable.timeColumn()).filter(c -> sql.timeKind(c).isPresent()).orElseThrow(() ->
                    new InvalidRequestException(ProblemCode.NO_TIME_COLUMN, "series", "dataset '" + table.name()
                            + "' has no visible date or timestamp column, so it has no series"));
        } else if (candidates.size() == 1) {
            time = candidates.get(0);
        } else if (candidates.isEmpty()) {
            throw new InvalidRequestException(ProblemCode.NO_TIME_COLUMN, "series", "dataset '" + table.name()
                    + "' has no date or timestamp column, so it has no series");
        } else {
            throw invalid("series.time_column", "dataset '" + table.name() + "' has " + candidates.size() + " time columns ("
                    + candidates.stream().map(Column::name).collect(Collectors.joining(", "))
                    + "); name the one to bucket by in series.time_column");
        }
        checkNotMasked(masks, time, "series.time_column", "bucket a series by");
        return time;
    }

    private static ZoneId zone(String name) {
        if (name == null) return ZoneOffset.UTC;
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            throw invalid("series.time_zone", "unknown time zone '" + Messages.shorten(name) + "'; use an IANA name such as "
                    + "Europe/Berlin or UTC, or an offset such as +02:00");
        }
    }

    private Range range(SeriesRequest s, ZoneId zone) {
        if (s.timeframe() != null) {
            if (s.from() != null || s.to() != null) {
                throw invalid("series.timeframe", "give either series.timeframe or series.from and series.to, not both");
            }
            return timeframe(s.timeframe(), zone);
        }
        if (s.from() == null || s.to() == null) {
            throw invalid(s.from() == null ? "series.from" : "series.to", "a series needs a range: series.timeframe ("
                    + String.join(", ", TIMEFRAMES) + ") or both series.from and series.to (to excluded)");
        }
        ZonedDateTime from = moment(s.from(), zone, "series.from");
        ZonedDateTime to = moment(s.to(), zone, "series.to");
        if (!from.toInstant().isBefore(to.toInstant())) {
            throw invalid("series.to", "series.to (" + Messages.shorten(s.to()) + ") must be after series.from ("
                    + Messages.shorten(s.from()) + ")");
        }
        return new Range(from, to);
    }

    /** A date (its midnight in the zone), a local date-time (in the zone), or an instant with an offset or Z. */
    private static ZonedDateTime moment(String text, ZoneId zone, String field) {
        try {
            if (text.length() == 10) return LocalDate.parse(text).atStartOfDay(zone);
            if (text.endsWith("Z") || text.matches(".*T.*[+-]\\d\\d:?\\d\\d(:\\d\\d)?$")) {
                return OffsetDateTime.parse(text).atZoneSameInstant(zone);
            }
            return LocalDateTime.parse(text).atZone(zone);
        } catch (DateTimeException e) {
            throw invalid(field, field + " '" + Messages.shorten(text) + "' is not a date (2024-01-31), a local date-time "
                    + "(2024-01-31T10:00:00) or an instant (2024-01-31T10:00:00Z, 2024-01-31T10:00:00+01:00)");
        }
    }

    /**
     * Timeframes in the series' zone: calendar days, weeks (ISO, from Monday), months and years, the current one
     * included whole; {@code last_7d} and {@code last_30d} are the last 7 or 30 days up to the end of today, and
     * {@code last_24h} the 24 hours up to now (to the second).
     */
    private ZonedDateTime[] frame(String name, ZoneId zone) {
        ZonedDateTime now = clock.instant().truncatedTo(ChronoUnit.SECONDS).atZone(zone);
        LocalDate today = now.toLocalDate();
        LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        LocalDate month = today.withDayOfMonth(1);
        LocalDate[] days = switch (name) {
            case "last_24h" -> null;
            case "last_7d" -> new LocalDate[]{today.minusDays(6), today.plusDays(1)};
            case "last_30d" -> new LocalDate[]{today.minusDays(29), today.plusDays(1)};
            case "today" -> new LocalDate[]{today, today.plusDays(1)};
            case "yesterday" -> new LocalDate[]{today.minusDays(1), today};
            case "this_week" -> new LocalDate[]{monday, monday.plusWeeks(1)};
            case "last_week" -> new LocalDate[]{monday.minusWeeks(1), monday};
            case "this_month" -> new LocalDate[]{month, month.plusMonths(1)};
            case "last_month" -> new LocalDate[]{month.minusMonths(1), month};
            case "this_year" -> new LocalDate[]{today.withDayOfYear(1), today.withDayOfYear(1).plusYears(1)};
            default -> throw invalid("series.timeframe", Messages.unknown("timeframe", name, TIMEFRAMES));
        };
        if (days == null) return new ZonedDateTime[]{now.minusHours(24), now};
        return new ZonedDateTime[]{days[0].atStartOfDay(zone), days[1].atStartOfDay(zone)};
    }

    private Range timeframe(String name, ZoneId zone) {
        ZonedDateTime[] f = frame(name, zone);
        return new Range(f[0], f[1]);
    }

    private static List<Column> groupBy(Table table, Map<String, Mask> masks, List<String> names) {
        if (names.size() > MAX_GROUP_BY) {
            throw invalid("series.group_by", "at most " + MAX_GROUP_BY + " group_by columns are allowed, got " + names.size());
        }
        List<Column> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String field = "series.group_by[" + i + "]";
            Column c = QueryPlanner.column(table, names.get(i), field);
            checkNotMasked(masks, c, field, "group a series by");
            if (c.type() == ColumnType.BINARY) {
                throw invalid(field, "cannot group by binary column '" + c.name() + "'");
            }
            if (!seen.add(c.name())) {
                throw new InvalidRequestException(ProblemCode.DUPLICATE_COLUMN, field, "column '" + c.name()
                        + "' is in group_by twice");
            }
            out.add(c);
        }
        return out;
    }

    private static List<Measure> measures(Table table, Map<String, Mask> masks, List<SeriesRequest.Measure> requested) {
        if (requested.isEmpty()) return List.of(new Measure("count", null, "count"));
        if (requested.size() > MAX_MEASURES) {
            throw invalid("series.measures", "at most " + MAX_MEASURES + " measures are allowed, got " + requested.size());
        }
        List<Measure> out = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            String field = "series.measures[" + i + "]";
            SeriesRequest.Measure m = requested.get(i);
            if (m == null) throw invalid(field, "a measure must be an object like {\"column\": \"unit_price\", \"agg\": \"sum\"}");
            String agg = m.agg() == null ? null : m.agg().toLowerCase(Locale.ROOT);
            if (agg == null || !AGGREGATES.contains(agg)) {
                throw invalid(field + ".agg", agg == null ? "a measure needs agg, one of " + String.join(", ", AGGREGATES)
                        : Messages.unknown("aggregate", m.agg(), AGGREGATES));
            }
            if (m.column() == null) {
                if (!agg.equals("count")) {
                    throw invalid(field + ".column", "aggregate " + agg + " needs a column; only count counts rows without one");
                }
                out.add(new Measure(agg, null, "count"));
                continue;
            }
            Column c = QueryPlanner.column(table, m.column(), field + ".column");
            checkNotMasked(masks, c, field + ".column", "aggregate");
            boolean applies = switch (agg) {
                case "sum", "avg" -> c.type().isNumeric();
                case "min", "max" -> c.type().isNumeric() || c.type().isTemporal() || c.type() == ColumnType.STRING;
                default -> c.type() != ColumnType.BINARY;
            };
            if (!applies) {
                throw invalid(field + ".agg", "aggregate " + agg + " does not apply to column '" + c.name() + "' ("
                        + c.type().wireName() + ")" + (agg.equals("sum") || agg.equals("avg") ? "; it takes a number column" : ""));
            }
            out.add(new Measure(agg, c, agg + "_" + c.name()));
        }
        return out;
    }

    private static void checkNotMasked(Map<String, Mask> masks, Column column, String field, String use) {
        Mask mask = masks.get(column.name());
        if (mask != null) {
            throw new InvalidRequestException(ProblemCode.MASKED_COLUMN, field, "column '" + column.name() + "' is masked for you ("
                    + mask.wireName() + "), so it cannot be used to " + use);
        }
    }

    /** options.labels of a series name its output columns: bucket, the group_by columns and the measures. */
    private static List<String> labels(List<String> names, Object raw) {
        Map<String, String> byName = new LinkedHashMap<>();
        if (raw instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                String field = "options.labels." + key;
                if (!names.contains(key)) {
                    throw new InvalidRequestException(ProblemCode.UNKNOWN_COLUMN, field, Messages.unknown("column", key,
                            "in this series", names));
                }
                if (!(e.getValue() instanceof String label) || label.isBlank() || label.length() > QueryPlanner.MAX_LABEL_LENGTH
                        || label.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
                    throw new InvalidRequestException(ProblemCode.INVALID_OPTION, field, "label for column '" + key
                            + "' must be a non-empty string of at most " + QueryPlanner.MAX_LABEL_LENGTH
                            + " characters without control characters");
                }
                byName.put(key, (String) e.getValue());
            }
        } else if (raw != null) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.labels",
                    "labels must be an object mapping column names to header labels");
        }
        List<String> labels = names.stream().map(n -> byName.getOrDefault(n, n)).toList();
        if (new HashSet<>(labels).size() != labels.size()) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.labels", "two columns would have the "
                    + "same header; labels must be unique");
        }
        return labels;
    }

    private static String words(ExportRequest request, SeriesRequest s, List<Measure> measures, List<Column> groups) {
        String what = measures.stream().map(m -> m.column() == null ? "count" : m.agg() + " of " + m.column().name())
                .collect(Collectors.joining(", "));
        String by = groups.isEmpty() ? "" : " by " + groups.stream().map(Column::name).collect(Collectors.joining(", "));
        String filters = request.filters().isEmpty() ? "" : "; " + request.filters().size() + " filter(s)";
        return what + " per " + s.granularity() + " of " + s.timeColumn() + " from " + s.from() + " before " + s.to()
                + " (" + s.timeZone() + ")" + by + filters;
    }

    private static InvalidRequestException invalid(String field, String message) {
        return new InvalidRequestException(ProblemCode.INVALID_SERIES, field, message);
    }
}
