package dev.freight.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Rows per fetch: the dialect's in a default heap, fewer in a small one, where a fetch would outlive the young GC. */
class FetchSizeTest {
    private static final long MB = 1024 * 1024;

    @Test
    void aDefaultHeapFetchesTheDialectsRows() {
        assertThat(JdbcRowSource.fetchSize(10_000, 256 * MB)).isEqualTo(10_000);
        assertThat(JdbcRowSource.fetchSize(10_000, 4096 * MB)).isEqualTo(10_000);
    }

    @Test
    void a64MegabyteHeapFetchesAQuarterAsManyRows() {
        assertThat(JdbcRowSource.fetchSize(10_000, 64 * MB)).isBetween(2_000, 3_000);
    }

    @Test
    void aTinyHeapStillFetchesHundredsOfRows() {
        assertThat(JdbcRowSource.fetchSize(10_000, 4 * MB)).isEqualTo(500);
    }
}
