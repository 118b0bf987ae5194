package dev.freight.format;

import dev.freight.source.ColumnType;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written ISO timestamps are exactly DateTimeFormatter's text, whatever the year, fraction or offset. */
class CellTextTest {
    private static final DateTimeFormatter OFFSET = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME).appendOffset("+HH:MM:ss", "+00:00").toFormatter();
    private static final int[] NANOS = {0, 1, 10, 1_000, 500_000_000, 123_456_789, 100_000, 999_999_999, 120_000_000, 5_000};

    private static LocalDateTime local(Random random) {
        int year = random.nextInt(10) == 0 ? random.nextInt(12_000) - 1_000 : 1 + random.nextInt(3_000);
        return LocalDateTime.of(year, 1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24),
                random.nextInt(60), random.nextInt(60), NANOS[random.nextInt(NANOS.length)]);
    }

    @Test
    void localTimestampsAreIsoLocalDateTimesText() {
        Random random = new Random(13);
        for (int i = 0; i < 100_000; i++) {
            LocalDateTime t = local(random);
            assertThat(CellText.isoLocalDateTime(t)).isEqualTo(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t));
        }
        assertThat(CellText.isoLocalDateTime(LocalDateTime.MAX)).isEqualTo("+999999999-12-31T23:59:59.999999999");
    }

    @Test
    void instantsAreTheFormattersTextWithAnHourAndMinuteOffset() {
        Random random = new Random(13);
        for (int i = 0; i < 100_000; i++) {
            // Offsets with seconds too (local mean time before 1900): the +HH:MM pattern drops them.
            OffsetDateTime t = local(random).atOffset(ZoneOffset.ofTotalSeconds(random.nextInt(18 * 3600 * 2 + 1) - 18 * 3600));
            assertThat(CellText.isoOffsetDateTime(t)).as("%s", t).isEqualTo(OFFSET.format(t));
        }
    }

    @Test
    void timestampsWithTimeZoneAreTheWallClockTimeInTheExportZone() {
        OffsetDateTime instant = OffsetDateTime.parse("2024-03-31T00:59:59.5Z");
        Function<Object, String> utc = CellText.forType(ColumnType.TIMESTAMP_TZ, ZoneOffset.UTC);
        Function<Object, String> paris = CellText.forType(ColumnType.TIMESTAMP_TZ, ZoneId.of("Europe/Paris"));

        assertThat(utc.apply(instant)).isEqualTo("2024-03-31T00:59:59.5+00:00");
        assertThat(paris.apply(instant)).isEqualTo("2024-03-31T01:59:59.5+01:00");
        assertThat(paris.apply(instant.plusSeconds(1))).isEqualTo("2024-03-31T03:00:00.5+02:00");
        // Paris in 1850 ran on local mean time: the offset keeps its seconds, as PostgreSQL writes it, or the text
        // would name another instant.
        assertThat(paris.apply(OffsetDateTime.parse("1850-01-01T00:00:00Z"))).isEqualTo("1850-01-01T00:09:21+00:09:21");
    }
}
