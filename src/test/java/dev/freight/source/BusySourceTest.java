package dev.freight.source;

import dev.freight.query.ExportRequest;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A source whose every pooled connection stays lent (long exports, slow counts) is busy, not broken: whoever waits
 * past the pool's timeout gets "unavailable, try again" (a 503 with Retry-After on HTTP), never a server error.
 */
class BusySourceTest {
    private static final String URL = TestDatabases.postgres();
    private static JdbcSource source;

    @BeforeAll
    static void open() {
        TestDatabases.execute(URL, "CREATE TABLE IF NOT EXISTS busy_items (id int PRIMARY KEY)",
                "CREATE TABLE IF NOT EXISTS busy_never_described (id int PRIMARY KEY)");
        source = JdbcSource.open("shop", URL, null, null, 1, Duration.ofMillis(300));
        source.catalog().find("busy_items").orElseThrow();
    }

    @AfterAll
    static void close() {
        source.close();
    }

    @Test
    void aBorrowerWaitingPastThePoolTimeoutIsToldTheSourceIsBusy() throws Exception {
        try (Connection held = source.connection()) {
            assertThatThrownBy(source::connection).isInstanceOf(SourceUnavailableException.class)
                    .hasMessage("source 'shop' is busy: all 1 of its connections (pool_size) stayed in use for 300 ms;"
                            + " try again shortly");
        }
        try (Connection again = source.connection()) {
            assertThat(again.isValid(1)).isTrue();
        }
    }

    @Test
    void anExportOnABusySourceFailsAsUnavailable() throws Exception {
        try (Connection held = source.connection()) {
            assertThatThrownBy(() -> ExportRunner.export(source, ExportRequest.of("busy_items", "csv")))
                    .isInstanceOf(SourceUnavailableException.class).hasMessageContaining("is busy");
        }
    }

    /** Describing a table needs a connection too: busy is unavailable there as well, not a catalog failure. */
    @Test
    void describingATableOnABusySourceFailsAsUnavailable() throws Exception {
        try (Connection held = source.connection()) {
            assertThatThrownBy(() -> source.catalog().find("busy_never_described"))
                    .isInstanceOf(SourceUnavailableException.class).hasMessageContaining("is busy");
        }
        assertThat(source.catalog().find("busy_never_described")).isPresent();
    }
}
