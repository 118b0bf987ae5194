package dev.freight.format;

import dev.freight.query.ExportRequest;
import dev.freight.query.Filter;
import dev.freight.testing.ExportRunner;
import dev.freight.query.SortKey;
import dev.freight.testing.FormulaCandidates;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The golden-value suite on PostgreSQL. A CSV/TSV export streams through {@code COPY … TO STDOUT} and a byte
 * rewriter, its filter values and row limit bound as settings; the typed formats read binary COPY; what neither can
 * do goes through a JDBC cursor and the format writer.
 * Both must write the same file, which is what the tests below the contract check.
 */
class PostgresGoldenValuesTest extends GoldenValuesContract {

    /** Every column but the float one, whose notation the two paths are documented to write differently. */
    private static final List<String> ALL_BUT_FLOAT = COLUMNS.stream().filter(c -> !c.equals("measure")).toList();

    @Override
    protected String jdbcUrl() {
        return TestDatabases.postgres();
    }

    @Override
    protected String createTableSql() {
        return """
                CREATE TABLE golden (
                  id bigint PRIMARY KEY,
                  label text,
                  amount numeric(12, 2),
                  fine numeric(20, 10),
                  quantity bigint,
                  measure double precision,
                  flag boolean,
                  day date,
                  local_ts timestamp,
                  instant timestamptz,
                  payload bytea
                )""";
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "tsv"})
    void unfilteredCsvAndTsvTakeTheCopyFastPath(String format) {
        assertThat(export(format, Map.of(), false).result().copyFastPath()).isTrue();
        assertThat(export(format, Map.of("time_zone", "Europe/Paris"), true).result().copyFastPath()).isTrue();
    }

    @Test
    void aFilterASortAndARowLimitTakeTheCopyPathToo() {
        ExportRequest all = request("csv", Map.of(), false);

        assertThat(run(all.withRowLimit(1_000L)).result().copyFastPath()).isTrue();
        assertThat(run(all.withFilters(List.of(new Filter("id", "gte", 0)))).result().copyFastPath()).isTrue();
        assertThat(run(all.withSort(List.of(new SortKey("label", "desc")))).result().copyFastPath()).isTrue();
        assertThat(run(request("json", Map.of(), false)).result().copyFastPath()).isFalse();
    }

    /** One filter per column type and operator kind, with values that need exact binding: every one on both paths. */
    static Stream<Arguments> filtersOnEveryType() {
        return Stream.of(
                Arguments.of(new Filter("label", "eq", "say \"hello\" and \"\"")),
                Arguments.of(new Filter("label", "contains", "'")),
                Arguments.of(new Filter("label", "starts_with", "\\")),
                Arguments.of(new Filter("label", "in", List.of("plain", "東京", "line1\r\nline2", "?"))),
                Arguments.of(new Filter("label", "not_in", List.of("plain"))),
                Arguments.of(new Filter("amount", "gte", "-0.01")),
                Arguments.of(new Filter("amount", "between", List.of("-1000000", "1000000.5"))),
                Arguments.of(new Filter("fine", "lt", "0.0000000001")),
                Arguments.of(new Filter("quantity", "eq", Long.MAX_VALUE)),
                Arguments.of(new Filter("quantity", "ne", 0)),
                Arguments.of(new Filter("measure", "gt", 1e-5)),
                Arguments.of(new Filter("measure", "lte", "1e20")),
                Arguments.of(new Filter("flag", "eq", false)),
                Arguments.of(new Filter("day", "gte", "2000-02-29")),
                Arguments.of(new Filter("day", "in", List.of("0001-01-01", "9999-12-31", "2024-02-29"))),
                Arguments.of(new Filter("local_ts", "lt", "2024-03-10T02:30:00.0000005")),
                Arguments.of(new Filter("instant", "gte", "1970-01-01T01:00:00+01:00")),
                Arguments.of(new Filter("instant", "lt", "2024-06-01T12:00:00.123456Z")),
                Arguments.of(new Filter("payload", "is_null", null)),
                Arguments.of(new Filter("label", "not_null", null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filtersOnEveryType")
    void aFilteredExportThroughCopyWritesTheBytesOfTheJdbcPath(Filter filter) {
        ExportRequest request = request("csv", Map.of("time_zone", "Europe/Paris"), false).withColumns(ALL_BUT_FLOAT)
                .withFilters(List.of(filter)).withSort(List.of(new SortKey("day", "desc"), new SortKey("id", "asc")));

        ExportRunner.Output copy = run(request);
        ExportRunner.Output jdbc = cursor(request);

        assertThat(copy.result().copyFastPath()).isTrue();
        assertThat(copy.result().rows()).as("the filter must select some rows").isPositive();
        assertThat(copy.text()).isEqualTo(jdbc.text());
        assertThat(copy.bytes()).isEqualTo(jdbc.bytes());
    }

    @Test
    void aRowLimitCutsTheCopyOutputWhereTheJdbcPathDoes() {
        ExportRequest request = request("tsv", Map.of(), false).withColumns(ALL_BUT_FLOAT)
                .withSort(List.of(new SortKey("id", "desc"))).withRowLimit(3L);

        ExportRunner.Output copy = run(request);

        assertThat(copy.result().copyFastPath()).isTrue();
        assertThat(copy.result().rows()).isEqualTo(3);
        assertThat(copy.bytes()).isEqualTo(cursor(request).bytes());
    }

    /** JSON and NDJSON read the golden table through binary COPY (PostgresBinaryCopyFormatsTest compares the paths). */
    @ParameterizedTest
    @ValueSource(strings = {"json", "ndjson"})
    void jsonFormatsTakeTheBinaryCopyPath(String format) {
        ExportRunner.Output out = export(format, Map.of(), false);
        assertThat(out.result().path()).isEqualTo(dev.freight.engine.ExportResult.Path.COPY_BINARY);
        assertMatchesDatabase(format, out.bytes(), true, java.time.ZoneOffset.UTC);
    }

    static Stream<Arguments> csvOptionCombinations() {
        List<Arguments> all = new ArrayList<>();
        for (String format : List.of("csv", "tsv")) {
            for (boolean sanitize : List.of(true, false)) {
                for (String lineEnding : List.of("crlf", "lf")) {
                    for (boolean header : List.of(true, false)) {
                        for (boolean bom : List.of(false, true)) {
                            for (String zone : List.of("UTC", "Europe/Paris", "America/New_York")) {
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
    void copyFastPathAndJdbcPathWriteIdenticalBytes(String format, boolean sanitize, String lineEnding,
                                                    boolean header, boolean bom, String zone) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("sanitize_formulas", sanitize);
        options.put("line_ending", lineEnding);
        options.put("header", header);
        options.put("bom", bom);
        options.put("time_zone", zone);
        ExportRequest request = request(format, options, false).withColumns(ALL_BUT_FLOAT);

        ExportRunner.Output copy = run(request);
        ExportRunner.Output jdbc = cursor(request);

        assertThat(copy.result().copyFastPath()).isTrue();
        assertThat(jdbc.result().copyFastPath()).isFalse();
        assertThat(copy.text()).isEqualTo(jdbc.text());
        assertThat(copy.bytes()).isEqualTo(jdbc.bytes());
        assertThat(copy.result().rows()).isEqualTo(jdbc.result().rows()).isEqualTo(goldenRows().size());
    }

    /**
     * COPY renders double precision with PostgreSQL's own shortest-exact output, which switches to exponent form
     * (1e-05, 1e+20) where Freight's writer spells the digits out (0.00001, 100000000000000000000). The
     * difference is documented and harmless: both read back as the same double, which is what is checked here.
     */
    @Test
    void copyFastPathWritesFloatsThatReadBackAsTheSameDoubles() {
        ExportRequest request = request("csv", Map.of(), false).withColumns(List.of("id", "measure"));

        List<List<String>> copy = parseCsv(run(request).bytes(), ',');
        List<List<String>> jdbc = parseCsv(cursor(request).bytes(), ',');

        assertThat(copy).hasSameSizeAs(jdbc);
        for (int r = 0; r < copy.size(); r++) {
            assertThat(copy.get(r).get(0)).isEqualTo(jdbc.get(r).get(0));
            String a = copy.get(r).get(1);
            String b = jdbc.get(r).get(1);
            if (r == 0 || a == null || b == null) {
                assertThat(a).as("row %s", r).isEqualTo(b);
            } else {
                assertThat(Double.parseDouble(a)).as("row %s: %s vs %s", r, a, b).isEqualTo(Double.parseDouble(b));
            }
        }
        assertThat(csvCell(run(request).text(), ',', QUOTES, "measure")).isEqualTo("1e-05");
        assertThat(csvCell(cursor(request).text(), ',', QUOTES, "measure")).isEqualTo("0.00001");
    }

    /**
     * FastCSV quotes a record's first field when it starts with '#', so that readers which treat '#' lines as
     * comments keep the row; the COPY path must do the same when a text column comes first.
     */
    @ParameterizedTest
    @ValueSource(strings = {"csv", "tsv"})
    void copyFastPathQuotesALeadingHashInTheFirstColumnLikeTheJdbcPath(String format) {
        ExportRequest request = request(format, Map.of(), false).withColumns(List.of("label", "id", "flag"));

        ExportRunner.Output copy = run(request);
        ExportRunner.Output jdbc = cursor(request);

        assertThat(copy.result().copyFastPath()).isTrue();
        assertThat(copy.text()).contains("\"#hashtag\"");
        assertThat(copy.text()).isEqualTo(jdbc.text());
    }

    @BeforeAll
    void createFormulaCandidates() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS formula_candidates");
            s.execute("CREATE TABLE formula_candidates (id bigint PRIMARY KEY, cell text, amount numeric(6, 2))");
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
            all.add(Arguments.of("csv", ",", sanitize));
            all.add(Arguments.of("csv", ";", sanitize));
            all.add(Arguments.of("csv", "|", sanitize));
            all.add(Arguments.of("tsv", "tab", sanitize));
        }
        return all.stream();
    }

    /** Issue 11.14: every formula candidate, as the evidence script has LibreOffice import them, on both paths. */
    @ParameterizedTest(name = "{0} delimiter={1} sanitize_formulas={2}")
    @MethodSource("candidateExports")
    void copyFastPathAndJdbcPathWriteEveryFormulaCandidateIdentically(String format, String delimiter, boolean sanitize) {
        ExportRequest request = ExportRequest.of("formula_candidates", format)
                .withSort(List.of(new SortKey("id", "asc")))
                .withOptions(Map.of("delimiter", delimiter, "sanitize_formulas", sanitize));

        ExportRunner.Output copy = run(request);
        ExportRunner.Output jdbc = cursor(request);

        assertThat(copy.result().copyFastPath()).isTrue();
        assertThat(jdbc.result().copyFastPath()).isFalse();
        assertThat(copy.text()).isEqualTo(jdbc.text());
        assertThat(copy.bytes()).isEqualTo(jdbc.bytes());
        if (delimiter.equals(",")) {
            StringBuilder expected = new StringBuilder("id,cell,amount\r\n");
            for (int i = 0; i < FormulaCandidates.ALL.size(); i++) {
                String cell = FormulaCandidates.ALL.get(i);
                expected.append(i + 1).append(',').append(sanitize ? FormulaCandidates.CSV_FIELD.get(cell)
                        : FormulaCandidates.copyField(cell, ',')).append(",-5.25\r\n");
            }
            assertThat(copy.text()).isEqualTo(expected.toString());
        }
    }

    /**
     * Before standard time, zones ran on local mean time: Paris +00:09:21 until 1911, New York -04:56:02 until 1883,
     * Kolkata +05:53:28. Both paths keep the offset's seconds (PostgreSQL writes them); cut to minutes, the text
     * would name an instant seconds away from the stored one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Europe/Paris", "America/New_York", "Asia/Kolkata"})
    void instantsInLocalMeanTimeKeepTheirOffsetsSecondsOnEveryPath(String zone) {
        TestDatabases.execute(jdbcUrl(), "CREATE TABLE IF NOT EXISTS lmt_instants (id int PRIMARY KEY, t timestamptz)",
                "INSERT INTO lmt_instants VALUES (1, '1850-06-30 12:00:00.25+00'), (2, '1880-01-01 00:00:00+00'),"
                        + " (3, '2024-03-31 01:30:00+00') ON CONFLICT DO NOTHING");
        for (String format : List.of("csv", "ndjson")) {
            ExportRequest request = ExportRequest.of("lmt_instants", format).withSort(List.of(new SortKey("id", "asc")))
                    .withOptions(Map.of("time_zone", zone));
            String fast = run(request).text();
            assertThat(fast).isEqualTo(cursor(request).text());
            if (zone.equals("Europe/Paris")) assertThat(fast).contains("1850-06-30T12:09:21.25+00:09:21");
            if (zone.equals("America/New_York")) assertThat(fast).contains("1879-12-31T19:03:58-04:56:02");
        }
    }

    private ExportRunner.Output run(ExportRequest request) {
        return ExportRunner.export(source, request);
    }

    private ExportRunner.Output cursor(ExportRequest request) {
        return ExportRunner.exportThroughCursor(source, request);
    }
}
