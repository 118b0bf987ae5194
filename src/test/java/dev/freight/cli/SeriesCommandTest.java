package dev.freight.cli;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.freight.source.DemoData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code freight export --series} on the embedded demo: the monthly counts and quantities per status equal those
 * computed here from the demo's rows (each a pure function of its id), and bad series input is one line and exit 2.
 */
class SeriesCommandTest {
    @TempDir
    static Path dataDir;

    @TempDir
    Path dir;

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private Cli.Run export(String... args) {
        List<String> all = new ArrayList<>(List.of("export", "--demo", "--data-dir", dataDir.toString()));
        all.addAll(List.of(args));
        return Cli.freight(all.toArray(String[]::new));
    }

    @Test
    void aMonthlySeriesPerStatusIsTheDemoRowsAggregated() throws IOException {
        Path out = dir.resolve("series.csv");
        Cli.Run run = export("--table", "orders", "--series", "from=2024-01-01,to=2024-07-01,granularity=month,"
                + "measure=count,measure=sum:quantity,group_by=status,time_zone=Europe/Berlin,fill=none", "-o", out.toString());
        assertThat(run.exit()).as(run.toString()).isZero();

        // "bucket,status" → [count, sum of quantity], from the demo's rows.
        Map<String, long[]> expected = new TreeMap<>();
        ZonedDateTime from = LocalDate.parse("2024-01-01").atStartOfDay(BERLIN);
        ZonedDateTime to = LocalDate.parse("2024-07-01").atStartOfDay(BERLIN);
        for (long id = 1; id <= DemoData.DEFAULT_ORDER_ROWS; id++) {
            Object[] r = DemoData.order(id);
            ZonedDateTime t = ((OffsetDateTime) r[8]).atZoneSameInstant(BERLIN);
            if (t.isBefore(from) || !t.isBefore(to)) continue;
            String key = t.toLocalDate().withDayOfMonth(1).atStartOfDay(BERLIN).toOffsetDateTime() + "," + r[7];
            long[] v = expected.computeIfAbsent(key, k -> new long[2]);
            v[0]++;
            v[1] += ((Number) r[4]).longValue();
        }
        Map<String, long[]> actual = new TreeMap<>();
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(Files.readString(out))) {
            boolean header = true;
            for (CsvRecord rec : reader) {
                List<String> f = rec.getFields();
                if (header) {
                    assertThat(f).containsExactly("bucket", "status", "count", "sum_quantity");
                    header = false;
                    continue;
                }
                actual.put(OffsetDateTime.parse(f.get(0)) + "," + f.get(1),
                        new long[]{Long.parseLong(f.get(2)), new BigDecimal(f.get(3)).longValueExact()});
            }
        }
        assertThat(actual.keySet()).isNotEmpty().containsExactlyElementsOf(expected.keySet());
        expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).containsExactly(v));
        assertThat(actual.keySet()).anyMatch(k -> k.startsWith("2024-04-01T00:00+02:00"));
    }

    @Test
    void badSeriesInputIsOneLineAndExitCode2() {
        Cli.Run granularity = export("--table", "orders", "--series", "timeframe=today,granularity=fortnight");
        assertThat(granularity.exit()).isEqualTo(2);
        assertThat(granularity.lines()).singleElement().asString()
                .startsWith("freight: error: --series: unknown granularity 'fortnight'").contains("minute, hour, day");

        Cli.Run key = export("--table", "orders", "--series", "timeframe=today,bucket=day");
        assertThat(key.exit()).isEqualTo(2);
        assertThat(key.lines()).singleElement().asString().contains("unknown --series key 'bucket'").contains("granularity");

        Cli.Run masked = export("--table", "orders", "--series", "timeframe=today,measure=sum:status");
        assertThat(masked.exit()).isEqualTo(2);
        assertThat(masked.lines()).singleElement().asString()
                .contains("aggregate sum does not apply to column 'status' (string); it takes a number column");

        Cli.Run noRange = export("--table", "orders", "--series", "granularity=day");
        assertThat(noRange.exit()).isEqualTo(2);
        assertThat(noRange.lines()).singleElement().asString().contains("--series from").contains("--series timeframe");
    }
}
