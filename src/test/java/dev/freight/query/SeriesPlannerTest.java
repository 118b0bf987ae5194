package dev.freight.query;

import dev.freight.error.InvalidRequestException;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;
import dev.freight.source.Dialect;
import dev.freight.source.Table;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the planner makes of a series request before anything runs: timeframes, defaults, the stored form. */
class SeriesPlannerTest {
    static final Table ORDERS = new Table("orders", null, null, "orders", "table", List.of(
            new Column("id", ColumnType.INTEGER, "bigint", Types.BIGINT, false, 19, 0),
            new Column("created_at", ColumnType.TIMESTAMP_TZ, "timestamptz", Types.TIMESTAMP_WITH_TIMEZONE, false, 0, 0),
            new Column("status", ColumnType.STRING, "varchar", Types.VARCHAR, false, 16, 0),
            new Column("unit_price", ColumnType.DECIMAL, "numeric", Types.NUMERIC, true, 10, 2)), List.of("id"));

    /** Wednesday 2024-10-30 09:15:30 in Berlin (08:15:30 UTC), after the autumn DST change. */
    static final Clock NOW = Clock.fixed(Instant.parse("2024-10-30T08:15:30Z"), ZoneOffset.UTC);

    static SeriesRequest series(String timeframe) {
        return new SeriesRequest(null, timeframe, null, null, "Europe/Berlin", null, null, null, null);
    }

    static QueryPlan plan(SeriesRequest s) {
        return new QueryPlanner(null, Dialect.POSTGRESQL, 1_000_000, NOW).plan(ORDERS,
                ExportRequest.of("orders", "csv").withSeries(s));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "last_24h,   2024-10-29T09:15:30+01:00, 2024-10-30T09:15:30+01:00",
            "last_7d,    2024-10-24T00:00+02:00,    2024-10-31T00:00+01:00",
            "last_30d,   2024-10-01T00:00+02:00,    2024-10-31T00:00+01:00",
            "today,      2024-10-30T00:00+01:00,    2024-10-31T00:00+01:00",
            "yesterday,  2024-10-29T00:00+01:00,    2024-10-30T00:00+01:00",
            "this_week,  2024-10-28T00:00+01:00,    2024-11-04T00:00+01:00",
            "last_week,  2024-10-21T00:00+02:00,    2024-10-28T00:00+01:00",
            "this_month, 2024-10-01T00:00+02:00,    2024-11-01T00:00+01:00",
            "last_month, 2024-09-01T00:00+02:00,    2024-10-01T00:00+02:00",
            "this_year,  2024-01-01T00:00+01:00,    2025-01-01T00:00+01:00"})
    void timeframesAreResolvedInTheZoneAndStoredAsARange(String timeframe, String from, String to) {
        SeriesRequest resolved = plan(series(timeframe)).request().series();
        assertThat(resolved.timeframe()).isNull();
        assertThat(resolved.from()).isEqualTo(from);
        assertThat(resolved.to()).isEqualTo(to);
    }

    @Test
    void defaultsAreFilledInWhatIsStored() {
        QueryPlan plan = plan(series("today"));
        SeriesRequest s = plan.request().series();
        assertThat(s.timeColumn()).isEqualTo("created_at");
        assertThat(s.granularity()).isEqualTo("day");
        assertThat(s.fill()).isEqualTo("zero");
        assertThat(s.measures()).containsExactly(new SeriesRequest.Measure(null, "count"));
        assertThat(plan.request().options()).containsEntry("time_zone", "Europe/Berlin");
        assertThat(plan.outputColumns()).extracting(Column::name).containsExactly("bucket", "count");
        // Values are bound: the SQL holds no date, zone offset or name the caller sent.
        assertThat(plan.sql()).doesNotContain("2024").doesNotContain("3600 THEN").doesNotContain("Europe");
    }

    @Test
    void theStoredRequestReadsBackEqualFromTheJobStoreJson() {
        ExportRequest planned = plan(new SeriesRequest(null, null, "2024-03-01", "2024-04-01T00:00:00+02:00", "Europe/Berlin",
                "week", List.of(new SeriesRequest.Measure("unit_price", "sum"), new SeriesRequest.Measure(null, "count")),
                List.of("status"), "null")).request();
        String json = ExportRequestJson.write(planned);
        assertThat(json).contains("\"series\":{\"time_column\":\"created_at\"").contains("\"group_by\":[\"status\"]");
        ExportRequest read = ExportRequestJson.read(json);
        assertThat(read).isEqualTo(planned);
        assertThat(plan(read.series()).sql()).isEqualTo(plan(planned.series()).sql());
        // A request without a series stores no series field: jobs stored before series existed compare equal.
        assertThat(ExportRequestJson.write(ExportRequest.of("orders", "csv"))).doesNotContain("series");
    }

    @Test
    void rowOnlyFieldsAndMalformedValuesAreRefusedNamingTheField() {
        Map<String, SeriesRequest> bad = Map.of(
                "series.time_zone", new SeriesRequest(null, "today", null, null, "Mars/Olympus", null, null, null, null),
                "series.timeframe", new SeriesRequest(null, "last_decade", null, null, null, null, null, null, null),
                "series.to", new SeriesRequest(null, null, "2024-02-01", "2024-01-01", null, null, null, null, null),
                "series.from", new SeriesRequest(null, null, "yesterday-ish", "2024-01-01", null, null, null, null, null),
                "series.fill", new SeriesRequest(null, "today", null, null, null, null, null, null, "zeros"),
                "series.measures[0].agg", new SeriesRequest(null, "today", null, null, null, null,
                        List.of(new SeriesRequest.Measure("unit_price", "median")), null, null),
                "series.measures[0].column", new SeriesRequest(null, "today", null, null, null, null,
                        List.of(new SeriesRequest.Measure(null, "sum")), null, null),
                "series.time_column", new SeriesRequest("status", "today", null, null, null, null, null, null, null));
        bad.forEach((field, s) -> assertThatThrownBy(() -> plan(s)).as(field)
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.code()).isEqualTo("invalid_series");
                }));
        assertThatThrownBy(() -> new QueryPlanner(null, Dialect.POSTGRESQL, 10, NOW).plan(ORDERS,
                ExportRequest.of("orders", "csv").withRowLimit(5L).withSeries(series("today"))))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo("row_limit");
                    assertThat(e.getMessage()).contains("does not apply to a series");
                });
    }
}
