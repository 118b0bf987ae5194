package dev.freight.engine;

import dev.freight.query.SeriesShape;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;
import dev.freight.source.SeriesSql;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Filling as the rows stream, on hand-made query rows: per group, gaps and tails, the cap on groups. */
class SeriesRowsTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final List<Column> OUT = List.of(
            new Column("bucket", ColumnType.TIMESTAMP_TZ, "timestamptz", Types.TIMESTAMP_WITH_TIMEZONE, false, 0, 0),
            new Column("status", ColumnType.STRING, "varchar", Types.VARCHAR, true, 0, 0),
            new Column("count", ColumnType.INTEGER, "bigint", Types.BIGINT, true, 19, 0));

    static long wall(String t) {
        return LocalDateTime.parse(t).toEpochSecond(ZoneOffset.UTC);
    }

    static SeriesShape hours(SeriesShape.Fill fill, long maxCells) {
        return new SeriesShape(SeriesShape.Granularity.HOUR, BERLIN, SeriesSql.TimeKind.WALL, wall("2024-03-31T00:00"),
                wall("2024-03-31T04:00"), 1, 3, List.of(new SeriesShape.Output(2, false, false, -1, 0L)), fill, maxCells, OUT);
    }

    static List<String> run(SeriesShape shape, Object[]... raw) throws IOException {
        List<String> out = new ArrayList<>();
        SeriesRows rows = new SeriesRows(shape, r -> out.add(r[0] + " " + r[1] + " " + r[2]));
        for (Object[] r : raw) rows.accept(r);
        rows.finish();
        assertThat(rows.written()).isEqualTo(out.size());
        return out;
    }

    @Test
    void eachGroupGetsEveryBucketButTheHourADstGapSkipsAndItsRankNotItsSpellingMakesTheGroup() throws IOException {
        List<String> out = run(hours(SeriesShape.Fill.ZERO, 100),
                new Object[]{wall("2024-03-31T01:00"), "paid", 3L, 1L},
                new Object[]{wall("2024-03-31T04:00"), "PAID", 1L, 1L},
                new Object[]{wall("2024-03-31T00:00"), "shipped", 2L, 2L});
        // 02:00 does not exist on the wall clock of that night: four buckets, not five.
        assertThat(out).containsExactly(
                "2024-03-31T00:00+01:00 paid 0", "2024-03-31T01:00+01:00 paid 3", "2024-03-31T03:00+02:00 paid 0",
                "2024-03-31T04:00+02:00 PAID 1",
                "2024-03-31T00:00+01:00 shipped 2", "2024-03-31T01:00+01:00 shipped 0",
                "2024-03-31T03:00+02:00 shipped 0", "2024-03-31T04:00+02:00 shipped 0");
    }

    @Test
    void fillNoneWritesTheRowsAsTheyCome() throws IOException {
        assertThat(run(hours(SeriesShape.Fill.NONE, 100), new Object[]{wall("2024-03-31T01:00"), null, 3L, 1L}))
                .containsExactly("2024-03-31T01:00+01:00 null 3");
    }

    @Test
    void theGroupThatPassesTheCapFailsBeforeItsRowsAreWritten() {
        List<String> out = new ArrayList<>();
        SeriesRows rows = new SeriesRows(hours(SeriesShape.Fill.NULL, 10), r -> out.add(String.valueOf(r[1])));
        assertThatThrownBy(() -> {
            rows.accept(new Object[]{wall("2024-03-31T00:00"), "a", 1L, 1L});
            rows.accept(new Object[]{wall("2024-03-31T00:00"), "b", 1L, 2L});
            rows.accept(new Object[]{wall("2024-03-31T00:00"), "c", 1L, 3L});
        }).isInstanceOfSatisfying(ExportFailedException.class, e -> assertThat(e.code()).isEqualTo("series_too_large"));
        assertThat(out).doesNotContain("c");
    }
}
