package dev.freight.format;

import dev.freight.engine.ExportResult;
import dev.freight.query.ExportRequest;
import dev.freight.query.SortKey;
import dev.freight.testing.ExportRunner;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The XLSX golden-value round trip on PostgreSQL (numeric, timestamptz, bytea …), read through binary COPY. */
class PostgresXlsxGoldenValuesTest extends XlsxGoldenValuesContract {
    @Override
    protected GoldenValuesContract golden() {
        return new PostgresGoldenValuesTest();
    }

    @Test
    void xlsxTakesTheBinaryCopyPath() {
        ExportRunner.Output out = ExportRunner.export(golden.source, ExportRequest.of("golden", "xlsx")
                .withSort(List.of(new SortKey("id", "asc"))));
        assertThat(out.result().path()).isEqualTo(ExportResult.Path.COPY_BINARY);
    }
}
