package dev.freight.format;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CsvReader;
import dev.freight.query.ExportRequest;
import dev.freight.query.SortKey;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
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
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The golden-value suite every supported database must pass. A {@code golden} table full of values that break
 * exporters is filled with bound parameters; each export is read back with a parser Freight does not use for
 * writing (FastCSV's reader, Jackson's tree model) and compared cell by cell with the rows selected straight
 * from the database through plain JDBC, converted to the documented canonical text by this class's own code.
 * Because a wrong conversion here would agree with a wrong export, a handful of tests also pin exact golden text.
 * <p>
 * A subclass supplies the JDBC URL and the DDL in its dialect, with the columns of {@link #COLUMNS} in that order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GoldenValuesContract {

    /** What a column holds, as this suite converts it; deliberately not Freight's ColumnType. */
    protected enum Kind { INTEGER, DECIMAL, FLOAT, BOOLEAN, TEXT, DATE, TIMESTAMP, INSTANT, BINARY }

    protected static final List<String> COLUMNS = List.of("id", "label", "amount", "fine", "quantity", "measure",
            "flag", "day", "local_ts", "instant", "payload");

    // Row ids the explicit golden tests refer to.
    static final long PLAIN = 1, COMMA = 2, QUOTES = 3, CRLF = 4, LONE_LF = 5, PADDED = 6, EMPTY = 7, ALL_NULL = 8,
            EQUALS = 9, PLUS = 10, MINUS = 11, AT = 12, TAB = 13, CR = 14, EMOJI = 15, CJK = 16, COMBINING = 17,
            TAB_INSIDE = 18, HASH = 19, APOSTROPHE = 20, NULL_WORDS = 21, MICROS = 22;

    static final String EMOJI_TEXT = "🚚 Lieferung für 👩‍👩‍👧";
    static final String COMBINING_TEXT = "cafe\u0301 Ame\u0301lie";
    static final byte[] ZERO_BYTES = {0, 1, 2, 0, (byte) 0xFF};

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // Keep 12345678.90 as scale 2 so the tree can show whether the export kept the scale.
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .build();

    protected JdbcSource source;
    /** The table as plain JDBC reads it, in id order, one typed Java value per cell. */
    private List<Object[]> databaseRows;

    // ---------------------------------------------------------------------------------------------- per database

    protected abstract String jdbcUrl();

    /** {@code CREATE TABLE golden (...)} with {@link #COLUMNS} in order, in the database's own dialect. */
    protected abstract String createTableSql();

    protected String quote(String identifier) {
        return '"' + identifier + '"';
    }

    /** How this database's JDBC driver reports each column; SQLite overrides the temporal ones to text. */
    protected List<Kind> kinds() {
        return List.of(Kind.INTEGER, Kind.TEXT, Kind.DECIMAL, Kind.DECIMAL, Kind.INTEGER, Kind.FLOAT, Kind.BOOLEAN,
                Kind.DATE, Kind.TIMESTAMP, Kind.INSTANT, Kind.BINARY);
    }

    /** Session settings for the suite's own connections (MariaDB pins its session to UTC, as Freight does). */
    protected void configureSession(Connection connection) throws SQLException {
    }

    protected void bind(PreparedStatement insert, int index, Object value, Kind kind) throws SQLException {
        if (value == null) {
            insert.setNull(index, sqlType(kind));
        } else {
            insert.setObject(index, value);
        }
    }

    protected LocalDateTime readLocalTimestamp(ResultSet rs, int index) throws SQLException {
        return rs.getObject(index, LocalDateTime.class);
    }

    protected Instant readInstant(ResultSet rs, int index) throws SQLException {
        OffsetDateTime value = rs.getObject(index, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** False where the database cannot store 12345678.90 with its scale (SQLite keeps NUMERIC as REAL). */
    protected boolean storesExactDecimals() {
        return true;
    }

    /** False where timestamps are text the application wrote (SQLite), so no time zone applies to them. */
    protected boolean storesInstants() {
        return true;
    }

    // ---------------------------------------------------------------------------------------------- the data

    /** Column order: id, label, amount, fine, quantity, measure, flag, day, local_ts, instant, payload. */
    static List<Object[]> goldenRows() {
        List<Object[]> rows = new ArrayList<>();
        rows.add(row(PLAIN, "plain", "12345678.90", "0.1", Long.MAX_VALUE, 0.1, true, "2024-03-31",
                "2024-03-31T02:30:00", "2024-03-31T00:59:59Z", ZERO_BYTES));
        rows.add(row(COMMA, "comma, inside", "0.10", "1234567890.0123456789", Long.MIN_VALUE, -2.5, false,
                "2024-02-29", "2024-11-03T01:30:00", "2024-03-31T01:00:00Z", "hello".getBytes(StandardCharsets.UTF_8)));
        rows.add(row(QUOTES, "say \"hello\" and \"\"", "-0.01", "-0.0000000001", -1L, 1e-5, null, "1999-12-31",
                "2024-06-15T12:34:56.789", "2024-11-03T05:59:59Z", sequence(100)));
        rows.add(row(CRLF, "line1\r\nline2", "0.00", "0", 0L, 1e20, true, "2000-01-01",
                "2024-01-01T00:00:00", "2024-11-03T06:00:00Z", new byte[]{0}));
        rows.add(row(LONE_LF, "line1\nline2", "-5.25", "-5.25", 42L, 3.141592653589793, false, "2024-10-27",
                "2024-10-27T02:30:00", "2024-03-10T06:59:59Z", new byte[]{(byte) 0xFF, (byte) 0xFE}));
        rows.add(row(PADDED, "  padded  ", "9999999999.99", "99999.9999999999", 7L, 0.0, true, "2024-03-10",
                "2024-03-10T02:30:00", "2024-03-10T07:00:00Z", new byte[]{'\n', '\r', ',', '"'}));
        rows.add(row(EMPTY, "", null, null, null, null, null, null, null, null, new byte[0]));
        rows.add(row(ALL_NULL, null, null, null, null, null, null, null, null, null, null));
        rows.add(row(EQUALS, "=SUM(A1:A2)", "1.00", "1", 1L, 1.5, true, "2024-01-01",
                "2024-01-01T00:00:00.5", "2024-10-27T00:59:59Z", ZERO_BYTES));
        rows.add(row(PLUS, "+1 555 0100", "100.50", "0.5", 2L, -0.5, false, "2024-01-02",
                "2024-01-02T00:00:00", "2024-10-27T01:00:00Z", ZERO_BYTES));
        rows.add(row(MINUS, "-5.25", "-5.25", "-5.25", -5L, -5.25, true, "2024-01-03",
                "2024-01-03T00:00:00", "2024-06-15T12:34:56.789Z", ZERO_BYTES));
        rows.add(row(AT, "@handle", "2.00", "2", 3L, 2.0, true, "2024-01-04",
                "2024-01-04T00:00:00", "2024-01-01T00:00:00Z", null));
        rows.add(row(TAB, "\tindented", "3.00", "3", 4L, 3.0, false, "2024-01-05",
                "2024-01-05T00:00:00", "2024-07-01T22:00:00Z", null));
        rows.add(row(CR, "\rcarriage return first", "4.00", "4", 5L, 4.0, true, "2024-01-06",
                "2024-01-06T00:00:00", "2024-12-31T23:59:59Z", null));
        rows.add(row(EMOJI, EMOJI_TEXT, "5.00", "5", 6L, 5.0, false, "2024-01-07",
                "2024-01-07T00:00:00", "2024-02-29T12:00:00Z", EMOJI_TEXT.getBytes(StandardCharsets.UTF_8)));
        rows.add(row(CJK, "東京", "6.00", "6", 7L, 6.0, true, "2024-01-08",
                "2024-01-08T00:00:00", "2024-03-31T02:30:00Z", "東京".getBytes(StandardCharsets.UTF_8)));
        rows.add(row(COMBINING, COMBINING_TEXT, "7.00", "7", 8L, 7.0, false, "2024-01-09",
                "2024-01-09T00:00:00", "2024-08-08T08:08:08Z", null));
        rows.add(row(TAB_INSIDE, "a\tb", "8.00", "8", 9L, 8.0, true, "2024-01-10",
                "2024-01-10T00:00:00", "2024-03-10T02:30:00Z", null));
        rows.add(row(HASH, "#hashtag", "9.00", "9", 10L, 9.0, false, "2024-01-11",
                "2024-01-11T00:00:00", "2024-09-10T10:10:10Z", null));
        rows.add(row(APOSTROPHE, "'already text", "10.00", "10", 11L, 10.0, true, "2024-01-12",
                "2024-01-12T00:00:00", "2024-09-11T11:11:11Z", null));
        rows.add(row(NULL_WORDS, "NULL", "11.00", "11", 12L, 11.0, false, "2024-01-13",
                "2024-01-13T00:00:00", "2024-09-12T12:12:12Z", "\\N".getBytes(StandardCharsets.UTF_8)));
        rows.add(row(MICROS, "\\N", "12.00", "12", 13L, 12.0, true, "2024-01-14",
                "2024-06-15T12:34:56.000001", "2024-06-15T12:34:56.000001Z", null));
        return rows;
    }

    private static Object[] row(long id, String label, String amount, String fine, Long quantity, Double measure,
                                Boolean flag, String day, String localTs, String instant, byte[] payload) {
        return new Object[]{id, label, amount == null ? null : new BigDecimal(amount),
                fine == null ? null : new BigDecimal(fine), quantity, measure, flag,
                day == null ? null : LocalDate.parse(day), localTs == null ? null : LocalDateTime.parse(localTs),
                instant == null ? null : OffsetDateTime.parse(instant), payload};
    }

    private static byte[] sequence(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = (byte) i;
        return b;
    }

    @BeforeAll
    void createAndFillGoldenTable() throws SQLException {
        String table = quote("golden");
        try (Connection c = DriverManager.getConnection(jdbcUrl())) {
            configureSession(c);
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table);
                s.execute(createTableSql());
            }
            String marks = String.join(", ", java.util.Collections.nCopies(COLUMNS.size(), "?"));
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " VALUES (" + marks + ")")) {
                for (Object[] row : goldenRows()) {
                    for (int i = 0; i < row.length; i++) bind(insert, i + 1, row[i], kinds().get(i));
                    insert.executeUpdate();
                }
            }
            if (!c.getAutoCommit()) c.commit();
        }
        databaseRows = selectStraightFromDatabase();
        source = ExportRunner.open(jdbcUrl());
    }

    @AfterAll
    void closeSource() {
        if (source != null) source.close();
    }

    private List<Object[]> selectStraightFromDatabase() throws SQLException {
        List<Kind> kinds = kinds();
        List<Object[]> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl())) {
            configureSession(c);
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT * FROM " + quote("golden") + " ORDER BY " + quote("id"))) {
                assertThat(rs.getMetaData().getColumnCount()).isEqualTo(COLUMNS.size());
                while (rs.next()) {
                    Object[] row = new Object[kinds.size()];
                    for (int i = 0; i < row.length; i++) row[i] = read(rs, i + 1, kinds.get(i));
                    rows.add(row);
                }
            }
        }
        assertThat(rows).hasSize(goldenRows().size());
        return rows;
    }

    private Object read(ResultSet rs, int i, Kind kind) throws SQLException {
        Object value = switch (kind) {
            case INTEGER -> rs.getLong(i);
            case DECIMAL -> rs.getBigDecimal(i);
            case FLOAT -> rs.getDouble(i);
            case BOOLEAN -> rs.getBoolean(i);
            case TEXT -> rs.getString(i);
            case DATE -> rs.getObject(i, LocalDate.class);
            case TIMESTAMP -> readLocalTimestamp(rs, i);
            case INSTANT -> readInstant(rs, i);
            case BINARY -> rs.getBytes(i);
        };
        return rs.wasNull() ? null : value;
    }

    private static int sqlType(Kind kind) {
        return switch (kind) {
            case INTEGER -> Types.BIGINT;
            case DECIMAL -> Types.NUMERIC;
            case FLOAT -> Types.DOUBLE;
            case BOOLEAN -> Types.BOOLEAN;
            case TEXT -> Types.VARCHAR;
            case DATE -> Types.DATE;
            case TIMESTAMP -> Types.TIMESTAMP;
            case INSTANT -> Types.TIMESTAMP_WITH_TIMEZONE;
            case BINARY -> Types.VARBINARY;
        };
    }

    // ---------------------------------------------------------------------------------------------- round trips

    static Stream<Arguments> formatsWithAndWithoutGzip() {
        return Stream.of("csv", "tsv", "json", "ndjson")
                .flatMap(f -> Stream.of(Arguments.of(f, false), Arguments.of(f, true)));
    }

    @ParameterizedTest(name = "{0}, compress={1}")
    @MethodSource("formatsWithAndWithoutGzip")
    void roundTripEqualsDatabaseRows(String format, boolean compress) {
        ExportRunner.Output out = export(format, Map.of(), compress);

        assertThat(out.result().rows()).isEqualTo(databaseRows.size());
        assertMatchesDatabase(format, content(out, compress), true, ZoneOffset.UTC);
    }

    static Stream<Arguments> formatsInOtherZones() {
        return Stream.of("csv", "tsv", "json", "ndjson")
                .flatMap(f -> Stream.of(Arguments.of(f, "Europe/Paris"), Arguments.of(f, "America/New_York")));
    }

    @ParameterizedTest(name = "{0}, time_zone={1}")
    @MethodSource("formatsInOtherZones")
    void roundTripInAnotherTimeZoneEqualsDatabaseRows(String format, String zone) {
        ExportRunner.Output out = export(format, Map.of("time_zone", zone), false);

        assertMatchesDatabase(format, out.bytes(), true, ZoneId.of(zone));
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "tsv"})
    void roundTripWithoutFormulaNeutralisationEqualsDatabaseRows(String format) {
        ExportRunner.Output out = export(format, Map.of("sanitize_formulas", false), false);

        assertMatchesDatabase(format, out.bytes(), false, ZoneOffset.UTC);
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "tsv", "json", "ndjson"})
    void compressedExportGunzipsToTheUncompressedBytes(String format) {
        byte[] plain = export(format, Map.of(), false).bytes();
        ExportRunner.Output gz = export(format, Map.of(), true);

        assertThat(gz.bytes()).startsWith((byte) 0x1f, (byte) 0x8b);
        assertThat(gunzip(gz.bytes())).isEqualTo(plain);
        assertThat(gz.result().bytes()).isEqualTo(gz.bytes().length);
    }

    // ---------------------------------------------------------------------------------------------- NULL and ""

    @Test
    void nullIsAnEmptyUnquotedFieldAndEmptyTextIsQuotedInCsv() {
        String csv = export("csv", Map.of(), false).text();

        // Row 7: empty label and empty binary are "" and everything else is NULL; row 8 is NULL throughout.
        assertThat(csv).contains("\r\n7,\"\",,,,,,,,,\"\"\r\n8,,,,,,,,,,\r\n");
        assertThat(csvCell(csv, ',', EMPTY, "label")).isEmpty();
        assertThat(csvCell(csv, ',', ALL_NULL, "label")).isNull();
    }

    @Test
    void nullIsAnEmptyUnquotedFieldAndEmptyTextIsQuotedInTsv() {
        String tsv = export("tsv", Map.of(), false).text();

        assertThat(tsv).contains("\r\n7\t\"\"\t\t\t\t\t\t\t\t\t\"\"\r\n8\t\t\t\t\t\t\t\t\t\t\r\n");
    }

    @Test
    void nullIsJsonNullAndEmptyTextIsAnEmptyString() {
        ExportRunner.Output json = export("json", Map.of(), false);
        JsonNode empty = jsonRow(json, EMPTY);
        JsonNode allNull = jsonRow(json, ALL_NULL);

        assertThat(empty.get("label").isTextual()).isTrue();
        assertThat(empty.get("label").textValue()).isEmpty();
        assertThat(empty.get("payload").textValue()).isEmpty();
        assertThat(empty.get("amount").isNull()).isTrue();
        for (String column : COLUMNS.subList(1, COLUMNS.size())) {
            assertThat(allNull.has(column)).as(column).isTrue();
            assertThat(allNull.get(column).isNull()).as(column).isTrue();
        }
    }

    @Test
    void textThatSpellsNullStaysText() {
        String csv = export("csv", Map.of(), false).text();

        assertThat(csvCell(csv, ',', NULL_WORDS, "label")).isEqualTo("NULL");
        assertThat(csvCell(csv, ',', MICROS, "label")).isEqualTo("\\N");
    }

    // ---------------------------------------------------------------------------------------------- numbers

    @Test
    void decimalKeepsItsScale() {
        assumeTrue(storesExactDecimals(), "this database does not store decimal scale");
        String csv = export("csv", Map.of(), false).text();
        ExportRunner.Output json = export("json", Map.of(), false);

        assertThat(csv).contains("\r\n1,plain,12345678.90,0.1000000000,");
        assertThat(csvCell(csv, ',', COMMA, "amount")).isEqualTo("0.10");
        assertThat(csvCell(csv, ',', CRLF, "amount")).isEqualTo("0.00");
        assertThat(json.text()).contains("\"amount\":12345678.90,\"fine\":0.1000000000,");
        assertThat(jsonRow(json, PLAIN).get("amount").decimalValue()).isEqualTo(new BigDecimal("12345678.90"));
    }

    @Test
    void decimalsAreExactDigitForDigit() {
        assumeTrue(storesExactDecimals(), "this database does not store exact decimals");
        String csv = export("csv", Map.of(), false).text();
        ExportRunner.Output json = export("json", Map.of(), false);

        assertThat(csvCell(csv, ',', COMMA, "fine")).isEqualTo("1234567890.0123456789");
        assertThat(csvCell(csv, ',', QUOTES, "amount")).isEqualTo("-0.01");
        assertThat(csvCell(csv, ',', QUOTES, "fine")).isEqualTo("-0.0000000001");
        assertThat(csvCell(csv, ',', PADDED, "amount")).isEqualTo("9999999999.99");
        assertThat(jsonRow(json, COMMA).get("fine").decimalValue()).isEqualTo(new BigDecimal("1234567890.0123456789"));
        assertThat(json.text()).contains("\"fine\":-0.0000000001,");
    }

    @Test
    void negativeNumbersAreNeverNeutralised() {
        String csv = export("csv", Map.of(), false).text();

        assertThat(csvCell(csv, ',', MINUS, "amount")).isEqualTo("-5.25");
        assertThat(csvCell(csv, ',', MINUS, "quantity")).isEqualTo("-5");
        assertThat(csvCell(csv, ',', MINUS, "measure")).isEqualTo("-5.25");
        assertThat(csvCell(csv, ',', COMMA, "quantity")).isEqualTo("-9223372036854775808");
        // The same characters in a text column are a formula to a spreadsheet.
        assertThat(csvCell(csv, ',', MINUS, "label")).isEqualTo("'-5.25");
    }

    @Test
    void largestBigintSurvivesInCsvAndJson() {
        String csv = export("csv", Map.of(), false).text();
        ExportRunner.Output json = export("json", Map.of(), false);

        assertThat(csvCell(csv, ',', PLAIN, "quantity")).isEqualTo("9223372036854775807");
        assertThat(json.text()).contains("\"quantity\":9223372036854775807,");
        JsonNode quantity = jsonRow(json, PLAIN).get("quantity");
        assertThat(quantity.isIntegralNumber()).isTrue();
        assertThat(quantity.longValue()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void floatsAreWrittenAsShortestPlainText() {
        // Not PostgreSQL's COPY fast path, whose float notation is documented to differ.
        String csv = ExportRunner.exportThroughCursor(source, request("csv", Map.of(), false)).text();
        ExportRunner.Output json = export("json", Map.of(), false);

        assertThat(csvCell(csv, ',', PLAIN, "measure")).isEqualTo("0.1");
        assertThat(csvCell(csv, ',', COMMA, "measure")).isEqualTo("-2.5");
        assertThat(csvCell(csv, ',', QUOTES, "measure")).isEqualTo("0.00001");
        assertThat(csvCell(csv, ',', CRLF, "measure")).isEqualTo("100000000000000000000");
        assertThat(csvCell(csv, ',', PADDED, "measure")).isEqualTo("0");
        assertThat(csvCell(csv, ',', AT, "measure")).isEqualTo("2");
        assertThat(json.text()).contains("\"measure\":0.1,").contains("\"measure\":0.00001,");
    }

    // ---------------------------------------------------------------------------------------------- text

    @Test
    void formulaLikeTextIsPrefixedWithAnApostrophe() {
        String csv = export("csv", Map.of(), false).text();

        assertThat(csvCell(csv, ',', EQUALS, "label")).isEqualTo("'=SUM(A1:A2)");
        assertThat(csvCell(csv, ',', PLUS, "label")).isEqualTo("'+1 555 0100");
        assertThat(csvCell(csv, ',', MINUS, "label")).isEqualTo("'-5.25");
        assertThat(csvCell(csv, ',', AT, "label")).isEqualTo("'@handle");
        assertThat(csvCell(csv, ',', TAB, "label")).isEqualTo("'\tindented");
        assertThat(csvCell(csv, ',', CR, "label")).isEqualTo("'\rcarriage return first");
        assertThat(csvCell(csv, ',', APOSTROPHE, "label")).isEqualTo("'already text");
        assertThat(csvCell(csv, ',', HASH, "label")).isEqualTo("#hashtag");
    }

    @Test
    void formulaNeutralisationCanBeTurnedOff() {
        String csv = export("csv", Map.of("sanitize_formulas", false), false).text();

        assertThat(csvCell(csv, ',', EQUALS, "label")).isEqualTo("=SUM(A1:A2)");
        assertThat(csvCell(csv, ',', MINUS, "label")).isEqualTo("-5.25");
        assertThat(csvCell(csv, ',', TAB, "label")).isEqualTo("\tindented");
    }

    @Test
    void jsonIsNeverNeutralised() {
        JsonNode row = jsonRow(export("json", Map.of(), false), EQUALS);

        assertThat(row.get("label").textValue()).isEqualTo("=SUM(A1:A2)");
    }

    @Test
    void delimitersQuotesAndLineBreaksAreQuotedAndPreserved() {
        String csv = export("csv", Map.of(), false).text();
        String tsv = export("tsv", Map.of(), false).text();

        assertThat(csv).contains("\r\n2,\"comma, inside\",")
                .contains("\r\n3,\"say \"\"hello\"\" and \"\"\"\"\",")
                .contains("\r\n4,\"line1\r\nline2\",")
                .contains("\r\n5,\"line1\nline2\",")
                .contains("\r\n6,  padded  ,");
        assertThat(tsv).contains("\r\n18\t\"a\tb\"\t").contains("\r\n2\tcomma, inside\t");
        assertThat(csvCell(csv, ',', LONE_LF, "label")).isEqualTo("line1\nline2");
        assertThat(csvCell(csv, ',', CRLF, "label")).isEqualTo("line1\r\nline2");
        assertThat(csvCell(csv, ',', PADDED, "label")).isEqualTo("  padded  ");
    }

    @Test
    void emojiCjkAndCombiningCharactersSurviveByteForByte() {
        ExportRunner.Output csv = export("csv", Map.of(), false);
        ExportRunner.Output json = export("json", Map.of(), false);

        assertThat(csvCell(csv.text(), ',', EMOJI, "label")).isEqualTo(EMOJI_TEXT);
        assertThat(csvCell(csv.text(), ',', CJK, "label")).isEqualTo("東京");
        // Not normalised to NFC: the combining acute accent stays a separate code point.
        assertThat(csvCell(csv.text(), ',', COMBINING, "label")).isEqualTo(COMBINING_TEXT).hasSize(13);
        assertThat(indexOf(csv.bytes(), EMOJI_TEXT.getBytes(StandardCharsets.UTF_8))).isPositive();
        assertThat(jsonRow(json, EMOJI).get("label").textValue()).isEqualTo(EMOJI_TEXT);
        assertThat(jsonRow(json, CJK).get("label").textValue()).isEqualTo("東京");
        assertThat(jsonRow(json, COMBINING).get("label").textValue()).isEqualTo(COMBINING_TEXT);
    }

    // ---------------------------------------------------------------------------------------------- time

    @Test
    void instantsDefaultToUtcWithAnExplicitOffset() {
        assumeTrue(storesInstants(), "this database stores timestamps as text");
        String csv = export("csv", Map.of(), false).text();

        assertThat(csvCell(csv, ',', PLAIN, "instant")).isEqualTo("2024-03-31T00:59:59+00:00");
        assertThat(csvCell(csv, ',', MINUS, "instant")).isEqualTo("2024-06-15T12:34:56.789+00:00");
        assertThat(csvCell(csv, ',', MICROS, "instant")).isEqualTo("2024-06-15T12:34:56.000001+00:00");
        assertThat(jsonRow(export("json", Map.of(), false), PLAIN).get("instant").textValue())
                .isEqualTo("2024-03-31T00:59:59+00:00");
    }

    @Test
    void instantsAcrossTheEuropeanDstChangesCarryParisOffsets() {
        assumeTrue(storesInstants(), "this database stores timestamps as text");
        String csv = export("csv", Map.of("time_zone", "Europe/Paris"), false).text();
        JsonNode json = jsonRow(export("json", Map.of("time_zone", "Europe/Paris"), false), COMMA);

        assertThat(csvCell(csv, ',', PLAIN, "instant")).isEqualTo("2024-03-31T01:59:59+01:00");
        assertThat(csvCell(csv, ',', COMMA, "instant")).isEqualTo("2024-03-31T03:00:00+02:00");
        assertThat(csvCell(csv, ',', EQUALS, "instant")).isEqualTo("2024-10-27T02:59:59+02:00");
        assertThat(csvCell(csv, ',', PLUS, "instant")).isEqualTo("2024-10-27T02:00:00+01:00");
        assertThat(csvCell(csv, ',', MINUS, "instant")).isEqualTo("2024-06-15T14:34:56.789+02:00");
        assertThat(json.get("instant").textValue()).isEqualTo("2024-03-31T03:00:00+02:00");
    }

    @Test
    void instantsAcrossTheUsDstChangesCarryNewYorkOffsets() {
        assumeTrue(storesInstants(), "this database stores timestamps as text");
        String csv = export("csv", Map.of("time_zone", "America/New_York"), false).text();

        assertThat(csvCell(csv, ',', LONE_LF, "instant")).isEqualTo("2024-03-10T01:59:59-05:00");
        assertThat(csvCell(csv, ',', PADDED, "instant")).isEqualTo("2024-03-10T03:00:00-04:00");
        // Fall back: the same wall-clock hour twice, told apart only by the offset.
        assertThat(csvCell(csv, ',', QUOTES, "instant")).isEqualTo("2024-11-03T01:59:59-04:00");
        assertThat(csvCell(csv, ',', CRLF, "instant")).isEqualTo("2024-11-03T01:00:00-05:00");
        assertThat(csvCell(csv, ',', AT, "instant")).isEqualTo("2023-12-31T19:00:00-05:00");
    }

    @Test
    void localTimestampsIgnoreTheExportTimeZone() {
        assumeTrue(storesInstants(), "this database stores timestamps as text");
        String utc = export("csv", Map.of(), false).text();
        String paris = export("csv", Map.of("time_zone", "Europe/Paris"), false).text();

        // 02:30 on 2024-03-31 never happened in Paris; a local timestamp is not an instant and stays as stored.
        assertThat(csvCell(paris, ',', PLAIN, "local_ts")).isEqualTo("2024-03-31T02:30:00");
        assertThat(csvCell(paris, ',', CRLF, "local_ts")).isEqualTo("2024-01-01T00:00:00");
        assertThat(csvCell(paris, ',', QUOTES, "local_ts")).isEqualTo("2024-06-15T12:34:56.789");
        assertThat(csvCell(paris, ',', EQUALS, "local_ts")).isEqualTo("2024-01-01T00:00:00.5");
        assertThat(csvCell(paris, ',', MICROS, "local_ts")).isEqualTo("2024-06-15T12:34:56.000001");
        for (long id = PLAIN; id <= MICROS; id++) {
            assertThat(csvCell(paris, ',', id, "local_ts")).isEqualTo(csvCell(utc, ',', id, "local_ts"));
            assertThat(csvCell(paris, ',', id, "day")).isEqualTo(csvCell(utc, ',', id, "day"));
        }
    }

    /**
     * Freight runs in whatever zone its host has. Rows 1 and 6 hold local times inside the DST gaps of Paris and
     * New York (02:30 on 2024-03-31 and 2024-03-10), rows 16 and 18 instants whose UTC wall-clock time falls there:
     * a driver that goes through the JVM's zone moves them by an hour.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Europe/Paris", "America/New_York"})
    void exportDoesNotDependOnTheJvmDefaultTimeZone(String jvmZone) {
        byte[] csvUtc = withJvmTimeZone("UTC", () -> export("csv", Map.of(), false).bytes());
        byte[] jsonUtc = withJvmTimeZone("UTC", () -> export("json", Map.of(), false).bytes());
        byte[] csv = withJvmTimeZone(jvmZone, () -> export("csv", Map.of(), false).bytes());
        byte[] json = withJvmTimeZone(jvmZone, () -> export("json", Map.of(), false).bytes());

        assertThat(new String(csv, StandardCharsets.UTF_8)).isEqualTo(new String(csvUtc, StandardCharsets.UTF_8));
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(new String(jsonUtc, StandardCharsets.UTF_8));
        assertMatchesDatabase("csv", csv, true, ZoneOffset.UTC);
        assertMatchesDatabase("json", json, true, ZoneOffset.UTC);
        if (storesInstants()) {
            String text = new String(csv, StandardCharsets.UTF_8);
            assertThat(csvCell(text, ',', PLAIN, "local_ts")).isEqualTo("2024-03-31T02:30:00");
            assertThat(csvCell(text, ',', PADDED, "local_ts")).isEqualTo("2024-03-10T02:30:00");
            assertThat(csvCell(text, ',', CJK, "instant")).isEqualTo("2024-03-31T02:30:00+00:00");
            assertThat(csvCell(text, ',', TAB_INSIDE, "instant")).isEqualTo("2024-03-10T02:30:00+00:00");
        }
    }

    private static <T> T withJvmTimeZone(String zone, java.util.function.Supplier<T> action) {
        java.util.TimeZone saved = java.util.TimeZone.getDefault();
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone(zone));
        try {
            return action.get();
        } finally {
            java.util.TimeZone.setDefault(saved);
        }
    }

    @Test
    void datesAreIsoDates() {
        String csv = export("csv", Map.of(), false).text();

        assertThat(csvCell(csv, ',', PLAIN, "day")).isEqualTo("2024-03-31");
        assertThat(csvCell(csv, ',', COMMA, "day")).isEqualTo("2024-02-29");
        assertThat(jsonRow(export("json", Map.of(), false), QUOTES).get("day").textValue()).isEqualTo("1999-12-31");
    }

    // ---------------------------------------------------------------------------------------------- booleans, binary

    @Test
    void booleansAreTrueFalseOrNull() {
        String csv = export("csv", Map.of(), false).text();
        ExportRunner.Output json = export("json", Map.of(), false);

        assertThat(csvCell(csv, ',', PLAIN, "flag")).isEqualTo("true");
        assertThat(csvCell(csv, ',', COMMA, "flag")).isEqualTo("false");
        assertThat(csvCell(csv, ',', QUOTES, "flag")).isNull();
        assertThat(json.text()).contains("\"flag\":true,").contains("\"flag\":false,").contains("\"flag\":null,");
        assertThat(jsonRow(json, PLAIN).get("flag").isBoolean()).isTrue();
        assertThat(jsonRow(json, COMMA).get("flag").booleanValue()).isFalse();
    }

    @Test
    void binaryIsBase64IncludingZeroBytes() {
        String csv = export("csv", Map.of(), false).text();
        JsonNode json = jsonRow(export("json", Map.of(), false), PLAIN);

        assertThat(csvCell(csv, ',', PLAIN, "payload")).isEqualTo("AAECAP8=");
        assertThat(csvCell(csv, ',', COMMA, "payload")).isEqualTo("aGVsbG8=");
        // 100 bytes are 136 base64 characters: one line, whatever line length the database's encoder prefers.
        assertThat(csvCell(csv, ',', QUOTES, "payload")).hasSize(136).doesNotContain("\n", "\r")
                .isEqualTo(Base64.getEncoder().encodeToString(sequence(100)));
        assertThat(csvCell(csv, ',', EMPTY, "payload")).isEmpty();
        assertThat(csvCell(csv, ',', AT, "payload")).isNull();
        assertThat(json.get("payload").textValue()).isEqualTo("AAECAP8=");
        assertThat(Base64.getDecoder().decode(json.get("payload").textValue())).isEqualTo(ZERO_BYTES);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    protected ExportRunner.Output export(String format, Map<String, Object> options, boolean compress) {
        return ExportRunner.export(source, request(format, options, compress));
    }

    /**
     * Format, sanitize_formulas, line_ending, header, bom and time_zone in every combination: what a fast CSV path
     * must write as the generic writer does.
     */
    protected static Stream<Arguments> csvOptions(String... zones) {
        List<Arguments> all = new ArrayList<>();
        for (String format : List.of("csv", "tsv")) {
            for (boolean sanitize : List.of(true, false)) {
                for (String lineEnding : List.of("crlf", "lf")) {
                    for (boolean header : List.of(true, false)) {
                        for (boolean bom : List.of(false, true)) {
                            for (String zone : zones) all.add(Arguments.of(format, sanitize, lineEnding, header, bom, zone));
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    protected static ExportRequest request(String format, Map<String, Object> options, boolean compress) {
        return ExportRequest.of("golden", format)
                .withSort(List.of(new SortKey("id", "asc")))
                .withOptions(options)
                .withCompress(compress);
    }

    protected static byte[] content(ExportRunner.Output out, boolean compressed) {
        return compressed ? gunzip(out.bytes()) : out.bytes();
    }

    protected static byte[] gunzip(byte[] bytes) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected void assertMatchesDatabase(String format, byte[] bytes, boolean sanitize, ZoneId zone) {
        switch (format) {
            case "csv" -> assertCsvMatchesDatabase(parseCsv(bytes, ','), sanitize, zone);
            case "tsv" -> assertCsvMatchesDatabase(parseCsv(bytes, '\t'), sanitize, zone);
            case "json" -> assertJsonMatchesDatabase(parseJsonArray(bytes), zone);
            case "ndjson" -> assertJsonMatchesDatabase(parseNdjson(bytes), zone);
            default -> throw new IllegalArgumentException(format);
        }
    }

    private void assertCsvMatchesDatabase(List<List<String>> records, boolean sanitize, ZoneId zone) {
        List<Kind> kinds = kinds();
        assertThat(records.get(0)).as("header").containsExactlyElementsOf(COLUMNS);
        assertThat(records).hasSize(databaseRows.size() + 1);
        for (int r = 0; r < databaseRows.size(); r++) {
            Object[] expected = databaseRows.get(r);
            List<String> actual = records.get(r + 1);
            assertThat(actual).as("fields of row id=%s", expected[0]).hasSize(COLUMNS.size());
            for (int c = 0; c < COLUMNS.size(); c++) {
                String where = "row id=" + expected[0] + ", column " + COLUMNS.get(c);
                Object value = expected[c];
                if (value == null) {
                    assertThat(actual.get(c)).as(where + " (NULL: empty and unquoted)").isNull();
                    continue;
                }
                if (kinds.get(c) == Kind.FLOAT) {
                    // By value: PostgreSQL's COPY fast path writes its own shortest notation (1e-05), which reads
                    // back as the same double; floatsAreWrittenAsShortestPlainText pins the generic path's text.
                    assertThat(Double.parseDouble(actual.get(c))).as(where).isEqualTo((Double) value);
                    continue;
                }
                String text = canonicalText(kinds.get(c), value, zone);
                if (sanitize && kinds.get(c) == Kind.TEXT) text = neutralised(text);
                assertThat(actual.get(c)).as(where).isEqualTo(text);
            }
        }
    }

    private void assertJsonMatchesDatabase(List<JsonNode> objects, ZoneId zone) {
        List<Kind> kinds = kinds();
        assertThat(objects).hasSize(databaseRows.size());
        for (int r = 0; r < databaseRows.size(); r++) {
            Object[] expected = databaseRows.get(r);
            JsonNode actual = objects.get(r);
            List<String> names = new ArrayList<>();
            actual.fieldNames().forEachRemaining(names::add);
            assertThat(names).as("keys of row id=%s", expected[0]).containsExactlyElementsOf(COLUMNS);
            for (int c = 0; c < COLUMNS.size(); c++) {
                String where = "row id=" + expected[0] + ", column " + COLUMNS.get(c);
                JsonNode node = actual.get(COLUMNS.get(c));
                Object value = expected[c];
                if (value == null) {
                    assertThat(node.isNull()).as(where + " is null, got " + node).isTrue();
                    continue;
                }
                switch (kinds.get(c)) {
                    case INTEGER -> {
                        assertThat(node.isIntegralNumber()).as(where + " is an integer, got " + node).isTrue();
                        assertThat(node.bigIntegerValue()).as(where).isEqualTo(BigInteger.valueOf((Long) value));
                    }
                    case DECIMAL -> {
                        assertThat(node.isNumber()).as(where + " is a number, got " + node).isTrue();
                        // equals, not compareTo: the scale (12345678.90) is part of the value.
                        assertThat(node.decimalValue()).as(where).isEqualTo(value);
                    }
                    case FLOAT -> {
                        assertThat(node.isNumber()).as(where + " is a number, got " + node).isTrue();
                        assertThat(node.doubleValue()).as(where).isEqualTo((Double) value);
                    }
                    case BOOLEAN -> {
                        assertThat(node.isBoolean()).as(where + " is a boolean, got " + node).isTrue();
                        assertThat(node.booleanValue()).as(where).isEqualTo(value);
                    }
                    default -> {
                        assertThat(node.isTextual()).as(where + " is a string, got " + node).isTrue();
                        assertThat(node.textValue()).as(where).isEqualTo(canonicalText(kinds.get(c), value, zone));
                    }
                }
            }
        }
    }

    /**
     * The documented text of a database value (DESIGN.md §5), written out here independently of Freight's CellText:
     * plain decimals with their scale, ISO-8601 with seconds always and fraction digits only as needed, instants
     * with a {@code +HH:MM} offset in the export zone, booleans as words, binary as base64.
     */
    static String canonicalText(Kind kind, Object value, ZoneId zone) {
        return switch (kind) {
            case INTEGER, TEXT -> value.toString();
            case DECIMAL -> ((BigDecimal) value).toPlainString();
            case FLOAT -> throw new IllegalArgumentException("floats are compared as doubles, not as text");
            case BOOLEAN -> (Boolean) value ? "true" : "false";
            case DATE -> value.toString();
            case TIMESTAMP -> isoLocal((LocalDateTime) value);
            case INSTANT -> {
                java.time.ZonedDateTime zoned = ((Instant) value).atZone(zone);
                int seconds = zoned.getOffset().getTotalSeconds();
                String offset = String.format("%s%02d:%02d", seconds < 0 ? "-" : "+", Math.abs(seconds) / 3600,
                        Math.abs(seconds) / 60 % 60);
                yield isoLocal(zoned.toLocalDateTime()) + offset;
            }
            case BINARY -> Base64.getEncoder().encodeToString((byte[]) value);
        };
    }

    private static String isoLocal(LocalDateTime t) {
        String text = String.format("%sT%02d:%02d:%02d", t.toLocalDate(), t.getHour(), t.getMinute(), t.getSecond());
        if (t.getNano() == 0) return text;
        String fraction = String.format("%09d", t.getNano()).replaceAll("0+$", "");
        return text + "." + fraction;
    }

    /**
     * OWASP's tab or CR first, or = + - @ (or their full-width forms) as the first character that is not blank
     * (Unicode White_Space, zero-width space, BOM): a formula to some spreadsheet.
     */
    static String neutralised(String text) {
        boolean formula = text.matches("(?s)[\t\r].*|[\\s\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]*"
                + "[=+\\-@\uff1d\uff0b\uff0d\uff20].*");
        return formula ? "'" + text : text;
    }

    /** The cell of one row and column as FastCSV reads it; null for NULL (an empty, unquoted field). */
    protected static String csvCell(String text, char separator, long id, String column) {
        List<List<String>> records = parseCsv(text.getBytes(StandardCharsets.UTF_8), separator);
        int index = records.get(0).indexOf(column);
        assertThat(index).as("column %s in header %s", column, records.get(0)).isNotNegative();
        return records.stream().skip(1).filter(r -> r.get(0).equals(Long.toString(id))).findFirst()
                .orElseThrow(() -> new AssertionError("no row id=" + id)).get(index);
    }

    /** Records as FastCSV's reader parses them, with an empty unquoted field (NULL) as null and "" as "". */
    protected static List<List<String>> parseCsv(byte[] bytes, char separator) {
        List<List<String>> records = new ArrayList<>();
        try (CsvReader<List<String>> reader = CsvReader.builder().fieldSeparator(separator).detectBomHeader(true)
                .build(new NullAwareRecords(), new ByteArrayInputStream(bytes), StandardCharsets.UTF_8)) {
            reader.forEach(records::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }

    private static final class NullAwareRecords extends AbstractBaseCsvCallbackHandler<List<String>> {
        private List<String> fields = new ArrayList<>();

        @Override
        protected void handleBegin(long startingLineNumber) {
            fields = new ArrayList<>();
        }

        @Override
        protected void handleField(int fieldIdx, char[] buf, int offset, int len, boolean quoted) {
            fields.add(len == 0 && !quoted ? null : new String(buf, offset, len));
        }

        @Override
        protected List<String> buildRecord() {
            return fields;
        }
    }

    protected static List<JsonNode> parseJsonArray(byte[] bytes) {
        try {
            JsonNode root = JSON.readTree(bytes);
            assertThat(root.isArray()).as("a JSON array").isTrue();
            List<JsonNode> objects = new ArrayList<>();
            root.forEach(objects::add);
            return objects;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected static List<JsonNode> parseNdjson(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        List<JsonNode> objects = new ArrayList<>();
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            try {
                JsonNode node = JSON.readTree(line);
                assertThat(node.isObject()).as("one object per line: %s", line).isTrue();
                objects.add(node);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return objects;
    }

    protected static JsonNode jsonRow(ExportRunner.Output out, long id) {
        return parseJsonArray(out.bytes()).stream().filter(n -> n.get("id").longValue() == id).findFirst()
                .orElseThrow(() -> new AssertionError("no row id=" + id));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        return IntStream.rangeClosed(0, haystack.length - needle.length)
                .filter(i -> java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length))
                .findFirst().orElse(-1);
    }
}
