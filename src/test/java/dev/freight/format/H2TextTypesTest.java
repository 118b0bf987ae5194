package dev.freight.format;

import dev.freight.query.ExportRequest;
import dev.freight.query.SortKey;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** H2 reports a UUID as BINARY and a time with time zone as TIME; both are written as their text. */
class H2TextTypesTest {
    @TempDir
    Path dir;

    @Test
    void uuidsAndTimesWithTimeZoneAreTheirText() {
        String url = "jdbc:h2:file:" + dir.resolve("text-types").toAbsolutePath();
        TestDatabases.execute(url, "CREATE TABLE t (id int PRIMARY KEY, u uuid, ttz time with time zone)",
                "INSERT INTO t VALUES (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '12:34:56+05:30'), (2, NULL, NULL)");
        try (JdbcSource source = ExportRunner.open(url)) {
            ExportRequest request = ExportRequest.of("t", "csv").withSort(List.of(new SortKey("id", "asc")));

            assertThat(ExportRunner.export(source, request).text()).isEqualTo(
                    "ID,U,TTZ\r\n1,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,12:34:56+05:30\r\n2,,\r\n");
            assertThat(ExportRunner.export(source, request.withFormat("json")).text()).isEqualTo(
                    "[{\"ID\":1,\"U\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\",\"TTZ\":\"12:34:56+05:30\"},"
                            + "{\"ID\":2,\"U\":null,\"TTZ\":null}]");
        }
    }
}
