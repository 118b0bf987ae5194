package dev.freight.query;

import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every filter, sort and limit of the contract as CSV on PostgreSQL, where it runs through {@code COPY} with its
 * values bound as transaction-local settings. Each export must take the COPY path (but for lists too long for it),
 * select the rows the contract expects, and write the very bytes the JDBC cursor path writes for the same request.
 */
class PostgresCopyFilterOperatorsTest extends FilterOperatorsContract {
    @Override
    DemoOrders.Db db() {
        return DemoOrders.Db.POSTGRESQL;
    }

    @Override
    List<Long> exportedIds(JdbcSource source, ExportRequest request) {
        ExportRequest csv = request.withFormat("csv");
        ExportRunner.Output copy = ExportRunner.export(source, csv);
        ExportRunner.Output cursor = ExportRunner.exportThroughCursor(source, csv);

        // A list past SettingParameters.MAX_VALUES (256) is faster hashed by PostgreSQL as bound parameters.
        boolean longList = copy.plan().parameters().size() > 256;
        assertThat(copy.result().copyFastPath()).as("COPY path for %s", request).isEqualTo(!longList);
        assertThat(cursor.result().copyFastPath()).isFalse();
        assertThat(copy.text()).isEqualTo(cursor.text());
        assertThat(copy.bytes()).isEqualTo(cursor.bytes());
        List<List<String>> rows = DemoOrders.csv(copy.text());
        int id = rows.get(0).indexOf("id");
        return rows.subList(1, rows.size()).stream().map(r -> Long.parseLong(r.get(id))).toList();
    }
}
