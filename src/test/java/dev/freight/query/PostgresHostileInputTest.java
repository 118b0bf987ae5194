package dev.freight.query;

import dev.freight.error.InvalidRequestException;
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
     * PostgreSQL text cannot hold U+0000, so the planner refuses such a value up front as bad input, before any
     * statement runs; the pooled connections stay usable.
     */
    @Order(1)
    @Test
    void nulInATextValueIsRefusedAsBadInput() {
        ExportRequest request = ExportRequest.of("orders", "ndjson")
                .withFilters(List.of(new Filter("status", "eq", "paid\u0000'; DROP TABLE orders; --")));
        assertThatThrownBy(() -> ExportRunner.export(source, request)).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> {
                    assertThat(e.code()).isEqualTo("invalid_value");
                    assertThat(e.field()).isEqualTo("filters[0].value");
                    assertThat(e.getMessage()).contains("NUL").contains("status");
                });
        long paid = DemoOrders.where(o -> o.status().equals("paid")).size();
        for (int i = 0; i < 3; i++) {
            assertThat(DemoOrders.exportedIds(source, ExportRequest.of("orders", "ndjson")
                    .withFilters(List.of(new Filter("status", "eq", "paid"))))).hasSize((int) paid);
        }
    }
}
