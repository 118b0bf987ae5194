package dev.freight.format;

import dev.freight.engine.ExportResult;
import dev.freight.query.ExportRequest;
import dev.freight.query.SortKey;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On PostgreSQL the typed formats (and CSV/TSV with options COPY cannot render) read their rows through binary
 * COPY, filtered and limited ones too (values bound as settings). Both must write the same file: the same bytes for JSON and NDJSON, the same cells and number formats
 * as Apache POI reads an XLSX, the same schema and values as parquet-java reads a Parquet file. Checked on the golden
 * table and on a table of the types and values it lacks (every PostgreSQL type Freight exports, NULL in each,
 * extreme numerics, BC dates, Unicode with emoji and control characters, a row of several megabytes).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresBinaryCopyFormatsTest {
    private final PostgresGoldenValuesTest golden = new PostgresGoldenValuesTest();
    private JdbcSource source;

    @TempDir
    Path dir;

    @BeforeAll
    void tables() throws Exception {
        golden.createAndFillGoldenTable();
        source = golden.source;
        TestDatabases.execute(TestDatabases.postgres(),
                "DROP TABLE IF EXISTS typed_extras",
                "DROP TYPE IF EXISTS extras_mood",
                "CREATE TYPE extras_mood AS ENUM ('sad', 'happy')",
                """
                        CREATE TABLE typed_extras (
                          id int PRIMARY KEY, i2 smallint, i4 integer, n numeric, f4 real, t time, u uuid, jsb jsonb,
                          js json, iv interval, arr int[], m money, e extras_mood, ch char(4), vc varchar(10), ip inet,
                          ts timestamp, tstz timestamptz, d date
                        )""",
                """
                        INSERT INTO typed_extras VALUES
                          (1, 1, 2, 3.14159265358979323846264338327950288419716939937510, 1.1, '12:34:56.789',
                           'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"b": "ü", "a": [1, 2.50]}', '{"a": 1}',
                           '1 year 2 mons 3 days 04:05:06.5', '{1,NULL,3}', 12.34, 'happy', 'ab', 'vc', '192.168.0.1/24',
                           '2024-03-31 02:30:00', '2024-03-31 00:59:59+00', '2024-03-31'),
                          (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                           NULL, NULL, NULL),
                          (3, -32768, -2147483648, -0.000000000000000000000000000001, 'NaN', '24:00:00',
                           '00000000-0000-0000-0000-000000000000', '[]', '[]', '-1 days -00:00:01', '{}', -0.01, 'sad',
                           '', '', '::1', '0044-03-15 10:00:00 BC', '0044-03-15 10:00:00+00 BC', '0044-03-15 BC'),
                          (4, 32767, 2147483647, 1e-300, '-Infinity', '00:00:00.000001',
                           'ffffffff-ffff-ffff-ffff-ffffffffffff', '{}', '"s"', '0', '{-1}', 0, 'happy', 'abcd',
                           E'\\x01\\x1f\\x7f \\t\\r\\n', '10.0.0.0/8', '1999-12-31 23:59:59.999999',
                           '1999-12-31 23:59:59.999999+00', '1999-12-31'),
                          (5, 0, 0, 123456789012345678901234567890.5, 3.4028235e38, '23:59:59.999999', NULL, 'null',
                           'null', '-178000000 years', NULL, NULL, NULL, ' a', E'🚚 👩‍👩‍👧', NULL,
                           '1850-06-30 12:00:00', '1850-06-30 12:00:00+00', '1850-06-30')""",
                "DROP TABLE IF EXISTS big_row",
                "CREATE TABLE big_row (id int PRIMARY KEY, note text, bytes bytea)",
                "INSERT INTO big_row VALUES (1, 'small', '\\x00'), (2, repeat('é🚚x', 200000), decode(repeat('ab', 1500000), 'hex')),"
                        + " (3, NULL, NULL)");
    }

    @AfterAll
    void close() {
        golden.closeSource();
    }

    /** Every column, the int[] too (sources keep arrays in text; {@link #arraysAreTheServersTextOutput} pins it). */
    private static final List<String> EXTRAS_COMPARED = List.of("id", "i2", "i4", "n", "f4", "t", "u", "jsb", "js", "iv",
            "arr", "m", "e", "ch", "vc", "ip", "ts", "tstz", "d");

    private static ExportRequest request(String table, String format, String zone) {
        ExportRequest request = ExportRequest.of(table, format).withSort(List.of(new SortKey("id", "asc")))
                .withOptions(Map.of("time_zone", zone));
        return table.equals("typed_extras") ? request.withColumns(EXTRAS_COMPARED) : request;
    }

    /** The export through binary COPY and through the cursor, each checked for the path it took. */
    private ExportRunner.Output[] bothPaths(ExportRequest request) {
        ExportRunner.Output binary = ExportRunner.export(source, request);
        ExportRunner.Output cursor = ExportRunner.exportThroughCursor(source, request);
        assertThat(binary.result().path()).isEqualTo(ExportResult.Path.COPY_BINARY);
        assertThat(cursor.result().path()).isEqualTo(ExportResult.Path.CURSOR);
        assertThat(binary.result().rows()).isEqualTo(cursor.result().rows()).isPositive();
        return new ExportRunner.Output[]{binary, cursor};
    }

    static Stream<Arguments> tablesAndZones() {
        List<Arguments> all = new ArrayList<>();
        for (String table : List.of("golden", "typed_extras")) {
            for (String zone : List.of("UTC", "Europe/Paris", "America/New_York")) all.add(Arguments.of(table, zone));
        }
        return all.stream();
    }

    /** Filters on every kind of golden column, a sort and a limit: values bound as settings select what binds select. */
    @ParameterizedTest
    @ValueSource(strings = {"json", "ndjson"})
    void aFilteredSortedLimitedExportIsByteForByteTheCursorPaths(String format) {
        ExportRequest request = ExportRequest.of("golden", format)
                .withFilters(List.of(new dev.freight.query.Filter("amount", "gte", "-0.01"),
                        new dev.freight.query.Filter("instant", "lt", "2024-12-31T00:00:00+01:00"),
                        new dev.freight.query.Filter("label", "not_in", List.of("plain", "?")),
                        new dev.freight.query.Filter("flag", "eq", true)))
                .withSort(List.of(new SortKey("day", "desc"))).withRowLimit(4L);

        ExportRunner.Output[] out = bothPaths(request);

        assertThat(out[0].result().rows()).isEqualTo(4);
        assertThat(out[0].text()).isEqualTo(out[1].text());
    }

    @ParameterizedTest(name = "{0}, time_zone={1}")
    @MethodSource("tablesAndZones")
    void jsonIsByteForByteTheCursorPathsJson(String table, String zone) {
        ExportRunner.Output[] json = bothPaths(request(table, "json", zone));
        assertThat(json[0].text()).isEqualTo(json[1].text());

        ExportRunner.Output[] ndjson = bothPaths(request(table, "ndjson", zone));
        assertThat(ndjson[0].text()).isEqualTo(ndjson[1].text());
        assertThat(ndjson[0].bytes()).isEqualTo(ndjson[1].bytes());
    }

    @ParameterizedTest(name = "{0}, time_zone={1}")
    @MethodSource("tablesAndZones")
    void xlsxHasTheCursorPathsCellsAndFormats(String table, String zone) throws IOException {
        ExportRunner.Output[] xlsx = bothPaths(request(table, "xlsx", zone));
        assertThat(cells(xlsx[0].bytes())).containsExactlyElementsOf(cells(xlsx[1].bytes()));
    }

    @ParameterizedTest(name = "{0}, time_zone={1}")
    @MethodSource("tablesAndZones")
    void parquetHasTheCursorPathsSchemaAndValues(String table, String zone) throws IOException {
        ExportRunner.Output[] parquet = bothPaths(request(table, "parquet", zone));
        assertSameParquet(parquet[0].bytes(), parquet[1].bytes());
    }

    /** CSV and TSV with options COPY cannot render take binary COPY too, and write what the cursor path writes. */
    @ParameterizedTest(name = "{0}, time_zone={1}")
    @MethodSource("tablesAndZones")
    void csvBeyondCopyIsByteForByteTheCursorPathsCsv(String table, String zone) {
        for (String format : List.of("csv", "tsv")) {
            ExportRequest request = request(table, format, zone);
            ExportRunner.Output[] plain = bothPaths(request.withOptions(Map.of("time_zone", zone, "null_text", "NULL")));
            assertThat(plain[0].bytes()).isEqualTo(plain[1].bytes());
            ExportRunner.Output[] presented = bothPaths(request.withOptions(Map.of("time_zone", zone,
                    "number_locale", "de-DE", "date_format", "dd.MM.yyyy", "timestamp_format", "dd.MM.yyyy HH:mm:ss xxx",
                    "bool_text", "ja,nein")));
            assertThat(presented[0].text()).isEqualTo(presented[1].text());
        }
    }

    @Test
    void arraysAreTheServersTextOutput() {
        ExportRunner.Output out = ExportRunner.export(source, ExportRequest.of("typed_extras", "json")
                .withColumns(List.of("id", "arr")).withSort(List.of(new SortKey("id", "asc"))));

        assertThat(out.result().path()).isEqualTo(ExportResult.Path.COPY_BINARY);
        assertThat(GoldenValuesContract.parseJsonArray(out.bytes())).extracting(n -> n.get("arr").textValue())
                .containsExactly("{1,NULL,3}", null, "{}", "{-1}", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "ndjson"})
    void aRowOfMegabytesIsWrittenWhole(String format) {
        ExportRunner.Output[] out = bothPaths(request("big_row", format, "UTC"));
        assertThat(out[0].bytes()).isEqualTo(out[1].bytes());
        List<com.fasterxml.jackson.databind.JsonNode> rows = format.equals("json")
                ? GoldenValuesContract.parseJsonArray(out[0].bytes()) : GoldenValuesContract.parseNdjson(out[0].bytes());
        assertThat(rows.get(1).get("note").textValue()).isEqualTo("é🚚x".repeat(200_000));
        assertThat(java.util.Base64.getDecoder().decode(rows.get(1).get("bytes").textValue())).hasSize(1_500_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet"})
    void aRowOfMegabytesIsWrittenWholeInParquet(String format) throws IOException {
        ExportRunner.Output[] out = bothPaths(request("big_row", format, "UTC"));
        assertSameParquet(out[0].bytes(), out[1].bytes());
    }

    private void assertSameParquet(byte[] binary, byte[] cursor) throws IOException {
        Path a = Files.write(dir.resolve("binary.parquet"), binary);
        Path b = Files.write(dir.resolve("cursor.parquet"), cursor);
        assertThat(ParquetRoundTripContract.schema(a)).isEqualTo(ParquetRoundTripContract.schema(b));
        List<Object[]> binaryRows = ParquetRoundTripContract.readWithParquetJava(a);
        List<Object[]> cursorRows = ParquetRoundTripContract.readWithParquetJava(b);
        assertThat(binaryRows).hasSameSizeAs(cursorRows);
        for (int r = 0; r < cursorRows.size(); r++) {
            assertThat(Arrays.deepEquals(binaryRows.get(r), cursorRows.get(r))).as("row %s: %s vs %s", r,
                    Arrays.deepToString(binaryRows.get(r)), Arrays.deepToString(cursorRows.get(r))).isTrue();
        }
    }

    /** Every cell as POI reads it: sheet, address, type, value and number format. */
    private static List<String> cells(byte[] xlsx) throws IOException {
        List<String> cells = new ArrayList<>();
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(xlsx))) {
            for (Sheet sheet : wb) {
                for (Row row : sheet) {
                    for (Cell cell : row) {
                        Object value = switch (cell.getCellType()) {
                            case NUMERIC -> cell.getNumericCellValue();
                            case BOOLEAN -> cell.getBooleanCellValue();
                            case STRING -> cell.getStringCellValue();
                            default -> cell.getCellType();
                        };
                        cells.add(sheet.getSheetName() + "!" + cell.getAddress() + " " + cell.getCellType() + " "
                                + value + " [" + cell.getCellStyle().getDataFormatString() + "]");
                    }
                }
            }
        }
        assertThat(cells).isNotEmpty();
        return cells;
    }
}
