package dev.freight.format;

import dev.freight.engine.ExportFailedException;
import dev.freight.engine.ExportResult;
import dev.freight.query.ExportRequest;
import dev.freight.query.SortKey;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PostgreSQL's values without an ordinary Java counterpart: dates and timestamps of {@code ±infinity}, numerics of
 * {@code NaN} and {@code ±Infinity}, the time {@code 24:00:00}. Every format writes them, the same on every path (COPY CSV, binary COPY, the
 * cursor), in PostgreSQL's own words where the format has text, and as the infinity DuckDB reads in Parquet; a
 * value a format truly cannot store fails the export with a precise, permanent error instead of a crash.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresNonFiniteValuesTest {
    private static final String URL = TestDatabases.postgres();
    private JdbcSource source;

    @TempDir
    Path dir;

    @BeforeAll
    void tables() {
        TestDatabases.execute(URL,
                "DROP TABLE IF EXISTS non_finite",
                "CREATE TABLE non_finite (id int PRIMARY KEY, d date, ts timestamp, tstz timestamptz, n numeric, f8 float8, t time)",
                """
                        INSERT INTO non_finite VALUES
                          (1, 'infinity', 'infinity', 'infinity', 'NaN', 'NaN', '24:00:00'),
                          (2, '-infinity', '-infinity', '-infinity', 'Infinity', 'Infinity', '00:00:00'),
                          (3, '2024-03-31', '2024-03-31 02:30:00', '2024-03-31 00:59:59+00', '-Infinity', '-Infinity',
                           '23:59:59.999999'),
                          (4, NULL, NULL, NULL, 1.50, 1.5, NULL)""",
                "DROP TABLE IF EXISTS non_finite_fixed",
                "CREATE TABLE non_finite_fixed (id int PRIMARY KEY, amount numeric(10, 2))",
                "INSERT INTO non_finite_fixed VALUES (1, 12.50), (2, 'NaN')");
        source = ExportRunner.open(URL);
    }

    @AfterAll
    void close() {
        source.close();
    }

    private static ExportRequest request(String format, Map<String, Object> options) {
        return ExportRequest.of("non_finite", format).withSort(List.of(new SortKey("id", "asc"))).withOptions(options);
    }

    @Test
    void csvSaysWhatPostgresSaysOnEveryPath() {
        String expected = """
                id,d,ts,tstz,n,f8,t\r
                1,infinity,infinity,infinity,NaN,NaN,24:00:00\r
                2,-infinity,-infinity,-infinity,Infinity,Infinity,00:00:00\r
                3,2024-03-31,2024-03-31T02:30:00,2024-03-31T01:59:59+01:00,-Infinity,-Infinity,23:59:59.999999\r
                4,,,,1.50,1.5,\r
                """;
        ExportRequest request = request("csv", Map.of("time_zone", "Europe/Paris", "line_ending", "crlf"));

        ExportRunner.Output copy = ExportRunner.export(source, request);
        ExportRunner.Output cursor = ExportRunner.exportThroughCursor(source, request);

        assertThat(copy.result().path()).isEqualTo(ExportResult.Path.COPY_CSV);
        assertThat(copy.text()).isEqualTo(expected);
        assertThat(cursor.text()).isEqualTo(expected);
    }

    /** Options COPY cannot render send CSV through binary COPY; the presentation options leave the words alone. */
    @Test
    void presentationOptionsKeepTheWords() {
        ExportRequest request = request("csv", Map.of("line_ending", "lf", "null_text", "NULL", "number_locale", "de-DE",
                "date_format", "dd.MM.yyyy", "timestamp_format", "dd.MM.yyyy HH:mm"));

        ExportRunner.Output binary = ExportRunner.export(source, request);
        ExportRunner.Output cursor = ExportRunner.exportThroughCursor(source, request);

        assertThat(binary.result().path()).isEqualTo(ExportResult.Path.COPY_BINARY);
        assertThat(binary.text()).isEqualTo(cursor.text()).isEqualTo("""
                id,d,ts,tstz,n,f8,t
                1,infinity,infinity,infinity,NaN,NaN,24:00:00
                2,-infinity,-infinity,-infinity,Infinity,Infinity,00:00:00
                3,31.03.2024,31.03.2024 02:30,31.03.2024 00:59,-Infinity,-Infinity,23:59:59.999999
                4,NULL,NULL,NULL,"1,50","1,5",NULL
                """);
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "ndjson"})
    void jsonHasThemAsStringsOnBothPaths(String format) {
        ExportRunner.Output binary = ExportRunner.export(source, request(format, Map.of()));
        ExportRunner.Output cursor = ExportRunner.exportThroughCursor(source, request(format, Map.of()));

        assertThat(binary.result().path()).isEqualTo(ExportResult.Path.COPY_BINARY);
        assertThat(binary.text()).isEqualTo(cursor.text());
        assertThat(binary.text()).contains(
                "{\"id\":1,\"d\":\"infinity\",\"ts\":\"infinity\",\"tstz\":\"infinity\",\"n\":\"NaN\",\"f8\":\"NaN\",\"t\":\"24:00:00\"}",
                "{\"id\":2,\"d\":\"-infinity\",\"ts\":\"-infinity\",\"tstz\":\"-infinity\",\"n\":\"Infinity\",\"f8\":\"Infinity\",\"t\":\"00:00:00\"}",
                "\"n\":\"-Infinity\",\"f8\":\"-Infinity\",\"t\":\"23:59:59.999999\"}",
                "{\"id\":4,\"d\":null,\"ts\":null,\"tstz\":null,\"n\":1.50,\"f8\":1.5,\"t\":null}");
    }

    @Test
    void xlsxHasThemAsTextCellsOnBothPaths() throws Exception {
        ExportRunner.Output binary = ExportRunner.export(source, request("xlsx", Map.of()));
        ExportRunner.Output cursor = ExportRunner.exportThroughCursor(source, request("xlsx", Map.of()));

        List<String> cells = cells(binary.bytes());
        assertThat(cells).isEqualTo(cells(cursor.bytes()));
        assertThat(cells).contains("B2 STRING infinity", "C2 STRING infinity", "D2 STRING infinity", "E2 STRING NaN",
                "F2 STRING NaN", "B3 STRING -infinity", "D3 STRING -infinity", "E3 STRING Infinity",
                "E4 STRING -Infinity", "E5 NUMERIC 1.5", "B4 NUMERIC 45382.0");
    }

    private static List<String> cells(byte[] xlsx) throws Exception {
        List<String> cells = new ArrayList<>();
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(xlsx))) {
            for (Row row : wb.getSheetAt(0)) {
                for (Cell cell : row) {
                    String value = cell.getCellType() == CellType.NUMERIC ? Double.toString(cell.getNumericCellValue())
                            : cell.getStringCellValue();
                    cells.add(cell.getAddress() + " " + cell.getCellType() + " " + value);
                }
            }
        }
        return cells;
    }

    /** DuckDB reads the type's largest value and its negation as ±infinity; a numeric without precision is text. */
    @Test
    void parquetHasTheInfinitiesDuckDbReads() throws Exception {
        ExportRunner.Output binary = ExportRunner.export(source, request("parquet", Map.of()));
        ExportRunner.Output cursor = ExportRunner.exportThroughCursor(source, request("parquet", Map.of()));
        assertThat(binary.bytes()).isEqualTo(cursor.bytes());
        Path file = Files.write(dir.resolve("non-finite.parquet"), binary.bytes());

        List<String> rows = new ArrayList<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, isinf(d), d::varchar, isinf(ts), ts::varchar, isinf(tstz),"
                     + " n, isnan(f8), f8 FROM read_parquet('" + file + "') ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4) + " "
                        + rs.getString(5) + " " + rs.getString(6) + " " + rs.getString(7) + " " + rs.getString(8)
                        + " " + rs.getString(9));
            }
        }
        assertThat(rows).containsExactly(
                "1 true infinity true infinity true NaN true NaN",
                "2 true -infinity true -infinity true Infinity false Infinity",
                "3 false 2024-03-31 false 2024-03-31 02:30:00 false -Infinity false -Infinity",
                "4 null null null null null 1.50 false 1.5");
    }

    /** A Parquet DECIMAL has no NaN: the export stops, saying which column, what value and what to do instead. */
    @Test
    void aNanInAParquetDecimalFailsForGoodWithTheColumnNamed() {
        ExportRequest request = ExportRequest.of("non_finite_fixed", "parquet").withSort(List.of(new SortKey("id", "asc")));

        for (boolean cursor : new boolean[]{false, true}) {
            assertThatThrownBy(() -> {
                if (cursor) ExportRunner.exportThroughCursor(source, request);
                else ExportRunner.export(source, request);
            }).isInstanceOfSatisfying(ExportFailedException.class, e -> {
                assertThat(e.code()).isEqualTo("unrepresentable_value");
                assertThat(e.isTransient()).isFalse();
                assertThat(e.getMessage()).isEqualTo("column amount holds NaN, which Parquet's decimal(10, 2) cannot"
                        + " store; export it as CSV or JSON, or filter it out");
            });
        }
        // The same column in a format with text is no problem.
        assertThat(ExportRunner.export(source, request.withFormat("json")).text())
                .isEqualTo("[{\"id\":1,\"amount\":12.50},{\"id\":2,\"amount\":\"NaN\"}]");
    }

    @Test
    void pdfWritesTheWords() throws Exception {
        ExportRunner.Output pdf = ExportRunner.export(source, request("pdf", Map.of()));
        assertThat(pdf.result().rows()).isEqualTo(4);
        try (PDDocument doc = Loader.loadPDF(pdf.bytes())) {
            assertThat(new PDFTextStripper().getText(doc)).contains("infinity", "-infinity", "NaN", "-Infinity");
        }
    }
}
