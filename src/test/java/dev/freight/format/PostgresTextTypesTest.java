package dev.freight.format;

import dev.freight.engine.ExportResult;
import dev.freight.query.ExportRequest;
import dev.freight.query.SortKey;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL types with no Java type of their own are exported as the server's text on every path: bit strings
 * (bit(n), varbit; a bit(1) is a boolean) and times with an offset (timetz).
 */
class PostgresTextTypesTest {
    private static final String URL = TestDatabases.postgres();
    private static JdbcSource source;

    @BeforeAll
    static void table() {
        TestDatabases.execute(URL, "DROP TABLE IF EXISTS text_types",
                "CREATE TABLE text_types (id int PRIMARY KEY, bits bit(3), vbits varbit, tz timetz)",
                "INSERT INTO text_types VALUES (1, B'101', B'1', '12:34:56.789+05:30'), (2, B'000', B'', '00:00:00-08'),"
                        + " (3, NULL, NULL, NULL)");
        source = ExportRunner.open(URL);
    }

    @AfterAll
    static void close() {
        source.close();
    }

    @Test
    void bitStringsAndTimesWithOffsetAreTheServersTextOnEveryPath() {
        ExportRequest csv = ExportRequest.of("text_types", "csv").withSort(List.of(new SortKey("id", "asc")));
        ExportRunner.Output copy = ExportRunner.export(source, csv);
        assertThat(copy.result().path()).isEqualTo(ExportResult.Path.COPY_CSV);
        assertThat(copy.text()).isEqualTo(ExportRunner.exportThroughCursor(source, csv).text()).isEqualTo(
                "id,bits,vbits,tz\r\n1,101,1,12:34:56.789+05:30\r\n2,000,\"\",00:00:00-08\r\n3,,,\r\n");

        ExportRequest json = csv.withFormat("json");
        ExportRunner.Output binary = ExportRunner.export(source, json);
        assertThat(binary.result().path()).isEqualTo(ExportResult.Path.COPY_BINARY);
        assertThat(binary.text()).isEqualTo(ExportRunner.exportThroughCursor(source, json).text()).isEqualTo(
                "[{\"id\":1,\"bits\":\"101\",\"vbits\":\"1\",\"tz\":\"12:34:56.789+05:30\"},"
                        + "{\"id\":2,\"bits\":\"000\",\"vbits\":\"\",\"tz\":\"00:00:00-08\"},"
                        + "{\"id\":3,\"bits\":null,\"vbits\":null,\"tz\":null}]");
    }
}
