package dev.freight.format;

import dev.freight.engine.ExportResult;
import dev.freight.query.ExportRequest;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Parquet round trips on PostgreSQL, including unconstrained {@code numeric} (written as exact text). */
class PostgresParquetTest extends ParquetRoundTripContract {

    @Override
    protected String jdbcUrl() {
        return TestDatabases.postgres();
    }

    @Override
    protected String createGoldenSql() {
        // The same golden table as the CSV/JSON suite, so every format is checked on identical rows.
        return new PostgresGoldenValuesTest().createTableSql();
    }

    @Override
    protected List<String> extrasSql() {
        return List.of("""
                        CREATE TABLE extras (
                          id bigint PRIMARY KEY,
                          small smallint NOT NULL,
                          real_col real,
                          t time,
                          wide numeric(30, 10),
                          free numeric,
                          js jsonb,
                          tiny numeric(5, 2)
                        )""",
                "INSERT INTO extras VALUES (1, 32767, 1.5, '23:59:59.999999', " + WIDE
                        + ", 3.14159265358979323846264338327950288419716939937510, '{\"a\": \"ü\"}', 999.99)",
                "INSERT INTO extras VALUES (2, -32768, NULL, '00:00:00', -" + WIDE + ", -0.000001, NULL, -999.99)",
                "INSERT INTO extras VALUES (3, 0, -0.25, NULL, 0.0000000001, NULL, '[]', 0.01)",
                "INSERT INTO extras VALUES (4, 1, 3.4028235e38, '12:00:00.5', NULL, 1e40, '{}', NULL)");
    }

    @Test
    void parquetTakesTheBinaryCopyPath() {
        ExportRunner.Output out = ExportRunner.export(source, ExportRequest.of("golden", "parquet"));
        assertThat(out.result().path()).isEqualTo(ExportResult.Path.COPY_BINARY);
    }

    /** numeric without precision has no Parquet DECIMAL that fits every value: exact plain text instead. */
    @Test
    void unconstrainedNumericIsExactPlainText() {
        List<Object[]> rows = readWithParquetJava(exportToFile("extras", Map.of()), EXTRAS);

        assertThat(rows.get(0)[5]).isEqualTo("3.14159265358979323846264338327950288419716939937510");
        assertThat(rows.get(1)[5]).isEqualTo("-0.000001");
        assertThat(rows.get(2)[5]).isNull();
        assertThat(rows.get(3)[5]).isEqualTo("1" + "0".repeat(40));
        assertThat(rows.get(0)[7]).isEqualTo(new BigDecimal("999.99"));
        assertThat(rows.get(2)[7]).isEqualTo(new BigDecimal("0.01"));
        assertThat(rows.get(0)[6]).isEqualTo("{\"a\": \"ü\"}");
    }
}
