package dev.freight.cli;

import dev.freight.export.Sinks;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.freight.error.InvalidRequestException;
import dev.freight.source.DemoData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code freight export} against the embedded demo (100,000 orders), run in-process through {@link Main#run}: what
 * lands in the file, what is said on stderr, and the exit code. The demo database is built once for the class.
 */
class ExportCommandTest {
    @TempDir
    static Path dataDir;

    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static List<Object[]> demoRows;

    /** The demo's rows computed in Java: each is a pure function of its id. */
    private static synchronized List<Object[]> demo() {
        if (demoRows == null) {
            demoRows = LongStream.rangeClosed(1, DemoData.DEFAULT_ORDER_ROWS).mapToObj(DemoData::order).toList();
        }
        return demoRows;
    }

    private static List<Long> demoIds(Predicate<Object[]> p) {
        return demo().stream().filter(p).map(r -> (Long) r[0]).toList();
    }

    private Cli.Run export(String... args) {
        List<String> all = new ArrayList<>(List.of("export", "--demo", "--data-dir", dataDir.toString()));
        all.addAll(Arrays.asList(args));
        return Cli.freight(all.toArray(String[]::new));
    }

    private static List<List<String>> csv(String text, char delimiter) {
        List<List<String>> rows = new ArrayList<>();
        try (CsvReader<CsvRecord> reader = CsvReader.builder().fieldSeparator(delimiter).ofCsvRecord(text)) {
            for (CsvRecord r : reader) rows.add(r.getFields());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private static List<JsonNode> ndjson(Path file) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) rows.add(JSON.readTree(line));
        return rows;
    }

    private static void assertOneSummaryLine(Cli.Run run, long rows, Path file) {
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.lines()).as(run.toString()).singleElement().asString()
                .matches("Exported " + String.format(java.util.Locale.ROOT, "%,d", rows).replace(",", "\\,")
                        + " rows \\([0-9.]+ (B|KiB|MiB)\\) to " + java.util.regex.Pattern.quote(file.toString())
                        + " in [0-9.]+ s, [0-9,]+ rows/s");
    }

    private void assertNoPartFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
        }
    }

    // ---- success -----------------------------------------------------------------------------------------------

    @Test
    void exportWritesTheWholeTableAndOneSummaryLine() throws IOException {
        Path out = dir.resolve("orders.csv");
        Cli.Run run = export("--table", "orders", "-o", out.toString());
        assertOneSummaryLine(run, 100_000, out);
        List<List<String>> rows = csv(Files.readString(out), ',');
        assertThat(rows.get(0)).containsExactly("id", "customer_id", "sku", "description", "quantity", "unit_price",
                "discount", "status", "created_at", "shipped");
        assertThat(rows).hasSize(100_001);
        assertThat(rows.get(1).get(0)).isEqualTo("1");
        assertThat(rows.get(100_000).get(0)).isEqualTo("100000");
        assertNoPartFiles();
    }

    @Test
    void sourceDemoIsTheSameAsTheDemoFlag() throws IOException {
        Path out = dir.resolve("c.csv");
        Cli.Run run = Cli.freight("export", "--source", "demo", "--data-dir", dataDir.toString(), "--table", "customers",
                "-o", out.toString());
        assertOneSummaryLine(run, DemoData.CUSTOMER_ROWS, out);
        assertThat(csv(Files.readString(out), ',')).hasSize(DemoData.CUSTOMER_ROWS + 1);
    }

    @Test
    void successfulExportReplacesAnExistingFile() throws IOException {
        Path out = dir.resolve("o.csv");
        Files.writeString(out, "old content that is longer than the new export would ever be, surely".repeat(100));
        assertThat(export("--table", "orders", "--limit", "2", "--columns", "id", "-o", out.toString()).exit()).isZero();
        assertThat(Files.readString(out)).isEqualTo("id\r\n1\r\n2\r\n");
    }

    @Test
    void gzipOutputGunzipsToTheSameBytesAsThePlainExport() throws IOException {
        Path plain = dir.resolve("o.csv");
        Path gz = dir.resolve("o.csv.gz");
        assertThat(export("--table", "orders", "--limit", "3000", "-o", plain.toString()).exit()).isZero();
        Cli.Run run = export("--table", "orders", "--limit", "3000", "--gzip", "-o", gz.toString());
        assertOneSummaryLine(run, 3000, gz);
        byte[] compressed = Files.readAllBytes(gz);
        assertThat(compressed).startsWith(0x1f, 0x8b);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(plain));
        }
        assertThat(compressed.length).isLessThan((int) Files.size(plain) / 2);
    }

    @Test
    void ndjsonWritesOneObjectPerLine() throws IOException {
        Path out = dir.resolve("o.ndjson");
        assertOneSummaryLine(export("--table", "orders", "--limit", "100", "--format", "ndjson", "-o", out.toString()), 100, out);
        List<JsonNode> rows = ndjson(out);
        assertThat(rows).hasSize(100).allSatisfy(r -> assertThat(r.isObject()).isTrue());
        assertThat(rows.get(0).get("unit_price").decimalValue()).isEqualByComparingTo((BigDecimal) demo().get(0)[5]);
        assertThat(rows.get(0).get("shipped").isBoolean()).isTrue();
    }

    @Test
    void jsonWritesOneArrayOfObjects() throws IOException {
        Path out = dir.resolve("o.json");
        assertThat(export("--table", "orders", "--limit", "100", "-f", "json", "-o", out.toString()).exit()).isZero();
        JsonNode array = JSON.readTree(out.toFile());
        assertThat(array.isArray()).isTrue();
        assertThat(array.size()).isEqualTo(100);
        assertThat(array.get(99).get("id").asLong()).isEqualTo(100);
    }

    @Test
    void tsvSeparatesFieldsWithTabs() throws IOException {
        Path out = dir.resolve("o.tsv");
        assertThat(export("--table", "orders", "--limit", "20", "--format", "tsv", "--columns", "id,sku,status",
                "-o", out.toString()).exit()).isZero();
        List<List<String>> rows = csv(Files.readString(out), '\t');
        assertThat(rows.get(0)).containsExactly("id", "sku", "status");
        assertThat(rows).hasSize(21);
        assertThat(rows.get(1)).containsExactly("1", (String) demo().get(0)[2], (String) demo().get(0)[7]);
    }

    @Test
    void whereSortLimitAndColumnsSelectTheReferenceRowsInOrder() throws IOException {
        Path out = dir.resolve("o.ndjson");
        Cli.Run run = export("--table", "orders", "--where", "status in paid,shipped", "--where", "quantity gte 10",
                "--sort", "created_at:desc", "--limit", "50", "--columns", "status,id,quantity", "--format", "ndjson",
                "-o", out.toString());
        assertOneSummaryLine(run, 50, out);
        // created_at grows with id in the demo, so newest first is highest id first.
        List<Long> want = new ArrayList<>(demoIds(r -> (r[7].equals("paid") || r[7].equals("shipped")) && (Integer) r[4] >= 10));
        java.util.Collections.reverse(want);
        List<JsonNode> rows = ndjson(out);
        assertThat(rows).extracting(r -> r.get("id").asLong()).containsExactlyElementsOf(want.subList(0, 50));
        assertThat(rows.get(0).fieldNames()).toIterable().containsExactly("status", "id", "quantity");
    }

    @Test
    void whereValueMayBeQuotedAndContainSpacesAndCommas() throws IOException {
        Path out = dir.resolve("o.ndjson");
        assertThat(export("--table", "orders", "--where", "description eq 'Widget, large, blue'", "--columns", "id",
                "--format", "ndjson", "-o", out.toString()).exit()).isZero();
        assertThat(ndjson(out)).extracting(r -> r.get("id").asLong())
                .containsExactlyElementsOf(demoIds(r -> "Widget, large, blue".equals(r[3])));
    }

    @Test
    void whereWithoutAValueTestsForNull() throws IOException {
        Path out = dir.resolve("o.ndjson");
        assertThat(export("--table", "orders", "--where", "discount is_null", "--where", "id lte 1000", "--columns", "id",
                "--format", "ndjson", "-o", out.toString()).exit()).isZero();
        assertThat(ndjson(out)).extracting(r -> r.get("id").asLong())
                .containsExactlyElementsOf(demoIds(r -> r[6] == null && (Long) r[0] <= 1000));
    }

    @Test
    void idsAndDateRangeSelectRows() throws IOException {
        Path out = dir.resolve("o.ndjson");
        assertThat(export("--table", "orders", "--ids", "5,17,99999,123456", "--columns", "id", "--format", "ndjson",
                "-o", out.toString()).exit()).isZero();
        assertThat(ndjson(out)).extracting(r -> r.get("id").asLong()).containsExactlyInAnyOrder(5L, 17L, 99_999L);

        OffsetDateTime from = (OffsetDateTime) demo().get(9)[8];
        OffsetDateTime to = (OffsetDateTime) demo().get(19)[8];
        assertThat(export("--table", "orders", "--from", from.toString(), "--to", to.toString(), "--columns", "id",
                "--sort", "id", "--format", "ndjson", "-o", out.toString()).exit()).isZero();
        assertThat(ndjson(out)).extracting(r -> r.get("id").asLong()).containsExactly(10L, 11L, 12L, 13L, 14L, 15L,
                16L, 17L, 18L, 19L);
    }

    @Test
    void labelsAndFormatOptionsShapeTheFile() throws IOException {
        Path out = dir.resolve("o.csv");
        Cli.Run run = export("--table", "orders", "--where", "discount is_null", "--sort", "id", "--limit", "2",
                "--columns", "id,status,discount", "--label", "id=Order ID", "--label", "status=State",
                "-O", "delimiter=;", "-O", "bom=true", "-O", "line_ending=lf", "-O", "null_text=NULL", "-o", out.toString());
        assertOneSummaryLine(run, 2, out);
        byte[] bytes = Files.readAllBytes(out);
        assertThat(bytes).startsWith(0xEF, 0xBB, 0xBF);
        String text = new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
        List<Long> ids = demoIds(r -> r[6] == null).subList(0, 2);
        assertThat(text).isEqualTo("Order ID;State;discount\n"
                + ids.get(0) + ";" + demo().get(ids.get(0).intValue() - 1)[7] + ";NULL\n"
                + ids.get(1) + ";" + demo().get(ids.get(1).intValue() - 1)[7] + ";NULL\n");
    }

    // ---- progress ----------------------------------------------------------------------------------------------

    @Test
    void progressAlwaysDrawsTheBarOnStderrAndClearsItBeforeTheSummary() {
        Path out = dir.resolve("o.csv");
        Cli.Run run = export("--table", "orders", "--progress", "always", "-o", out.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        String err = run.stderr();
        assertThat(err).contains("\r[").contains("rows/s").contains("100%").contains("100,000/100,000 rows");
        // The bar is wiped (carriage return, blanks, carriage return) and the summary starts on a clean line.
        int summary = err.indexOf("Exported 100,000 rows");
        assertThat(summary).isPositive();
        assertThat(err.substring(0, summary)).matches("(?s).*\r +\r$");
        assertThat(err.substring(summary)).doesNotContain("\r").endsWith(System.lineSeparator());
        assertThat(TerminalScreen.render(err)).singleElement().asString().startsWith("Exported 100,000 rows");
    }

    @Test
    void progressNeverDrawsNothingButTheSummary() {
        Cli.Run run = export("--table", "orders", "--limit", "5000", "--progress", "never", "-o", dir.resolve("o.csv").toString());
        assertThat(run.stderr()).doesNotContain("\r").doesNotContain("rows/s  ");
        assertThat(run.lines()).singleElement().asString().startsWith("Exported 5,000 rows");
    }

    @Test
    void progressAutoStaysQuietWhenStderrIsNotATerminal() {
        Assumptions.assumeFalse(Terminal.isStderrTerminal(), "stderr of this test JVM is a terminal");
        Cli.Run run = export("--table", "orders", "--limit", "5000", "-o", dir.resolve("o.csv").toString());
        assertThat(run.stderr()).doesNotContain("\r");
        assertThat(run.lines()).hasSize(1);
    }

    @Test
    void quietPrintsNothingOnSuccess() throws IOException {
        Path out = dir.resolve("o.csv");
        Cli.Run run = export("--table", "orders", "--limit", "10", "--quiet", "-o", out.toString());
        assertThat(run.exit()).isZero();
        assertThat(run.stderr()).isEmpty();
        assertThat(Files.readAllLines(out)).hasSize(11);
    }

    // ---- bad input ---------------------------------------------------------------------------------------------

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of("unknown table", List.of("--table", "nope"), "unknown dataset 'nope'; datasets: customers, orders"),
                Arguments.of("unknown column", List.of("--table", "orders", "--columns", "id,nope"), "unknown column 'nope'"),
                Arguments.of("unknown where column", List.of("--table", "orders", "--where", "nope eq 1"), "unknown column 'nope'"),
                Arguments.of("unknown operator", List.of("--table", "orders", "--where", "status equals paid"),
                        "unknown operator 'equals'; operators: eq, ne"),
                Arguments.of("operator for another type", List.of("--table", "orders", "--where", "quantity contains 1"),
                        "operator contains does not apply to column 'quantity'"),
                Arguments.of("bad value", List.of("--table", "orders", "--where", "quantity eq ten"),
                        "value 'ten' for column 'quantity' (integer) is not an integer"),
                Arguments.of("where without operator", List.of("--table", "orders", "--where", "status"), "must look like"),
                Arguments.of("between with one value", List.of("--table", "orders", "--where", "quantity between 5"),
                        "exactly two values"),
                Arguments.of("bad sort direction", List.of("--table", "orders", "--sort", "id:sideways"), "'sideways'"),
                Arguments.of("unknown sort column", List.of("--table", "orders", "--sort", "nope:desc"), "unknown column 'nope'"),
                Arguments.of("limit 0", List.of("--table", "orders", "--limit", "0"), "--limit must be between 1 and"),
                Arguments.of("limit -1", List.of("--table", "orders", "--limit", "-1"), "got -1"),
                Arguments.of("limit not a number", List.of("--table", "orders", "--limit", "lots"), "'lots'"),
                Arguments.of("unknown format", List.of("--table", "orders", "--format", "xml"),
                        "unknown format 'xml'; formats: " + dev.freight.format.ExportFormat.choices()),
                Arguments.of("unknown option", List.of("--table", "orders", "-O", "delimeter=;"), "unknown option 'delimeter'"),
                Arguments.of("bad delimiter", List.of("--table", "orders", "-O", "delimiter=;;"), "delimiter must be one character"),
                Arguments.of("option for another format", List.of("--table", "orders", "-f", "json", "-O", "bom=true"),
                        "unknown option 'bom' for format json"),
                Arguments.of("duplicate column", List.of("--table", "orders", "--columns", "id,status,id"), "'id' is listed twice"),
                Arguments.of("duplicate label", List.of("--table", "orders", "--columns", "id,status", "--label", "status=id"),
                        "header 'id' would appear twice"),
                Arguments.of("bad progress mode", List.of("--table", "orders", "--progress", "sometimes"), "'sometimes'"),
                Arguments.of("missing --table", List.of(), "Missing required option: '--table=<table>'"),
                Arguments.of("unknown flag", List.of("--table", "orders", "--frobnicate"), "Unknown option: '--frobnicate'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInputExitsTwoWithOneErrorLineAndNoFile(String what, List<String> args, String expected) throws IOException {
        Path out = dir.resolve("o.csv");
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("-o", out.toString()));
        Cli.Run run = export(all.toArray(String[]::new));
        assertThat(run.exit()).as(run.toString()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(run.lines()).as(run.toString()).singleElement().asString().startsWith("freight: error: ").contains(expected);
        assertThat(run.stderr()).doesNotContain("at dev.freight").doesNotContain("Exception");
        assertThat(out).doesNotExist();
        assertNoPartFiles();
    }

    /** The planner refuses by API field (row_limit, filters[0].value, options.delimiter); the user typed a flag. */
    static Stream<Arguments> flagsAtFault() {
        return Stream.of(
                Arguments.of(List.of("--limit", "0"), "--limit must be between 1 and 1000000000, got 0"),
                Arguments.of(List.of("--gzip", "-f", "xlsx"), "format xlsx is already compressed; --gzip does not apply"),
                Arguments.of(List.of("--columns", "id,nope"), "--columns: unknown column 'nope' in dataset 'orders'"),
                Arguments.of(List.of("--where", "quantity eq ten"), "--where: value 'ten' for column 'quantity' (integer) is not an integer"),
                Arguments.of(List.of("--where", "quantity between 5"), "--where: operator between takes exactly two values low,high, got 1"),
                Arguments.of(List.of("--where", "status equals paid"), "--where: unknown operator 'equals'"),
                Arguments.of(List.of("--sort", "id:sideways"), "--sort: sort direction 'sideways' is not asc or desc"),
                Arguments.of(List.of("--from", "yesterday"), "--from: value 'yesterday' for column 'created_at'"),
                Arguments.of(List.of("--to", "soon"), "--to: value 'soon' for column 'created_at'"),
                Arguments.of(List.of("--ids", "1,two"), "--ids: value 'two' for column 'id' (integer) is not an integer"),
                Arguments.of(List.of("-O", "delimiter=;;"), "-O delimiter: delimiter must be one character"),
                Arguments.of(List.of("-O", "delimeter=;"), "-O delimeter: unknown option 'delimeter'"),
                Arguments.of(List.of("--format", "xml"), "--format: unknown format 'xml'"),
                Arguments.of(List.of("--label", "nope=Nope"), "--label: unknown column 'nope'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flagsAtFault")
    void errorsNameTheFlagNotTheApiField(List<String> args, String expected) {
        List<String> all = new ArrayList<>(List.of("--table", "orders"));
        all.addAll(args);
        all.addAll(List.of("-o", dir.resolve("o.csv").toString()));
        Cli.Run run = export(all.toArray(String[]::new));
        assertThat(run.exit()).as(run.toString()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(run.lines()).as(run.toString()).singleElement().asString().startsWith("freight: error: ").contains(expected)
                .doesNotContainPattern("row_limit|\\bcompress\\b|filters\\[|columns\\[|sort\\[|ids\\[|date_from|date_to|options\\.");
    }

    @Test
    void anImpossibleDateIsCalledInvalid() {
        Cli.Run run = export("--table", "orders", "--from", "2024-02-30", "-o", dir.resolve("o.csv").toString());
        assertThat(run.exit()).as(run.toString()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(run.lines()).singleElement().asString().isEqualTo("freight: error: --from: value '2024-02-30' for "
                + "column 'created_at' (timestamptz) is not a valid date: February 2024 has 29 days");
    }

    @Test
    void aConfigFileThatDoesNotExistIsBadInputAsForTheOtherCommands() {
        Path missing = dir.resolve("nope.yml");
        Cli.Run run = Cli.freight("export", "--config", missing.toString(), "--table", "orders", "-o", dir.resolve("o.csv").toString());
        assertThat(run.exit()).as(run.toString()).isEqualTo(Main.EXIT_BAD_INPUT)
                .isEqualTo(Cli.freight("queue", "status", "--config", missing.toString()).exit());
        assertThat(run.lines()).singleElement().asString().isEqualTo("freight: error: " + missing + ": no such file (named by --config)");
    }

    @Test
    void missingSourceExitsTwo() {
        Cli.Run run = Cli.freight("export", "--table", "orders", "-o", dir.resolve("o.csv").toString());
        assertThat(run.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(run.lines()).singleElement().asString().isEqualTo("freight: error: no source given: use --source <jdbc-url>, --demo or --config <file>");
    }

    @Test
    void unsupportedSourceUrlExitsTwoAndNamesTheSupportedOnes() {
        Cli.Run run = Cli.freight("export", "--source", "jdbc:oracle:thin:@db:1521/x", "--table", "orders",
                "-o", dir.resolve("o.csv").toString());
        assertThat(run.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(run.lines()).singleElement().asString().startsWith("freight: error: unsupported JDBC URL")
                .contains("jdbc:postgresql:").contains("jdbc:mariadb:");
    }

    @Test
    void outputThatIsADirectoryIsBadInput() {
        Cli.Run run = export("--table", "orders", "--limit", "1", "-o", dir.toString());
        assertThat(run.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(run.lines()).singleElement().asString().startsWith("freight: error: ").contains("is a directory");
    }

    @Test
    void outputInAMissingDirectoryIsBadInputWithOneLineNamingTheFile() {
        Path out = dir.resolve("missing").resolve("o.csv");
        Cli.Run run = export("--table", "orders", "--limit", "1", "-o", out.toString());
        assertThat(run.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(run.lines()).singleElement().asString()
                .isEqualTo("freight: error: cannot write '" + out + "': its directory does not exist");
        assertThat(out.getParent()).doesNotExist();
    }

    /** The directory can go while the source opens, after the check: the same error, the same exit code. */
    @Test
    void anOutputDirectoryThatVanishesBeforeTheFileIsOpenedIsStillBadInput() {
        Path out = dir.resolve("gone").resolve("o.csv");
        InvalidRequestException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidRequestException.class,
                () -> Sinks.createPart(out.resolveSibling("o.csv.part"), out));
        assertThat(e.getMessage()).isEqualTo("cannot write '" + out + "': its directory does not exist");
        assertThat(CliWording.message(e)).isEqualTo(e.getMessage());
    }

    @Test
    void verbosePrintsTheStackTraceAfterTheErrorLine() {
        Cli.Run run = export("--table", "orders", "--columns", "nope", "--verbose", "-o", dir.resolve("o.csv").toString());
        assertThat(run.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(run.lines().get(0)).startsWith("freight: error: --columns: unknown column 'nope'");
        assertThat(run.stderr()).contains("InvalidRequestException").contains("at dev.freight.query.QueryPlanner");
    }
}
