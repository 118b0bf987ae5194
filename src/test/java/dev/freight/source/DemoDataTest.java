package dev.freight.source;

import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class DemoDataTest {
    /** MariaDB's TIMESTAMP column holds nothing past 2038-01-19 03:14:07 UTC. */
    private static final OffsetDateTime MARIADB_TIMESTAMP_END = OffsetDateTime.of(2038, 1, 19, 3, 14, 7, 0, ZoneOffset.UTC);

    private static OffsetDateTime createdAt(long id) {
        return (OffsetDateTime) DemoData.order(id)[8];
    }

    @Test
    void everyOrderOfAFiveMillionRowDemoFitsMariaDbsTimestamp() {
        for (long id = 1; id <= 5_000_000; id += 997) {
            assertThat(createdAt(id)).as("order %d", id).isBefore(MARIADB_TIMESTAMP_END);
        }
        assertThat(createdAt(5_000_000)).isBefore(MARIADB_TIMESTAMP_END);
    }

    @Test
    void ordersAreFiveMinutesApartFromTheStartOf2024() {
        assertThat(createdAt(1)).isBetween(OffsetDateTime.parse("2024-01-01T00:05:00Z"),
                OffsetDateTime.parse("2024-01-01T00:10:00Z"));
        assertThat(createdAt(1_000_000)).isBefore(createdAt(1_000_001));
    }
}
