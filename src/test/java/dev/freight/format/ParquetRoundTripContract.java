package dev.freight.format;

import dev.freight.query.ExportRequest;
import dev.freight.query.SortKey;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parquet exports read back by two readers Freight does not write with: parquet-java's own record reader
 * (example Group model) and DuckDB's {@code read_parquet}. Both are compared, schema and cell by cell, with the
 * rows selected straight from the database through plain JDBC, for the golden table of
 * {@link GoldenValuesContract} and a second table of types the golden one lacks (small integers, REAL, TIME,
 * wide and unconstrained decimals, JSON). Subclasses give the database and its DDL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ParquetRoundTripContract {

    /** How a column is expected in the file; also how the suite reads it from the database. */
    protected enum Kind { INTEGER, DECIMAL, DECIMAL_TEXT, REAL, DOUBLE, BOOLEAN, TEXT, DATE, TIME, TIMESTAMP, INSTANT, BINARY }

    /** A column as the file must describe it. {@code precision}/{@code scale} only for DECIMAL. */
    protected record Spec(String name, Kind kind, boolean required, int precision, int scale) {
        static Spec of(String name, Kind kind) {
            return new Spec(name, kind, false, 0, 0);
        }
    }

    static final List<Spec> GOLDEN = List.of(new Spec("id", Kind.INTEGER, true, 0, 0), Spec.of("label", Kind.TEXT),
            new Spec("amount", Kind.DECIMAL, false, 12, 2), new Spec("fine", Kind.DECIMAL, false, 20, 10),
            Spec.of("quantity", Kind.INTEGER), Spec.of("measure", Kind.DOUBLE), Spec.of("flag", Kind.BOOLEAN),
            Spec.of("day", Kind.DATE), Spec.of("local_ts", Kind.TIMESTAMP), Spec.of("instant", Kind.INSTANT),
            Spec.of("payload", Kind.BINARY));

    static final List<Spec> EXTRAS = List.of(new Spec("id", Kind.INTEGER, true, 0, 0),
            new Spec("small", Kind.INTEGER, true, 0, 0), Spec.of("real_col", Kind.REAL), Spec.of("t", Kind.TIME),
            new Spec("wide", Kind.DECIMAL, false, 30, 10), Spec.of("free", Kind.DECIMAL_TEXT), Spec.of("js", Kind.TEXT),
            new Spec("tiny", Kind.DECIMAL, false, 5, 2));

    static final String WIDE = "12345678901234567890.0123456789";

    protected JdbcSource source;
    private List<Object[]> goldenDatabaseRows;
    private List<Object[]> extrasDatabaseRows;

    @TempDir
    Path dir;

    // ---------------------------------------------------------------------------------------------- per database

    protected abstract String jdbcUrl();

    /** {@code CREATE TABLE golden (...)} as in the database's golden-values test. */
    protected abstract String createGoldenSql();

    /**
     * Creates and fills {@code extras}: id (PK), small (smallint NOT NULL), real_col (real), t (time with
     * micros), wide (decimal(30,10)), free (a decimal without usable precision, or wider than 38), js (JSON),
     * tiny (decimal(5,2)).
     */
    protected abstract List<String> extrasSql();

    protected String quote(String identifier) {
        return '"' + identifier + '"';
    }

    protected void configureSession(Connection connection) throws SQLException {
    }

    protected void bind(PreparedStatement insert, int index, Object value) throws SQLException {
        insert.setObject(index, value);
    }

    protected LocalDateTime readLocalTimestamp(ResultSet rs, int index) throws SQLException {
        return rs.getObject(index, LocalDateTime.class);
    }

    protected Instant readInstant(ResultSet rs, int index) throws SQLException {
        OffsetDateTime value = rs.getObject(index, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    // ---------------------------------------------------------------------------------------------- setup

    @BeforeAll
    void createTables() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl())) {
            configureSession(c);
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + quote("golden"));
                s.execute("DROP TABLE IF EXISTS " + quote("extras"));
                s.execute(createGoldenSql());
                for (String sql : extrasSql()) s.execute(sql);
            }
            String marks = String.join(", ", java.util.Collections.nCopies(GOLDEN.size(), "?"));
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + quote("golden") + " VALUES (" + marks + ")")) {
                for (Object[] row : GoldenValuesContract.goldenRows()) {
                    for (int i = 0; i < row.length; i++) {
                        if (row[i] == null) {
                            insert.setNull(i + 1, sqlType(GOLDEN.get(i).kind()));
                        } else {
                            bind(insert, i + 1, row[i]);
                        }
                    }
                    insert.executeUpdate();
                }
            }
            if (!c.getAutoCommit()) c.commit();
        }
        goldenDatabaseRows = selectStraightFromDatabase("golden", GOLDEN);
        extrasDatabaseRows = selectStraightFromDatabase("extras", EXTRAS);
        source = ExportRunner.open(jdbcUrl());
    }

    @AfterAll
    void closeSource() {
        if (source != null) source.close();
    }

    private List<Object[]> selectStraightFromDatabase(String table, List<Spec> specs) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl())) {
            configureSession(c);
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT * FROM " + quote(table) + " ORDER BY " + quote("id"))) {
                assertThat(rs.getMetaData().getColumnCount()).isEqualTo(specs.size());
                while (rs.next()) {
                    Object[] row = new Object[specs.size()];
                    for (int i = 0; i < row.length; i++) row[i] = read(rs, i + 1, specs.get(i).kind());
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private Object read(ResultSet rs, int i, Kind kind) throws SQLException {
        Object value = switch (kind) {
            case INTEGER -> rs.getLong(i);
            case DECIMAL -> rs.getBigDecimal(i);
            case DECIMAL_TEXT -> {
                BigDecimal d = rs.getBigDecimal(i);
                yield d == null ? null : d.toPlainString();
            }
            case REAL -> rs.getFloat(i);
            case DOUBLE -> rs.getDouble(i);
            case BOOLEAN -> rs.getBoolean(i);
            case TEXT -> rs.getString(i);
            case DATE -> rs.getObject(i, LocalDate.class);
            case TIME -> rs.getObject(i, LocalTime.class);
            case TIMESTAMP -> readLocalTimestamp(rs, i);
            case INSTANT -> readInstant(rs, i);
            case BINARY -> {
                byte[] b = rs.getBytes(i);
                yield b == null ? null : HexFormat.of().formatHex(b);
            }
        };
        return rs.wasNull() ? null : value;
    }

    private static int sqlType(Kind kind) {
        return switch (kind) {
            case INTEGER -> Types.BIGINT;
            case DECIMAL, DECIMAL_TEXT -> Types.NUMERIC;
            case REAL -> Types.REAL;
            case DOUBLE -> Types.DOUBLE;
            case BOOLEAN -> Types.BOOLEAN;
            case TEXT -> Types.VARCHAR;
            case DATE -> Types.DATE;
            case TIME -> Types.TIME;
            case TIMESTAMP -> Types.TIMESTAMP;
            case INSTANT -> Types.TIMESTAMP_WITH_TIMEZONE;
            case BINARY -> Types.VARBINARY;
        };
    }

    // ---------------------------------------------------------------------------------------------- tests

    @Test
    void goldenTableReadsBackIdenticallyInParquetJavaAndDuckDb() {
        Path file = exportToFile("golden", Map.of());

        assertSchema(file, GOLDEN);
        assertThat(readWithParquetJava(file, GOLDEN)).containsExactlyElementsOf(goldenDatabaseRows);
        assertThat(readWithDuckDb(file, GOLDEN)).containsExactlyElementsOf(goldenDatabaseRows);
        assertThat(goldenDatabaseRows).hasSize(GoldenValuesContract.goldenRows().size());
    }

    /** Pinned values, so that a conversion bug shared by the suite's JDBC read and the export cannot hide. */
    @Test
    void goldenValuesArePinned() {
        Path file = exportToFile("golden", Map.of());
        List<Object[]> rows = readWithParquetJava(file, GOLDEN);
        Object[] plain = rows.get((int) GoldenValuesContract.PLAIN - 1);
        Object[] micros = rows.get((int) GoldenValuesContract.MICROS - 1);
        Object[] allNull = rows.get((int) GoldenValuesContract.ALL_NULL - 1);
        Object[] empty = rows.get((int) GoldenValuesContract.EMPTY - 1);

        assertThat(plain[2]).isEqualTo(new BigDecimal("12345678.90"));
        assertThat(plain[3]).isEqualTo(new BigDecimal("0.1000000000"));
        assertThat(plain[4]).isEqualTo(Long.MAX_VALUE);
        assertThat(plain[9]).isEqualTo(Instant.parse("2024-03-31T00:59:59Z"));
        assertThat(plain[8]).isEqualTo(LocalDateTime.parse("2024-03-31T02:30:00"));
        assertThat(plain[10]).isEqualTo("0001020 0ff".replace(" ", ""));
        assertThat(rows.get((int) GoldenValuesContract.COMMA - 1)[3]).isEqualTo(new BigDecimal("1234567890.0123456789"));
        assertThat(rows.get((int) GoldenValuesContract.QUOTES - 1)[3]).isEqualTo(new BigDecimal("-0.0000000001"));
        assertThat(rows.get((int) GoldenValuesContract.COMMA - 1)[9]).isEqualTo(Instant.parse("2024-03-31T01:00:00Z"));
        assertThat(micros[9]).isEqualTo(Instant.parse("2024-06-15T12:34:56.000001Z"));
        assertThat(micros[8]).isEqualTo(LocalDateTime.parse("2024-06-15T12:34:56.000001"));
        assertThat(rows.get((int) GoldenValuesContract.EMOJI - 1)[1]).isEqualTo(GoldenValuesContract.EMOJI_TEXT);
        assertThat(rows.get((int) GoldenValuesContract.COMBINING - 1)[1]).isEqualTo(GoldenValuesContract.COMBINING_TEXT);
        assertThat(rows.get((int) GoldenValuesContract.CRLF - 1)[10]).isEqualTo("00");
        assertThat(empty[1]).isEqualTo("");
        assertThat(empty[10]).isEqualTo("");
        for (int i = 1; i < allNull.length; i++) assertThat(allNull[i]).as(GOLDEN.get(i).name()).isNull();
    }

    @Test
    void extraTypesReadBackIdenticallyInParquetJavaAndDuckDb() {
        Path file = exportToFile("extras", Map.of());

        assertSchema(file, EXTRAS);
        assertThat(readWithParquetJava(file, EXTRAS)).containsExactlyElementsOf(extrasDatabaseRows);
        assertThat(readWithDuckDb(file, EXTRAS)).containsExactlyElementsOf(extrasDatabaseRows);
        assertThat(extrasDatabaseRows.get(0)[4]).isEqualTo(new BigDecimal(WIDE));
        assertThat(extrasDatabaseRows.get(1)[4]).isEqualTo(new BigDecimal("-" + WIDE));
        assertThat(extrasDatabaseRows.get(0)[3]).isEqualTo(LocalTime.parse("23:59:59.999999"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"snappy", "zstd", "gzip", "none"})
    void everyCompressionCodecWritesAReadableFile(String compression) {
        Path file = exportToFile("golden", Map.of("compression", compression));
        CompressionCodecName expected = switch (compression) {
            case "snappy" -> CompressionCodecName.SNAPPY;
            case "zstd" -> CompressionCodecName.ZSTD;
            case "gzip" -> CompressionCodecName.GZIP;
            default -> CompressionCodecName.UNCOMPRESSED;
        };

        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            for (BlockMetaData block : reader.getFooter().getBlocks()) {
                for (ColumnChunkMetaData chunk : block.getColumns()) assertThat(chunk.getCodec()).isEqualTo(expected);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(readWithParquetJava(file, GOLDEN)).containsExactlyElementsOf(goldenDatabaseRows);
        assertThat(readWithDuckDb(file, GOLDEN)).containsExactlyElementsOf(goldenDatabaseRows);
    }

    @Test
    void defaultCompressionIsSnappy() throws IOException {
        Path file = exportToFile("golden", Map.of());
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            assertThat(reader.getFooter().getBlocks().get(0).getColumns().get(0).getCodec())
                    .isEqualTo(CompressionCodecName.SNAPPY);
        }
    }

    @Test
    void presentationOptionsNeverChangeTypedValues() {
        Map<String, Object> presentation = Map.of("number_locale", "de-DE", "bool_text", "ja,nein",
                "date_format", "dd.MM.yyyy", "timestamp_format", "dd.MM.yyyy HH:mm", "time_zone", "Europe/Paris",
                "null_text", "NULL");
        Path file = exportToFile("golden", presentation);

        assertSchema(file, GOLDEN);
        assertThat(readWithParquetJava(file, GOLDEN)).containsExactlyElementsOf(goldenDatabaseRows);
    }

    @Test
    void labelsNameTheColumnsAndTheResultCountsTheBytes() {
        ExportRequest request = ExportRequest.of("golden", "parquet").withSort(List.of(new SortKey("id", "asc")))
                .withColumns(List.of("id", "amount")).withOptions(Map.of("labels", Map.of("amount", "Amount (€)")));
        ExportRunner.Output out = ExportRunner.export(source, request);
        Path file = write(out.bytes());

        assertThat(out.result().bytes()).isEqualTo(out.bytes().length);
        assertThat(out.result().rows()).isEqualTo(goldenDatabaseRows.size());
        assertThat(new String(out.bytes(), 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PAR1");
        MessageType schema = schema(file);
        assertThat(schema.getFields()).extracting(Type::getName).containsExactly("id", "Amount (€)");
        assertThat(readWithParquetJava(file, List.of(GOLDEN.get(0), GOLDEN.get(2))))
                .extracting(r -> r[1]).containsExactlyElementsOf(goldenDatabaseRows.stream().map(r -> r[2]).toList());
    }

    // ---------------------------------------------------------------------------------------------- helpers

    protected Path exportToFile(String table, Map<String, Object> options) {
        ExportRequest request = ExportRequest.of(table, "parquet").withSort(List.of(new SortKey("id", "asc")))
                .withOptions(options);
        ExportRunner.Output out = ExportRunner.export(source, request);
        assertThat(out.result().copyFastPath()).isFalse();
        return write(out.bytes());
    }

    private static final AtomicInteger FILES = new AtomicInteger();

    private Path write(byte[] bytes) {
        try {
            return Files.write(dir.resolve("export-" + FILES.incrementAndGet() + ".parquet"), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MessageType schema(Path file) {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            return reader.getFooter().getFileMetaData().getSchema();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names, repetition, physical and logical types, in parquet-java's view and in DuckDB's. */
    private static void assertSchema(Path file, List<Spec> specs) {
        MessageType schema = schema(file);
        assertThat(schema.getFields()).extracting(Type::getName).containsExactlyElementsOf(specs.stream().map(Spec::name).toList());
        for (Spec spec : specs) {
            PrimitiveType type = schema.getType(spec.name()).asPrimitiveType();
            assertThat(type.getRepetition()).as(spec.name())
                    .isEqualTo(spec.required() ? Type.Repetition.REQUIRED : Type.Repetition.OPTIONAL);
            LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
            switch (spec.kind()) {
                case INTEGER -> {
                    assertThat(type.getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.INT64);
                    assertThat(logical).isEqualTo(LogicalTypeAnnotation.intType(64, true));
                }
                case DECIMAL -> {
                    assertThat(logical).as(spec.name()).isEqualTo(LogicalTypeAnnotation.decimalType(spec.scale(), spec.precision()));
                    assertThat(type.getPrimitiveTypeName()).as(spec.name()).isEqualTo(spec.precision() <= 9 ? PrimitiveTypeName.INT32
                            : spec.precision() <= 18 ? PrimitiveTypeName.INT64 : PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY);
                }
                case DECIMAL_TEXT, TEXT -> {
                    assertThat(type.getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.BINARY);
                    assertThat(logical).as(spec.name()).isEqualTo(LogicalTypeAnnotation.stringType());
                }
                case REAL -> assertThat(type.getPrimitiveTypeName()).as(spec.name()).isEqualTo(PrimitiveTypeName.FLOAT);
                case DOUBLE -> assertThat(type.getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.DOUBLE);
                case BOOLEAN -> assertThat(type.getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.BOOLEAN);
                case DATE -> {
                    assertThat(type.getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.INT32);
                    assertThat(logical).isEqualTo(LogicalTypeAnnotation.dateType());
                }
                case TIME -> {
                    assertThat(type.getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.INT64);
                    assertThat(logical).isEqualTo(LogicalTypeAnnotation.timeType(false, TimeUnit.MICROS));
                }
                case TIMESTAMP, INSTANT -> {
                    assertThat(type.getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.INT64);
                    assertThat(logical).as(spec.name()).isEqualTo(
                            LogicalTypeAnnotation.timestampType(spec.kind() == Kind.INSTANT, TimeUnit.MICROS));
                }
                case BINARY -> {
                    assertThat(type.getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.BINARY);
                    assertThat(logical).isNull();
                }
            }
        }
        List<String> duckTypes = new ArrayList<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
            while (rs.next()) duckTypes.add(rs.getString("column_type"));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(duckTypes).containsExactlyElementsOf(specs.stream().map(ParquetRoundTripContract::duckType).toList());
    }

    private static String duckType(Spec spec) {
        return switch (spec.kind()) {
            case INTEGER -> "BIGINT";
            case DECIMAL -> "DECIMAL(" + spec.precision() + "," + spec.scale() + ")";
            case DECIMAL_TEXT, TEXT -> "VARCHAR";
            case REAL -> "FLOAT";
            case DOUBLE -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            case DATE -> "DATE";
            case TIME -> "TIME";
            case TIMESTAMP -> "TIMESTAMP";
            case INSTANT -> "TIMESTAMP WITH TIME ZONE";
            case BINARY -> "BLOB";
        };
    }

    /** Every column of the file, decoded by its own schema. */
    static List<Object[]> readWithParquetJava(Path file) {
        return readWithParquetJava(file, java.util.Collections.nCopies(schema(file).getFieldCount(), null));
    }

    /** parquet-java's record reader with the example Group model, decoded by the file's own schema. */
    static List<Object[]> readWithParquetJava(Path file, List<Spec> specs) {
        List<Object[]> rows = new ArrayList<>();
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema)
                        .getRecordReader(pages, new GroupRecordConverter(schema));
                for (long r = 0; r < pages.getRowCount(); r++) {
                    Group g = records.read();
                    Object[] row = new Object[specs.size()];
                    for (int i = 0; i < row.length; i++) row[i] = decode(g, i, schema.getType(i).asPrimitiveType());
                    rows.add(row);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private static Object decode(Group g, int field, PrimitiveType type) {
        if (g.getFieldRepetitionCount(field) == 0) return null;
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        int scale = logical instanceof DecimalLogicalTypeAnnotation d ? d.getScale() : -1;
        return switch (type.getPrimitiveTypeName()) {
            case BOOLEAN -> g.getBoolean(field, 0);
            case FLOAT -> g.getFloat(field, 0);
            case DOUBLE -> g.getDouble(field, 0);
            case INT32 -> {
                int v = g.getInteger(field, 0);
                if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) yield LocalDate.ofEpochDay(v);
                if (scale >= 0) yield BigDecimal.valueOf(v, scale);
                yield (long) v;
            }
            case INT64 -> {
                long v = g.getLong(field, 0);
                if (scale >= 0) yield BigDecimal.valueOf(v, scale);
                if (logical instanceof TimestampLogicalTypeAnnotation t) {
                    assertThat(t.getUnit()).isEqualTo(TimeUnit.MICROS);
                    Instant instant = Instant.EPOCH.plus(v, ChronoUnit.MICROS);
                    yield t.isAdjustedToUTC() ? instant : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
                }
                if (logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation) yield LocalTime.ofNanoOfDay(v * 1000);
                yield v;
            }
            case BINARY -> logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation ? g.getString(field, 0)
                    : HexFormat.of().formatHex(g.getBinary(field, 0).getBytes());
            case FIXED_LEN_BYTE_ARRAY -> new BigDecimal(new BigInteger(g.getBinary(field, 0).getBytes()), scale);
            default -> throw new AssertionError("unexpected type " + type);
        };
    }

    /** DuckDB's read_parquet; temporal values go through epoch_us / text so no JVM zone gets involved. */
    static List<Object[]> readWithDuckDb(Path file, List<Spec> specs) {
        List<String> select = new ArrayList<>();
        for (Spec spec : specs) {
            String c = '"' + spec.name() + '"';
            select.add(switch (spec.kind()) {
                case TIMESTAMP, INSTANT -> "epoch_us(" + c + ")";
                case DATE, TIME, DECIMAL -> "CAST(" + c + " AS VARCHAR)";
                case BINARY -> "lower(hex(" + c + "))";
                default -> c;
            });
        }
        List<Object[]> rows = new ArrayList<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + String.join(", ", select) + " FROM read_parquet('" + file + "')")) {
            while (rs.next()) {
                Object[] row = new Object[specs.size()];
                for (int i = 0; i < row.length; i++) {
                    int c = i + 1;
                    Object v = switch (specs.get(i).kind()) {
                        case INTEGER -> rs.getLong(c);
                        case DECIMAL -> rs.getString(c) == null ? null : new BigDecimal(rs.getString(c));
                        case DECIMAL_TEXT, TEXT -> rs.getString(c);
                        case REAL -> rs.getFloat(c);
                        case DOUBLE -> rs.getDouble(c);
                        case BOOLEAN -> rs.getBoolean(c);
                        case DATE -> rs.getString(c) == null ? null : LocalDate.parse(rs.getString(c));
                        case TIME -> rs.getString(c) == null ? null : LocalTime.parse(rs.getString(c));
                        case TIMESTAMP -> LocalDateTime.ofInstant(Instant.EPOCH.plus(rs.getLong(c), ChronoUnit.MICROS), ZoneOffset.UTC);
                        case INSTANT -> Instant.EPOCH.plus(rs.getLong(c), ChronoUnit.MICROS);
                        case BINARY -> rs.getString(c);
                    };
                    row[i] = rs.wasNull() ? null : v;
                }
                rows.add(row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }
}
