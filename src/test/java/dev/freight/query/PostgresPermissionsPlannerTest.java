package dev.freight.query;

import dev.freight.error.InvalidRequestException;
import dev.freight.error.ForbiddenRequestException;
import dev.freight.source.Dialect;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresPermissionsPlannerTest extends PermissionsPlannerContract {
    @Override
    DemoOrders.Db db() {
        return DemoOrders.Db.POSTGRESQL;
    }

    @Test
    void aRowFilterWithoutParametersStillTakesTheCopyPathAndFiltersThere() {
        DatasetAccess paidOnly = new DatasetAccess(null, Map.of(), "status = 'paid'", List.of(), null);
        Run run = export(orders, all().withSort(List.of(new SortKey("id", "asc"))), paidOnly);
        assertThat(run.result().copyFastPath()).isTrue();
        assertThat(idsOf(run.rows())).isEqualTo(DemoOrders.ids(DemoOrders.where(o -> o.status().equals("paid"))));
    }

    @Test
    void aRowFilterWithAttributesTakesTheCopyPathWithEachAttributeTypedByTheServer() {
        DatasetAccess paidUpTo50 = new DatasetAccess(null, Map.of(), customerId + " <= ? AND status = ?",
                List.of("50", "paid"), null);
        Run run = export(orders, all().withSort(List.of(new SortKey("id", "asc"))), paidUpTo50);
        assertThat(run.result().copyFastPath()).isTrue();
        assertThat(idsOf(run.rows())).isNotEmpty().isEqualTo(DemoOrders.ids(
                DemoOrders.where(o -> o.customerId() <= 50 && o.status().equals("paid"))));
    }

    @Test
    void maskedColumnsKeepTheJdbcPath() {
        assertThat(export(orders, all(), upTo50).result().copyFastPath()).isFalse();
    }

    @Test
    void aNulInAnAttributeIsRefusedOnPostgres() {
        DatasetAccess nul = new DatasetAccess(null, Map.of(), "status = ?", List.of("pa\0id"), null);
        InvalidRequestException e = refused(all(), nul);
        assertThat(e).isInstanceOf(ForbiddenRequestException.class);
        assertThat(e.code()).isEqualTo("invalid_attribute");
    }

    @Test
    void anIntegerColumnComparesWithATextAttribute() {
        assertThat(plan(all(), upTo50).parameters()).first().isEqualTo(new Dialect.UntypedText("50"));
    }
}
