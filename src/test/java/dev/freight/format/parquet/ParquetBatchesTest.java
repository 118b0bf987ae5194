package dev.freight.format.parquet;

import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.format.UnrepresentableValueException;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The writer hands rows to its encoding thread in column batches of {@value ParquetFormatWriter#BATCH_ROWS} rows,
 * or fewer once their strings and bytes pass {@value ParquetFormatWriter#BATCH_BYTES} bytes: values must cross
 * those boundaries, and row group boundaries, unchanged, NULLs included, and the thread must end however the
 * export ends. Read back with DuckDB, a reader Freight does not write with.
 */
class ParquetBatchesTest {
    private static final int ROWS = 3 * ParquetFormatWriter.BATCH_ROWS + 77;

    private static final List<Column> COLUMNS = List.of(
            new Column("id", ColumnType.INTEGER, "int8", Types.BIGINT, false, 19, 0),
            new Column("n", ColumnType.INTEGER, "int4", Types.INTEGER, true, 10, 0),
            new Column("price", ColumnType.DECIMAL, "numeric", Types.NUMERIC, true, 10, 2),
            new Column("small", ColumnType.DECIMAL, "numeric", Types.NUMERIC, true, 5, 1),
            new Column("wide", ColumnType.DECIMAL, "numeric", Types.NUMERIC, true, 30, 5),
            new Column("r", ColumnType.FLOAT, "float4", Types.REAL, true, 8, 0),
            new Column("d", ColumnType.FLOAT, "float8", Types.DOUBLE, true, 17, 0),
            new Column("b", ColumnType.BOOLEAN, "bool", Types.BOOLEAN, true, 1, 0),
            new Column("s", ColumnType.STRING, "text", Types.VARCHAR, true, 0, 0),
            new Column("day", ColumnType.DATE, "date", Types.DATE, true, 0, 0),
            new Column("t", ColumnType.TIME, "time", Types.TIME, true, 0, 0),
            new Column("ts", ColumnType.TIMESTAMP, "timestamp", Types.TIMESTAMP, true, 0, 0),
            new Column("tz", ColumnType.TIMESTAMP_TZ, "timestamptz", Types.TIMESTAMP_WITH_TIMEZONE, true, 0, 0),
            new Column("bin", ColumnType.BINARY, "bytea", Types.BINARY, true, 0, 0));

    @TempDir
    Path dir;

    /** Row i's values; every column but id is NULL on its own rhythm, strings are long in a stretch of rows. */
    private static Object[] row(int i) {
        boolean nul = i % 7 == 3;
        String text = i >= 1000 && i < 2600 ? ("långt " + i + " ").repeat(200) : "s" + i + (i % 5 == 0 ? " ✓ 😀" : "");
        return new Object[]{
                (long) i,
                i % 11 == 0 ? null : (long) (i * 31 - 5000),
                nul ? null : BigDecimal.valueOf(i * 1013L - 999_999, 2),
                i % 13 == 1 ? null : new BigDecimal(i % 2 == 0 ? "-1234.5" : "0.10"),
                nul ? null : new BigDecimal("123456789012345678901234." + String.format("%05d", i)),
                i % 4 == 0 ? null : (float) (i / 3.0),
                i % 3 == 0 ? null : i * -0.25,
                i % 5 == 2 ? null : i % 2 == 0,
                i % 9 == 4 ? null : text,
                nul ? null : LocalDate.of(2024, 1, 1).plusDays(i - 2000),
                nul ? null : LocalTime.ofSecondOfDay(i * 7L % 86_400).withNano(123_456_000),
                nul ? null : LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000).plusSeconds(i * 3_600L),
                i % 6 == 5 ? null : OffsetDateTime.of(2024, 2, 29, 12, 0, 0, 1_000, ZoneOffset.UTC).plusMinutes(i),
                i % 8 == 0 ? null : new byte[]{(byte) i, (byte) (i >> 8), 0, -1}};
    }

    private static ParquetFormatWriter writer(OutputStream out, Map<String, Object> options) {
        return new ParquetFormatWriter(out, COLUMNS, COLUMNS.stream().map(Column::name).toList(),
                FormatOptions.parse(ExportFormat.PARQUET, options));
    }

    @Test
    void rowsAcrossBatchAndRowGroupBoundariesReadBackIdenticallyInDuckDb() throws Exception {
        Path file = dir.resolve("batches.parquet");
        try (OutputStream out = Files.newOutputStream(file)) {
            // The smallest row groups, so that this file has several.
            ParquetFormatWriter writer = writer(out, Map.of("row_group_size", 1024 * 1024));
            writer.begin();
            Object[] reused = new Object[COLUMNS.size()];
            for (int i = 0; i < ROWS; i++) {
                System.arraycopy(row(i), 0, reused, 0, reused.length);
                writer.writeRow(reused);
            }
            writer.finish();
        }

        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT row_group_id) FROM parquet_metadata('" + file + "')")) {
                rs.next();
                assertThat(rs.getLong(1)).isGreaterThan(1);
            }
            int i = 0;
            try (ResultSet rs = s.executeQuery("SELECT * FROM read_parquet('" + file + "') ORDER BY id")) {
                while (rs.next()) {
                    Object[] expected = row(i);
                    assertThat(rs.getLong("id")).isEqualTo(i);
                    assertThat(rs.getObject("n")).isEqualTo(expected[1]);
                    assertThat(rs.getBigDecimal("price")).isEqualTo(expected[2]);
                    assertThat(rs.getBigDecimal("small")).isEqualTo(expected[3] == null ? null
                            : ((BigDecimal) expected[3]).setScale(1));
                    assertThat(rs.getBigDecimal("wide")).isEqualTo(expected[4]);
                    assertThat(rs.getObject("r")).isEqualTo(expected[5]);
                    assertThat(rs.getObject("d")).isEqualTo(expected[6]);
                    assertThat(rs.getObject("b")).isEqualTo(expected[7]);
                    assertThat(rs.getString("s")).isEqualTo(expected[8]);
                    assertThat(rs.getObject("day", LocalDate.class)).isEqualTo(expected[9]);
                    assertThat(rs.getObject("t", LocalTime.class)).isEqualTo(expected[10]);
                    assertThat(rs.getObject("ts", LocalDateTime.class)).isEqualTo(expected[11]);
                    OffsetDateTime tz = rs.getObject("tz", OffsetDateTime.class);
                    assertThat(tz == null ? null : tz.toInstant())
                            .isEqualTo(expected[12] == null ? null : ((OffsetDateTime) expected[12]).toInstant());
                    assertThat(rs.getBytes("bin")).isEqualTo(expected[13]);
                    i++;
                }
            }
            assertThat(i).isEqualTo(ROWS);
        }
        assertThat(encoderThreads()).isZero();
    }

    @Test
    void aDecimalIsWrittenAtItsColumnsScaleOrRefusedWithTheColumnNamed() throws Exception {
        ParquetFormatWriter writer = writer(new ByteArrayOutputStream(), Map.of());
        writer.begin();
        Object[] row = row(1);
        row[2] = new BigDecimal("1.230");  // more digits than the scale, but zeros: fits
        writer.writeRow(row);
        row[2] = new BigDecimal("1.234");
        assertThatThrownBy(() -> writer.writeRow(row)).isInstanceOf(UnrepresentableValueException.class)
                .hasMessage("value 1.234 of column price does not fit its declared type decimal(10, 2)");
        row[2] = new BigDecimal("100000000");
        assertThatThrownBy(() -> writer.writeRow(row)).isInstanceOf(UnrepresentableValueException.class)
                .hasMessage("value 100000000 of column price does not fit its declared type decimal(10, 2)");
        row[2] = new BigDecimal("-99999999.99");
        writer.writeRow(row);
        writer.abandon();
    }

    @Test
    void anAbandonedWriterEndsItsThreadWithoutWritingTheFooter() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ParquetFormatWriter writer = writer(out, Map.of());
        writer.begin();
        assertThat(encoderThreads()).isPositive();
        for (int i = 0; i < ROWS; i++) writer.writeRow(row(i));
        writer.abandon();

        assertThat(encoderThreads()).isZero();
        // Only the leading magic: no row group was complete, and no footer follows.
        assertThat(new String(out.toByteArray(), 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PAR1");
        assertThat(out.size()).isEqualTo(4);
    }

    @Test
    void aFailingOutputFailsTheExportOnTheCallersThreadAndEndsTheEncoder() throws Exception {
        OutputStream failing = new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                // The leading magic passes; the first row group fails.
                if ((written += len) > 4) throw new IOException("disk full");
            }
        };
        ParquetFormatWriter writer = writer(failing, Map.of("row_group_size", 1024 * 1024));
        writer.begin();
        assertThatThrownBy(() -> {
            for (int i = 0; ; i++) writer.writeRow(row(i % ROWS));
        }).isInstanceOf(IOException.class).hasMessageContaining("disk full");
        writer.abandon();
        assertThat(encoderThreads()).isZero();
    }

    private static long encoderThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("freight-parquet-encoder") && t.isAlive()).count();
    }
}
