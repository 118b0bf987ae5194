package dev.freight.query;

import dev.freight.engine.ExportResult;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every filter, sort and limit of the contract as CSV on MariaDB, where it is written from the text protocol's
 * bytes. Each export must take that path, select the rows the contract expects, and write the very bytes the JDBC
 * cursor path and the generic writer write for the same request.
 */
class MariaDbTextRowsFilterOperatorsTest extends FilterOperatorsContract {
    @Override
    DemoOrders.Db db() {
        return DemoOrders.Db.MARIADB;
    }

    @Override
    List<Long> exportedIds(JdbcSource source, ExportRequest request) {
        ExportRequest csv = request.withFormat("csv");
        ExportRunner.Output text = ExportRunner.export(source, csv);
        ExportRunner.Output cursor = ExportRunner.exportThroughCursor(source, csv);

        assertThat(text.result().path()).as("text-rows path for %s", request).isEqualTo(ExportResult.Path.MARIADB_TEXT_CSV);
        assertThat(cursor.result().path()).isEqualTo(ExportResult.Path.CURSOR);
        assertThat(text.text()).isEqualTo(cursor.text());
        assertThat(text.bytes()).isEqualTo(cursor.bytes());
        List<List<String>> rows = DemoOrders.csv(text.text());
        int id = rows.get(0).indexOf("id");
        return rows.subList(1, rows.size()).stream().map(r -> Long.parseLong(r.get(id))).toList();
    }
}
