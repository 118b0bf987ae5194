package dev.freight.query;

import dev.freight.engine.CancellationToken;
import dev.freight.engine.ExportEngine;
import dev.freight.engine.ExportListener;
import dev.freight.engine.ExportPlan;
import dev.freight.engine.ExportResult;
import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The permissions contract on MariaDB, whose CSV is written from the text protocol's bytes: a row filter with bound
 * attributes runs there too and writes what the cursor path writes; masked columns keep the cursor path, the only
 * one that applies masks.
 */
class MariaDbPermissionsPlannerTest extends PermissionsPlannerContract {
    @Override
    DemoOrders.Db db() {
        return DemoOrders.Db.MARIADB;
    }

    @Test
    void aRowFilterWithAttributesTakesTheTextRowsPathAndWritesTheCursorPathsBytes() {
        DatasetAccess paidUpTo50 = new DatasetAccess(null, Map.of(), customerId + " <= ? AND status = ?",
                List.of("50", "paid"), null);
        ExportRequest request = all().withSort(List.of(new SortKey("id", "asc")));

        Run run = export(orders, request, paidUpTo50);

        assertThat(run.result().path()).isEqualTo(ExportResult.Path.MARIADB_TEXT_CSV);
        assertThat(idsOf(run.rows())).isNotEmpty().isEqualTo(DemoOrders.ids(
                DemoOrders.where(o -> o.customerId() <= 50 && o.status().equals("paid"))));
        assertThat(bytes(request, paidUpTo50, new ExportEngine()))
                .isEqualTo(bytes(request, paidUpTo50, ExportEngine.cursorOnly()));
    }

    @Test
    void maskedColumnsKeepTheCursorPath() {
        assertThat(export(orders, all(), upTo50).result().path()).isEqualTo(ExportResult.Path.CURSOR);
    }

    private byte[] bytes(ExportRequest request, DatasetAccess access, ExportEngine engine) {
        QueryPlan plan = plan(request, access);
        ExportFormat format = ExportFormat.fromId(request.format());
        ExportPlan job = new ExportPlan(source, plan, format, FormatOptions.parse(format, request.options()), false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.export(job, out, ExportListener.NONE, new CancellationToken());
        return out.toByteArray();
    }
}
