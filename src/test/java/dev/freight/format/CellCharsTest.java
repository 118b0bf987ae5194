package dev.freight.format;

import dev.freight.source.ColumnType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The char-buffer text is CellText's canonical text, character for character: for edge values and for many random
 * ones, and for values outside the fast path it says so (-1) rather than write something else.
 */
class CellCharsTest {
    private final char[] buf = new char[CellChars.BUFFER_SIZE];
    private final SplittableRandom random = new SplittableRandom(13);

    private String chars(int n) {
        assertThat(n).as("inside the fast path").isNotNegative();
        return new String(buf, 0, n);
    }

    private static String text(ColumnType type, Object v, ZoneId zone) {
        return CellText.forType(type, zone).apply(v);
    }

    @Test
    void decimalsAreTheirPlainStringAtEveryScaleUpTo18() {
        String[] edges = {"0", "0.00", "-0.05", "0.05", "1734.70", "-1734.71", "12345678.90", "999999999999999999",
                "-999999999999999999", "0.000000000000000001", "-0.100000000000000000", "5", "-5", "123456789012.345678"};
        for (String e : edges) {
            BigDecimal d = new BigDecimal(e);
            assertThat(chars(CellChars.decimal(d, buf))).as(e).isEqualTo(d.toPlainString());
        }
        for (int i = 0; i < 100_000; i++) {
            int scale = random.nextInt(19);
            long unscaled = random.nextLong() % 1_000_000_000_000_000_000L / (long) Math.pow(10, random.nextInt(18));
            BigDecimal d = BigDecimal.valueOf(unscaled, scale);
            assertThat(chars(CellChars.decimal(d, buf))).isEqualTo(d.toPlainString());
        }
    }

    @Test
    void decimalsOutsideTheFastPathAreLeftToCellText() {
        assertThat(CellChars.decimal(new BigDecimal("1E+3"), buf)).isEqualTo(-1);
        assertThat(CellChars.decimal(new BigDecimal("0.0000000000000000001"), buf)).isEqualTo(-1);
        assertThat(CellChars.decimal(new BigDecimal(BigInteger.TEN.pow(18)), buf)).isEqualTo(-1);
        assertThat(CellChars.decimal(new BigDecimal("1234567890.1234567890"), buf)).isEqualTo(-1);
    }

    @Test
    void datesAndTimesAreIsoText() {
        for (int i = 0; i < 100_000; i++) {
            LocalDate date = LocalDate.ofEpochDay(random.nextLong(LocalDate.of(0, 1, 1).toEpochDay(),
                    LocalDate.of(9999, 12, 31).toEpochDay() + 1));
            LocalTime time = LocalTime.ofNanoOfDay(randomNanoOfDay());
            assertThat(chars(CellChars.date(date, buf))).isEqualTo(text(ColumnType.DATE, date, ZoneOffset.UTC));
            assertThat(chars(CellChars.time(time, buf))).isEqualTo(text(ColumnType.TIME, time, ZoneOffset.UTC));
            LocalDateTime local = LocalDateTime.of(date, time);
            assertThat(chars(CellChars.timestamp(local, buf))).isEqualTo(text(ColumnType.TIMESTAMP, local, ZoneOffset.UTC));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTC", "Z", "+05:30", "-09:30", "+14:00", "Europe/Paris", "America/St_Johns", "Asia/Kathmandu"})
    void instantsAreIsoTextWithTheZonesOffset(String zoneId) {
        ZoneId zone = ZoneId.of(zoneId);
        for (int i = 0; i < 50_000; i++) {
            OffsetDateTime t = OffsetDateTime.of(LocalDateTime.of(LocalDate.ofEpochDay(random.nextLong(
                            LocalDate.of(1, 1, 2).toEpochDay(), LocalDate.of(9999, 12, 30).toEpochDay())),
                    LocalTime.ofNanoOfDay(randomNanoOfDay())), ZoneOffset.ofTotalSeconds(60 * (random.nextInt(-18 * 60, 18 * 60))));
            int n = CellChars.timestamp(t, zone, buf);
            if (n < 0) {
                // Before standard time, zones ran on local mean time, an offset with seconds.
                assertThat(zone.getRules().getOffset(t.toInstant()).getTotalSeconds() % 60).as("%s in %s", t, zone).isNotZero();
            } else {
                assertThat(chars(n)).as("%s in %s", t, zone).isEqualTo(text(ColumnType.TIMESTAMP_TZ, t, zone));
            }
        }
    }

    @Test
    void yearsPastTheFourDigitsAndOffsetsWithSecondsAreLeftToCellText() {
        assertThat(CellChars.date(LocalDate.of(10_000, 1, 1), buf)).isEqualTo(-1);
        assertThat(CellChars.date(LocalDate.of(-1, 1, 1), buf)).isEqualTo(-1);
        assertThat(CellChars.timestamp(LocalDateTime.of(12_345, 1, 1, 0, 0), buf)).isEqualTo(-1);
        OffsetDateTime lmt = OffsetDateTime.of(1850, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        // Paris in 1850 ran on local mean time, +00:09:21.
        assertThat(CellChars.timestamp(lmt, ZoneId.of("Europe/Paris"), buf)).isEqualTo(-1);
        assertThat(CellChars.timestamp(OffsetDateTime.of(9999, 12, 31, 23, 0, 0, 0, ZoneOffset.UTC), ZoneOffset.ofHours(2), buf))
                .isEqualTo(-1);
    }

    /** Whole seconds, whole milliseconds, microseconds and nanoseconds, as databases hand them over. */
    private long randomNanoOfDay() {
        long nano = random.nextLong(86_400_000_000_000L);
        return switch (random.nextInt(4)) {
            case 0 -> nano / 1_000_000_000 * 1_000_000_000;
            case 1 -> nano / 1_000_000 * 1_000_000;
            case 2 -> nano / 1_000 * 1_000;
            default -> nano;
        };
    }
}
