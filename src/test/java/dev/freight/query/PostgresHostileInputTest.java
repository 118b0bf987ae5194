package dev.freight.query;

import dev.freight.engine.ExportFailedException;
import dev.freight.testing.ExportRunner;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresHostileInputTest extends HostileInputContract {
    @Override
    DemoOrders.Db db() {
        return DemoOrders.Db.POSTGRESQL;
    }

    /**
     * PostgreSQL text cannot hold U+0000, so the server refuses the bound value. That has to be a clean, permanent
     * export failure (not retried, nothing written to the table) and the pooled connection must stay usable.
     */
    @Order(1)
    @Test
    void nulInATextValueIsACleanPermanentFailure() {
        ExportRequest request = ExportRequest.of("orders", "ndjson")
                .withFilters(List.of(new Filter("status", "eq", "paid\u0000'; DROP TABLE orders; --")));
        assertThatThrownBy(() -> ExportRunner.export(source, request)).isInstanceOfSatisfying(ExportFailedException.class,
                e -> {
                    assertThat(e.code()).isEqualTo("source_error");
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("0x00");
                });
        long paid = DemoOrders.where(o -> o.status().equals("paid")).size();
        for (int i = 0; i < 3; i++) {
            assertThat(DemoOrders.exportedIds(source, ExportRequest.of("orders", "ndjson")
                    .withFilters(List.of(new Filter("status", "eq", "paid"))))).hasSize((int) paid);
        }
    }
}
