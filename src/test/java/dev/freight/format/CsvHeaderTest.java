package dev.freight.format;

import dev.freight.query.ExportRequest;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Header labels are user text: they get the same formula neutralisation as data cells, on both PostgreSQL paths. */
class CsvHeaderTest {

    @ParameterizedTest(name = "row_limit={0}")
    @ValueSource(longs = {0, 10})
    void formulaLabelsAreNeutralisedInTheHeader(long rowLimit) {
        String url = TestDatabases.postgres();
        TestDatabases.execute(url, "CREATE TABLE IF NOT EXISTS header_labels (a int, b text)",
                "TRUNCATE header_labels", "INSERT INTO header_labels VALUES (1, 'x')");
        try (JdbcSource source = ExportRunner.open(url)) {
            ExportRequest request = ExportRequest.of("header_labels", "csv").withRowLimit(rowLimit == 0 ? null : rowLimit)
                    .withOptions(Map.of("labels", Map.of("a", "=cmd|' /C calc'!A0", "b", "@b")));
            ExportRunner.Output out = ExportRunner.export(source, request);
            assertThat(out.result().copyFastPath()).isTrue();
            assertThat(out.text()).startsWith("'=cmd|' /C calc'!A0,'@b\r\n1,x\r\n");
            assertThat(ExportRunner.exportThroughCursor(source, request).text()).isEqualTo(out.text());

            ExportRunner.Output raw = ExportRunner.export(source, request.withOptions(Map.of(
                    "labels", Map.of("a", "=cmd", "b", "@b"), "sanitize_formulas", false)));
            assertThat(raw.text()).startsWith("=cmd,@b\r\n");
        }
    }
}
