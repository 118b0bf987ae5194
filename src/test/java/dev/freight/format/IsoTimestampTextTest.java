package dev.freight.format;

import dev.freight.source.ColumnType;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** Timestamps written without DateTimeFormatter read exactly as the formatter writes them. */
class IsoTimestampTextTest {
    private static final DateTimeFormatter WITH_OFFSET = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME).appendOffset("+HH:MM:ss", "+00:00").toFormatter();

    private static List<LocalDateTime> samples() {
        List<LocalDateTime> samples = new ArrayList<>(List.of(
                LocalDateTime.of(2024, 1, 1, 0, 8, 31, 259_000), LocalDateTime.of(2024, 1, 1, 0, 0),
                LocalDateTime.of(1970, 1, 1, 0, 0, 0, 1), LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999),
                LocalDateTime.of(0, 1, 1, 0, 0), LocalDateTime.of(1, 2, 3, 4, 5, 6, 500_000_000),
                LocalDateTime.of(999, 10, 10, 10, 10, 10, 120_000), LocalDateTime.of(10_000, 1, 1, 0, 0),
                LocalDateTime.of(-1, 6, 15, 12, 0, 0, 10), LocalDateTime.of(2038, 1, 19, 3, 14, 7, 100_000_000)));
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000_000) * 1_000;
                case 2 -> random.nextInt(1000) * 1_000_000;
                default -> random.nextInt(1_000_000_000);
            };
            samples.add(LocalDateTime.of(random.nextInt(10_200) - 100, 1 + random.nextInt(12), 1 + random.nextInt(28),
                    random.nextInt(24), random.nextInt(60), random.nextInt(60), nanos));
        }
        return samples;
    }

    @Test
    void localTimestampsAreTheFormattersIsoText() {
        Function<Object, String> text = CellText.forType(ColumnType.TIMESTAMP, ZoneOffset.UTC);
        for (LocalDateTime t : samples()) {
            assertThat(text.apply(t)).isEqualTo(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t));
        }
    }

    @Test
    void instantsInUtcAreTheFormattersTextWithTheZeroOffset() {
        for (ZoneId utc : List.of(ZoneOffset.UTC, ZoneId.of("UTC"), ZoneId.of("Etc/UTC"))) {
            Function<Object, String> text = CellText.forType(ColumnType.TIMESTAMP_TZ, utc);
            for (LocalDateTime t : samples()) {
                OffsetDateTime atUtc = t.atOffset(ZoneOffset.UTC);
                OffsetDateTime elsewhere = atUtc.withOffsetSameInstant(ZoneOffset.ofHoursMinutes(5, 30));
                String expected = WITH_OFFSET.format(atUtc.atZoneSameInstant(utc));
                assertThat(text.apply(atUtc)).isEqualTo(expected);
                assertThat(text.apply(elsewhere)).isEqualTo(expected);
            }
        }
    }
}
