package dev.freight.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PgBcDatesTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0044-03-15 BC|-0043-03-15",
            "0001-01-01 BC|0000-01-01",
            "4713-01-01 BC|-4712-01-01",
            "0044-03-15 10:00:00 BC|-0043-03-15T10:00:00",
            "0001-12-31 23:59:59.5 BC|0000-12-31T23:59:59.5",
            "0044-03-15 10:00:00+00 BC|-0043-03-15T10:00:00+00:00",
            "0044-03-15 10:09:21+00:09:21 BC|-0043-03-15T10:09:21+00:09:21",
            "0044-03-15 05:00:00-05 BC|-0043-03-15T05:00:00-05:00",
            "0044-03-15 15:30:00+05:30 BC|-0043-03-15T15:30:00+05:30"})
    void bcDatesAreIsoYearsCountedAstronomically(String pg, String iso) {
        byte[] b = ("x," + pg + ",y").getBytes(StandardCharsets.US_ASCII);
        int from = 2;
        int to = from + pg.length();

        assertThat(PgBcDates.endsWithBc(b, from, to)).isTrue();
        assertThat(new String(PgBcDates.toIso(b, from, to), StandardCharsets.US_ASCII)).isEqualTo(iso);
    }

    @ParameterizedTest
    @CsvSource({"2024-03-15", "BC", "ABC", "2024-03-15 10:00:00+00"})
    void otherTextIsNotBc(String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        assertThat(PgBcDates.endsWithBc(b, 0, b.length)).isFalse();
    }
}
