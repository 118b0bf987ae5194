package dev.freight.format;

import dev.freight.engine.ExportResult;
import dev.freight.query.ExportRequest;
import dev.freight.query.Filter;
import dev.freight.query.SortKey;
import dev.freight.source.ColumnType;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.FormulaCandidates;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The golden-value suite on MariaDB. {@code TIMESTAMP(6)} is an instant stored in UTC and read in the session's
 * zone; Freight pins its sessions to UTC, and so does this suite, so both see the stored UTC value.
 * <p>
 * CSV and TSV are written from the text protocol's bytes ({@code MARIADB_TEXT_CSV}); the tests below the contract
 * check that they are the very bytes the cursor and the generic writer produce, for the golden table, a table of
 * every MariaDB type with its odd values, the formula candidates and every option.
 */
class MariaDbGoldenValuesTest extends GoldenValuesContract {

    @Override
    protected String jdbcUrl() {
        return TestDatabases.mariadb();
    }

    @Override
    protected String quote(String identifier) {
        return '`' + identifier + '`';
    }

    @Override
    protected String createTableSql() {
        return """
                CREATE TABLE golden (
                  id BIGINT PRIMARY KEY,
                  label TEXT,
                  amount DECIMAL(12, 2),
                  fine DECIMAL(20, 10),
                  quantity BIGINT,
                  measure DOUBLE,
                  flag BOOLEAN,
                  day DATE,
                  local_ts DATETIME(6),
                  instant TIMESTAMP(6) NULL,
                  payload VARBINARY(1000)
                ) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin""";
    }

