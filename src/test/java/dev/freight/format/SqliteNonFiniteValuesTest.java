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

/** SQLite keeps an overflowing number in a NUMERIC column as ±Inf, which its driver refuses as a BigDecimal. */
class SqliteNonFiniteValuesTest {
    @TempDir
    Path dir;

    @Test
    void infiniteNumericsAreWrittenAsInfinity() {
        String url = "jdbc:sqlite:" + dir.resolve("non-finite.db").toAbsolutePath();
        TestDatabases.execute(url, "CREATE TABLE t (id INTEGER PRIMARY KEY, n NUMERIC(10, 2), r REAL)",
                "INSERT INTO t VALUES (1, 9e999, -9e999), (2, -9e999, 9e999), (3, 1.5, 1.5)");
        try (JdbcSource source = ExportRunner.open(url)) {
            ExportRequest request = ExportRequest.of("t", "csv").withSort(List.of(new SortKey("id", "asc")));

            assertThat(ExportRunner.export(source, request).text())
                    .isEqualTo("id,n,r\r\n1,Infinity,-Infinity\r\n2,-Infinity,Infinity\r\n3,1.5,1.5\r\n");
            assertThat(ExportRunner.export(source, request.withFormat("json")).text())
                    .isEqualTo("[{\"id\":1,\"n\":\"Infinity\",\"r\":\"-Infinity\"},{\"id\":2,\"n\":\"-Infinity\",\"r\":"
                            + "\"Infinity\"},{\"id\":3,\"n\":1.5,\"r\":1.5}]");
        }
    }
}
