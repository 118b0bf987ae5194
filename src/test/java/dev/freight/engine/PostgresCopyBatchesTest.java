package dev.freight.engine;

import dev.freight.query.ExportRequest;
import dev.freight.query.SortKey;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.jdbc.PgConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * COPY's rows read from the connection as whole CopyData messages into one buffer, rather than one array per row
 * through pgJDBC: rows larger than that buffer, rows that just fill it, and notices between rows, compared byte for
 * byte with the cursor's export.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresCopyBatchesTest {
    private final String url = TestDatabases.postgres();
    private JdbcSource source;

    @BeforeAll
    void createTable() {
        // Row sizes around the 64 KiB batch: many small rows, rows of 30-70 KiB, one of 200 KiB, one ending exactly
        // where a batch would end.
        TestDatabases.execute(url, "DROP TABLE IF EXISTS copy_batches",
                "CREATE TABLE copy_batches (id int PRIMARY KEY, note text, flag boolean, at timestamptz)",
                "INSERT INTO copy_batches SELECT g, CASE WHEN g % 997 = 0 THEN repeat('=x,', 10000 + g % 13000)"
                        + " WHEN g = 1500 THEN repeat('#', 200000) ELSE 'row ' || g END, g % 2 = 0,"
                        + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' FROM generate_series(1, 5000) g",
                "CREATE OR REPLACE FUNCTION copy_batches_notice(i int) RETURNS int LANGUAGE plpgsql AS"
                        + " $$ BEGIN IF i % 1000 = 0 THEN RAISE NOTICE 'row %', i; END IF; RETURN i; END $$",
                "CREATE OR REPLACE VIEW copy_batches_noisy AS SELECT copy_batches_notice(id) AS id, note, flag, at"
                        + " FROM copy_batches");
        source = ExportRunner.open(url);
    }

    @AfterAll
    void close() {
        source.close();
    }

    @Test
    void theDriversStreamIsReachableSoThatRowsAreReadInBatches() throws SQLException {
        try (Connection connection = TestDatabases.connect(url)) {
            assertThat(PostgresCopyExport.copyDataStream(connection.unwrap(PgConnection.class))).isNotNull();
        }
    }

    @Test
    void rowsOfEverySizeAroundTheBatchAreWrittenAsTheCursorWritesThem() {
        for (String dataset : List.of("copy_batches", "copy_batches_noisy")) {
            ExportRequest request = ExportRequest.of(dataset, "csv").withOptions(Map.of("delimiter", ";"))
                    .withSort(List.of(new SortKey("id", "asc")));

            ExportRunner.Output copy = ExportRunner.export(source, request);
            ExportRunner.Output cursor = ExportRunner.exportThroughCursor(source, request);

            assertThat(copy.result().copyFastPath()).as(dataset).isTrue();
            assertThat(copy.result().rows()).isEqualTo(5000);
            assertThat(copy.bytes()).as(dataset).isEqualTo(cursor.bytes());
        }
    }
}