    @Override
    protected void configureSession(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
        }
    }

    @Override
    protected void bind(PreparedStatement insert, int index, Object value, Kind kind) throws SQLException {
        if (value instanceof OffsetDateTime instant) {
            insert.setObject(index, instant.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
        } else {
            super.bind(insert, index, value, kind);
        }
    }

    /**
     * Through a UTC calendar: the driver's getObject(LocalDateTime) and even getString go by way of the JVM's zone
     * and move a time inside that zone's DST gap by an hour.
     */
    @Override
    protected LocalDateTime readLocalTimestamp(ResultSet rs, int index) throws SQLException {
        Timestamp t = rs.getTimestamp(index, Calendar.getInstance(TimeZone.getTimeZone("UTC")));
        return t == null ? null : LocalDateTime.ofInstant(t.toInstant(), ZoneOffset.UTC);
    }

    /** TIMESTAMP reads as its UTC wall-clock time, the session being pinned to UTC. */
    @Override
    protected Instant readInstant(ResultSet rs, int index) throws SQLException {
        LocalDateTime utc = readLocalTimestamp(rs, index);
        return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
    }

    /**
     * The driver reports BOOLEAN (TINYINT(1)) as Types.BOOLEAN with COLUMN_SIZE 3, which the rule meant for BIT(n)
     * took for a bit string: the column became binary and every export of the table failed.
     */
    @Test
    void booleanColumnIsExportedAsABoolean() {
        assertThat(source.catalog().find("golden").orElseThrow().column("flag").orElseThrow().type())
                .isEqualTo(ColumnType.BOOLEAN);
        assertThat(csvCell(export("csv", Map.of(), false).text(), ',', PLAIN, "flag")).isEqualTo("true");
    }

    // ------------------------------------------------------------------------------------------ text-rows path

    @ParameterizedTest
    @ValueSource(strings = {"csv", "tsv"})
    void csvAndTsvTakeTheTextRowsPath(String format) {
        assertThat(export(format, Map.of(), false).result().path()).isEqualTo(ExportResult.Path.MARIADB_TEXT_CSV);
        assertThat(export(format, Map.of("time_zone", "Europe/Paris"), true).result().path())
                .isEqualTo(ExportResult.Path.MARIADB_TEXT_CSV);
        assertThat(export("json", Map.of(), false).result().path()).isEqualTo(ExportResult.Path.CURSOR);
    }

    /** Options the byte rules do not cover keep the generic writer. */
    @Test
    void presentationOptionsAndNullTextKeepTheCursorPath() {
        for (Map<String, Object> options : List.<Map<String, Object>>of(Map.of("null_text", "NULL"),
                Map.of("date_format", "dd/MM/yyyy"), Map.of("timestamp_format", "dd/MM/yyyy HH:mm"),
                Map.of("number_locale", "de-DE"), Map.of("bool_text", List.of("yes", "no")), Map.of("delimiter", "§"))) {
            assertThat(export("csv", options, false).result().path()).as("%s", options).isEqualTo(ExportResult.Path.CURSOR);
        }
    }

    static Stream<Arguments> csvOptionCombinations() {
        List<Arguments> all = new ArrayList<>();
        for (String format : List.of("csv", "tsv")) {
            for (boolean sanitize : List.of(true, false)) {
                for (String lineEnding : List.of("crlf", "lf")) {
                    for (boolean header : List.of(true, false)) {
                        for (boolean bom : List.of(false, true)) {
                            for (String zone : List.of("UTC", "Europe/Paris", "America/New_York", "+05:30")) {
                                all.add(Arguments.of(format, sanitize, lineEnding, header, bom, zone));
                            }
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} sanitize_formulas={1} line_ending={2} header={3} bom={4} time_zone={5}")
    @MethodSource("csvOptionCombinations")
    void textRowsPathAndCursorPathWriteIdenticalBytes(String format, boolean sanitize, String lineEnding,
                                                      boolean header, boolean bom, String zone) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("sanitize_formulas", sanitize);
        options.put("line_ending", lineEnding);
        options.put("header", header);
        options.put("bom", bom);
        options.put("time_zone", zone);
        options.put("labels", Map.of("label", "=Label", "amount", "Amount, €"));

        assertSameBytesOnBothPaths(request(format, options, false), goldenRows().size());
    }

    /** Delimiters that also occur in numbers, dates, booleans and base64 make those fields quoted, as FastCSV does. */
    @ParameterizedTest
    @ValueSource(strings = {",", ";", "|", "tab", " ", "-", ".", ":", "0", "e", "T", "A", "=", "+", "/", "'", "\\"})
    void everyDelimiterWritesTheBytesOfTheCursorPath(String delimiter) {
        assertSameBytesOnBothPaths(request("csv", Map.of("delimiter", delimiter), false), goldenRows().size());
    }

    @Test
    void aFilterASortAndARowLimitWriteTheBytesOfTheCursorPath() {
        ExportRequest request = request("csv", Map.of("time_zone", "Europe/Paris"), false)
                .withFilters(List.of(new Filter("label", "not_null", null), new Filter("amount", "gte", "-1")))
                .withSort(List.of(new SortKey("day", "desc"), new SortKey("id", "asc")))
                .withColumns(List.of("payload", "label", "instant", "id", "measure", "flag"))
                .withRowLimit(7L);
        assertSameBytesOnBothPaths(request, 7);
    }

    /** A JVM in a zone with DST reads timestamps through a calendar on the cursor path; the bytes stay the same. */
    @ParameterizedTest
    @ValueSource(strings = {"Europe/Paris", "America/New_York", "UTC", "Asia/Kolkata"})
    void theJvmZoneChangesNeitherPath(String jvmZone) {
        withJvmZone(jvmZone, () -> {
            assertSameBytesOnBothPaths(request("csv", Map.of(), false), goldenRows().size());
            assertSameBytesOnBothPaths(edgeRequest("tsv", Map.of("time_zone", "Europe/Paris")), EDGE_ROWS);
            return null;
        });
    }

    // A table of every MariaDB column type with the values whose text is not canonical: ZEROFILL, zero and
    // pre-Gregorian dates, booleans other than 0 and 1, TIME beyond a day, unsigned extremes, JSON, ENUM, SET.
    private static final int EDGE_ROWS = 9;

    @BeforeAll
    void createEdgeTable() throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
            // Zero dates are what old schemas hold; the strict mode refuses them. (An invalid date such as
            // 2024-02-30 fails the export on either path: the driver refuses to read it.)
            s.execute("SET SESSION sql_mode = ''");
            s.execute("DROP TABLE IF EXISTS edge");
            s.execute("""
                    CREATE TABLE edge (
                      id INT PRIMARY KEY,
                      tiny TINYINT, small SMALLINT UNSIGNED, medium MEDIUMINT, big_unsigned BIGINT UNSIGNED,
                      int_unsigned INT UNSIGNED, zf INT(6) ZEROFILL, dec_zf DECIMAL(8, 3) ZEROFILL,
                      yr YEAR, flt FLOAT, dbl DOUBLE, dec0 DECIMAL(30, 0),
                      bool1 BOOLEAN, bit1 BIT(1), bit12 BIT(12),
                      d DATE, dt DATETIME, dt3 DATETIME(3), ts TIMESTAMP NULL, t TIME(6),
                      ch CHAR(5), vc VARCHAR(40) CHARACTER SET latin1, en ENUM('a', '=b', 'c,d'), st SET('x', 'y'),
                      js JSON, txt MEDIUMTEXT, bl BLOB, vb VARBINARY(20), bn BINARY(3), uu UUID, ip INET6
                    ) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin""");
            s.execute("""
                    INSERT INTO edge VALUES
                    (1, -128, 65535, -8388608, 18446744073709551615, 4294967295, 42, 12.5, 2024, 3.4e38,
                     -1.7976931348623157e308, 99999999999999999999999999999,
                     2, b'1', b'101010101010', '0000-00-00', '0000-00-00 00:00:00', '1582-10-10 12:00:00.5',
                     '1970-01-01 00:00:01', '-838:59:59', 'ab', 'Crème', '=b', 'x,y',
                     '{"a": "=1+1", "b": [1, 2.50]}', 'line1\\r\\n"quoted"\\t🚚', x'00FF', x'', x'000102',
                     '123e4567-e89b-12d3-a456-426614174000', '::1'),
                    (2, 0, 0, 0, 0, 0, 0, 0, 1901, -0.0, 1e-7, -1,
                     -1, b'0', b'0', '1000-01-01', '1000-01-01 00:00:00', '9999-12-31 23:59:59.999',
                     '2038-01-19 03:14:07', '838:59:59.999999', '', '', 'c,d', '',
                     '[]', '', '', x'0A0D2C22', x'FFFFFF', '00000000-0000-0000-0000-000000000000', '2001:db8::ff00:42:8329'),
                    (3, 127, 1, 8388607, 9223372036854775808, 1, 1, 1.5, 2155, 1.17549435e-38, 4.9e-324, 0,
                     1, b'1', b'111111111111', '2024-02-29', '2024-02-29 10:00:00', '2024-03-31 02:30:00.120',
                     '2024-03-31 01:30:00', '00:00:00.000001', '#hash', '#hash', 'a', 'y',
                     '"=text"', '#hash', x'2C', x'2C3B', x'3D3D3D', NULL, NULL),
                    (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                     NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                     NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                    (5, 1, 2, 3, 4, 5, 6, -0.5, 2000, 0.1, 0.1, -12345678901234567890123456789,
                     0, b'0', b'1', '1583-01-01', '1583-01-01 00:00:00', '2024-10-27 02:30:00.001',
                     '2024-10-27 00:59:59', '23:59:59', '-5', '+5', '=b', 'x',
                     'null', '-', '=', '=1', '@', '11111111-2222-3333-4444-555555555555', '10.0.0.1'),
                    (6, -1, 3, -3, 1, 1, 999999, 99999.999, 1999, 1e10, 123456789012345680000, 1,
                     1, b'1', b'1', '0001-01-01', '0001-01-01 00:00:00', '1900-01-01 00:00:00',
                     '1999-12-31 23:59:59', '-00:00:01', ' ', ' =1', 'a', 'x,y',
                     '{}', ' \\t=1', x'20', x'09', x'0D0A0D', NULL, '::'),
                    (7, 7, 7, 7, 7, 7, 7, -0.001, 2001, 1.5, 2.5, 7,
                     0, b'0', b'0', '1582-10-04', '1582-10-04 23:59:59', '2024-01-01 00:00:00',
                     '2024-01-01 00:00:00', '-12:30:00', 'ＡＢ', 'ÿ', 'c,d', 'y',
                     '1.0e2', '＝1+1', x'FF', x'FEFF', x'EFBBBF', NULL, NULL),
                    (8, 8, 8, 8, 8, 8, 8, 8, 2008, 8, 8, 8,
                     1, b'1', b'1', '2024-12-31', '2024-12-31 23:59:59', '2024-12-31 23:59:59.900',
                     '2024-12-31 23:59:59', '24:00:00', 'a"b', 'a"b', 'a', 'x',
                     '"a\\\\"b"', 'a"b\\nc', x'22', x'22', x'222222', NULL, NULL)""");
            // Fields of 251 bytes and more carry a 2-byte length, of 65,536 and more a 3-byte one.
            s.execute("""
                    INSERT INTO edge (id, vc, txt, bl, js) VALUES
                    (9, REPEAT('é', 40), CONCAT('=', REPEAT('a"b,', 20000), '🚚'), REPEAT(x'00FF2C', 30000),
                     CONCAT('["', REPEAT('x', 300), '"]'))""");
        }
    }

    private static ExportRequest edgeRequest(String format, Map<String, Object> options) {
        return ExportRequest.of("edge", format).withSort(List.of(new SortKey("id", "asc"))).withOptions(options);
    }

    static Stream<Arguments> edgeExports() {
        List<Arguments> all = new ArrayList<>();
        for (String zone : List.of("UTC", "Europe/Paris", "-03:00")) {
            for (boolean sanitize : List.of(true, false)) {
                all.add(Arguments.of("csv", zone, sanitize));
                all.add(Arguments.of("tsv", zone, sanitize));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} time_zone={1} sanitize_formulas={2}")
    @MethodSource("edgeExports")
    void everyMariaDbTypeAndItsOddValuesWriteTheBytesOfTheCursorPath(String format, String zone, boolean sanitize) {
        assertSameBytesOnBothPaths(edgeRequest(format, Map.of("time_zone", zone, "sanitize_formulas", sanitize)),
                EDGE_ROWS);
    }

    /** The table's text as the cursor path writes it, pinned for the values whose text is not the server's. */
    @Test
    void oddValuesAreWrittenAsTheirJavaValues() {
        String csv = new String(ExportRunner.export(source, edgeRequest("csv", Map.of())).bytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(csvCell(csv, ',', 1, "zf")).isEqualTo("42");
        assertThat(csvCell(csv, ',', 1, "dec_zf")).isEqualTo("12.500");
        assertThat(csvCell(csv, ',', 1, "big_unsigned")).isEqualTo("18446744073709551615");
        assertThat(csvCell(csv, ',', 1, "bool1")).isEqualTo("true");
        assertThat(csvCell(csv, ',', 2, "bool1")).isEqualTo("true");
        assertThat(csvCell(csv, ',', 3, "dt3")).isEqualTo("2024-03-31T02:30:00.12");
        assertThat(csvCell(csv, ',', 2, "dbl")).isEqualTo("0.0000001");
    }

    /**
     * Floats printed once per distinct text: 3,000 rows of 1,500 values, repeated and far more than the slots per
     * column, so slots are shared and replaced; every field must still be the one the cursor path prints.
     */
    @Test
    void manyDistinctFloatsAreEachPrintedAsTheCursorPathPrintsThem() throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS floats");
            s.execute("CREATE TABLE floats (id INT PRIMARY KEY, f FLOAT, d DOUBLE)");
            java.util.Random random = new java.util.Random(13);
            double[] values = new double[1_500];
            for (int i = 0; i < values.length; i++) {
                values[i] = switch (i % 4) {
                    case 0 -> random.nextDouble();
                    case 1 -> Math.round(random.nextDouble() * 10_000) / 100.0;
                    case 2 -> random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
                    default -> random.nextInt(1000) / 20.0;
                };
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO floats VALUES (?, ?, ?)")) {
                for (int i = 0; i < 3_000; i++) {
                    double v = values[i % values.length];
                    insert.setInt(1, i);
                    insert.setFloat(2, (float) v);
                    insert.setDouble(3, v);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        assertSameBytesOnBothPaths(ExportRequest.of("floats", "csv").withSort(List.of(new SortKey("id", "asc"))), 3_000);
    }

    @BeforeAll
    void createFormulaCandidates() throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS formula_candidates");
            s.execute("CREATE TABLE formula_candidates (id BIGINT PRIMARY KEY, cell TEXT, amount DECIMAL(6, 2))"
                    + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO formula_candidates VALUES (?, ?, -5.25)")) {
                for (int i = 0; i < FormulaCandidates.ALL.size(); i++) {
                    insert.setLong(1, i + 1);
                    insert.setString(2, FormulaCandidates.ALL.get(i));
                    insert.executeUpdate();
                }
            }
        }
    }

    static Stream<Arguments> candidateExports() {
        List<Arguments> all = new ArrayList<>();
        for (boolean sanitize : List.of(true, false)) {
            for (String delimiter : List.of(",", ";", "|", "tab", " ")) {
                all.add(Arguments.of(delimiter.equals("tab") ? "tsv" : "csv", delimiter, sanitize));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} delimiter={1} sanitize_formulas={2}")
    @MethodSource("candidateExports")
    void everyFormulaCandidateIsWrittenAsTheCursorPathWritesIt(String format, String delimiter, boolean sanitize) {
        ExportRequest request = ExportRequest.of("formula_candidates", format)
                .withSort(List.of(new SortKey("id", "asc")))
                .withOptions(Map.of("delimiter", delimiter, "sanitize_formulas", sanitize));

        ExportRunner.Output text = assertSameBytesOnBothPaths(request, FormulaCandidates.ALL.size());

        if (delimiter.equals(",") && sanitize) {
            StringBuilder expected = new StringBuilder("id,cell,amount\r\n");
            for (int i = 0; i < FormulaCandidates.ALL.size(); i++) {
                expected.append(i + 1).append(',').append(FormulaCandidates.CSV_FIELD.get(FormulaCandidates.ALL.get(i)))
                        .append(",-5.25\r\n");
            }
            assertThat(text.text()).isEqualTo(expected.toString());
        }
    }

    private ExportRunner.Output assertSameBytesOnBothPaths(ExportRequest request, int rows) {
        ExportRunner.Output text = ExportRunner.export(source, request);
        ExportRunner.Output cursor = ExportRunner.exportThroughCursor(source, request);

        assertThat(text.result().path()).isEqualTo(ExportResult.Path.MARIADB_TEXT_CSV);
        assertThat(cursor.result().path()).isEqualTo(ExportResult.Path.CURSOR);
        assertThat(text.text()).isEqualTo(cursor.text());
        assertThat(text.bytes()).isEqualTo(cursor.bytes());
        assertThat(text.result().rows()).isEqualTo(cursor.result().rows()).isEqualTo(rows);
        return text;
    }

    private static <T> T withJvmZone(String zone, Supplier<T> action) {
        TimeZone saved = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        try {
            return action.get();
        } finally {
            TimeZone.setDefault(saved);
        }
    }
}
