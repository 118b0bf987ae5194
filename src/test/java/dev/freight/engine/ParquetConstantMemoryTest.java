package dev.freight.engine;

import dev.freight.testing.ForkedCli;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two million rows to Parquet in a JVM capped at 128 MB of heap. parquet-java buffers a whole row group before
 * writing it, so this checks that the default row group size (16 MiB) keeps the export bounded; the file is then
 * checked with DuckDB (row count, sums, row groups).
 */
class ParquetConstantMemoryTest {
    private static final long ROWS = 2_000_000;

    @TempDir
    Path dir;

    @BeforeAll
    static void createBigTable() {
        TestDatabases.execute(TestDatabases.postgres(),
                "CREATE TABLE IF NOT EXISTS big_parquet (id bigint PRIMARY KEY, label text, amount numeric(12,2),"
                        + " at timestamptz, flag boolean, payload bytea)",
                "TRUNCATE big_parquet",
                "INSERT INTO big_parquet SELECT g, 'row ' || g || ', \"quoted\" ' || md5(g::text), g / 100.0,"
                        + " timestamptz '2024-01-01' + g * interval '1 second', g % 2 = 0, decode(md5(g::text), 'hex')"
                        + " FROM generate_series(1, " + ROWS + ") g");
    }

    @Test
    void postgresParquetRunsIn128MegabytesOfHeap() throws Exception {
        Path out = dir.resolve("big.parquet");
        String output = ForkedCli.run("128m", Duration.ofMinutes(5), "export", "--source", TestDatabases.postgres(),
                "--table", "big_parquet", "--format", "parquet", "-o", out.toString(), "--progress", "never");
        assertThat(output).contains("Exported 2,000,000 rows");

        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*), sum(id), sum(amount), count(*) FILTER (WHERE flag),"
                    + " max(\"at\"), min(octet_length(payload)) FROM read_parquet('" + out + "')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(ROWS);
                assertThat(rs.getLong(2)).isEqualTo(ROWS * (ROWS + 1) / 2);
                assertThat(rs.getBigDecimal(3)).isEqualByComparingTo(new java.math.BigDecimal(ROWS * (ROWS + 1) / 2).movePointLeft(2));
                assertThat(rs.getLong(4)).isEqualTo(ROWS / 2);
                assertThat(rs.getLong(6)).isEqualTo(16);
            }
            try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT row_group_id), max(row_group_bytes)"
                    + " FROM parquet_metadata('" + out + "')")) {
                assertThat(rs.next()).isTrue();
                System.out.printf("parquet: %d row groups, largest %d bytes%n", rs.getLong(1), rs.getLong(2));
                assertThat(rs.getLong(1)).isGreaterThanOrEqualTo(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
