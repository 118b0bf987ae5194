package dev.freight.query;

import dev.freight.error.InvalidRequestException;
import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.source.JdbcSource;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What the planner refuses, and how it says so: each refusal carries a stable code, the request field at fault,
 * and a message that quotes the bad value and lists the valid choices where there are any. Only the catalog is
 * read; nothing is exported. The catalog is the demo orders in an in-memory H2 database.
 */
class PlannerValidationTest {
    private static final String ORDER_COLUMNS =
            "id, customer_id, sku, description, quantity, unit_price, discount, status, created_at, shipped";

    private static QueryPlanner planner;

    @BeforeAll
    static void catalog() {
        JdbcSource source = DemoOrders.source(DemoOrders.Db.H2);
        TestDatabases.execute(DemoOrders.url(DemoOrders.Db.H2),
                "CREATE TABLE IF NOT EXISTS \"blobs\" (\"id\" INT PRIMARY KEY, \"payload\" VARBINARY(100), \"note\" VARCHAR(10))",
                "CREATE TABLE IF NOT EXISTS \"keyless\" (\"code\" VARCHAR(10), \"amount\" INT)");
        planner = new QueryPlanner(source.catalog(), source.dialect());
    }

    private static InvalidRequestException refused(Supplier<?> action) {
        try {
            Object result = action.get();
            return fail("expected the request to be refused, but got " + result);
        } catch (InvalidRequestException e) {
            return e;
        }
    }

    private static InvalidRequestException refused(ExportRequest request) {
        return refused(() -> planner.plan(request));
    }

    private static ExportRequest orders() {
        return ExportRequest.of("orders", "csv");
    }

    private static ExportRequest ordersWhere(String column, String op, Object value) {
        return orders().withFilters(List.of(new Filter(column, op, value)));
    }

    // ---- datasets and columns --------------------------------------------------------------------------------

    @Test
    void unknownDatasetIsNamedAndTheAvailableDatasetsListed() {
        InvalidRequestException e = refused(ExportRequest.of("order", "csv"));
        assertThat(e.code()).isEqualTo("unknown_dataset");
        assertThat(e.field()).isEqualTo("dataset");
        assertThat(e.getMessage()).contains("'order'").contains("customers").contains("orders");
    }

    @Test
    void missingDatasetListsTheAvailableDatasets() {
        InvalidRequestException e = refused(ExportRequest.of(" ", "csv"));
        assertThat(e.code()).isEqualTo("missing_dataset");
        assertThat(e.field()).isEqualTo("dataset");
        assertThat(e.getMessage()).contains("customers").contains("orders");
    }

    @Test
    void unknownColumnIsNamedWithItsPositionAndTheColumnsListed() {
        InvalidRequestException e = refused(orders().withColumns(List.of("id", "totl")));
        assertThat(e.code()).isEqualTo("unknown_column");
        assertThat(e.field()).isEqualTo("columns[1]");
        assertThat(e.getMessage()).contains("'totl'").contains("'orders'").contains(ORDER_COLUMNS);
    }

    @Test
    void unknownFilterColumnPointsAtTheFilter() {
        InvalidRequestException e = refused(orders().withFilters(List.of(new Filter("status", "eq", "paid"),
                new Filter("state", "eq", "paid"))));
        assertThat(e.code()).isEqualTo("unknown_column");
        assertThat(e.field()).isEqualTo("filters[1].column");
        assertThat(e.getMessage()).contains("'state'").contains(ORDER_COLUMNS);
    }

    @Test
    void unknownSortColumnPointsAtTheSortKey() {
        InvalidRequestException e = refused(orders().withSort(List.of(new SortKey("created", "desc"))));
        assertThat(e.code()).isEqualTo("unknown_column");
        assertThat(e.field()).isEqualTo("sort[0].column");
        assertThat(e.getMessage()).contains("'created'").contains(ORDER_COLUMNS);
    }

    @Test
    void duplicateColumnIsRefusedEvenInAnotherCase() {
        InvalidRequestException e = refused(orders().withColumns(List.of("id", "status", "ID")));
        assertThat(e.code()).isEqualTo("duplicate_column");
        assertThat(e.field()).isEqualTo("columns[2]");
        assertThat(e.getMessage()).contains("'id'").contains("twice");
    }

    // ---- operators -------------------------------------------------------------------------------------------

    @Test
    void unknownOperatorIsNamedAndEveryOperatorListed() {
        InvalidRequestException e = refused(ordersWhere("status", "equals", "paid"));
        assertThat(e.code()).isEqualTo("unknown_operator");
        assertThat(e.field()).isEqualTo("filters[0].op");
        assertThat(e.getMessage()).contains("'equals'")
                .contains("eq, ne, lt, lte, gt, gte, in, not_in, between, like, contains, starts_with, is_null, not_null");
    }

    @Test
    void missingOperatorIsAnUnknownOperator() {
        InvalidRequestException e = refused(ordersWhere("status", null, "paid"));
        assertThat(e.code()).isEqualTo("unknown_operator");
        assertThat(e.getMessage()).contains("'null'").contains("starts_with");
    }

    @Test
    void binaryColumnTakesOnlyNullTestsAndTheMessageSaysWhich() {
        InvalidRequestException e = refused(ExportRequest.of("blobs", "csv")
                .withFilters(List.of(new Filter("payload", "eq", "AAEC"))));
        assertThat(e.code()).isEqualTo("invalid_operator");
        assertThat(e.field()).isEqualTo("filters[0].op");
        assertThat(e.getMessage()).contains("eq").contains("'payload'").contains("binary").endsWith("is_null, not_null");
    }

    @Test
    void textMatchingDoesNotApplyToNumbersAndTheValidOperatorsAreListed() {
        InvalidRequestException e = refused(ordersWhere("quantity", "contains", "1"));
        assertThat(e.code()).isEqualTo("invalid_operator");
        assertThat(e.getMessage()).contains("contains").contains("'quantity'").contains("integer")
                .endsWith("eq, ne, lt, lte, gt, gte, in, not_in, between, is_null, not_null");
    }

    @Test
    void orderingDoesNotApplyToBooleans() {
        InvalidRequestException e = refused(ordersWhere("shipped", "gt", true));
        assertThat(e.code()).isEqualTo("invalid_operator");
        assertThat(e.getMessage()).contains("gt").contains("'shipped'").contains("boolean")
                .endsWith("eq, ne, in, not_in, is_null, not_null");
    }

    @Test
    void binaryColumnCannotBeASortKey() {
        InvalidRequestException e = refused(ExportRequest.of("blobs", "csv").withSort(List.of(new SortKey("payload", "asc"))));
        assertThat(e.code()).isEqualTo("invalid_sort");
        assertThat(e.field()).isEqualTo("sort[0].column");
        assertThat(e.getMessage()).contains("'payload'");
    }

    @Test
    void sortDirectionMustBeAscOrDesc() {
        InvalidRequestException e = refused(orders().withSort(List.of(new SortKey("id", "ascending"))));
        assertThat(e.code()).isEqualTo("invalid_sort");
        assertThat(e.field()).isEqualTo("sort[0].dir");
        assertThat(e.getMessage()).contains("'ascending'").contains("asc or desc");
    }

    // ---- values ----------------------------------------------------------------------------------------------

    static Stream<Arguments> wronglyTypedValues() {
        return Stream.of(
                Arguments.of("quantity", "ten", "integer", "an integer"),
                Arguments.of("quantity", 2.5, "integer", "an integer"),
                Arguments.of("quantity", "99999999999999999999", "integer", "an integer"),
                Arguments.of("id", "1 OR 1=1", "integer", "an integer"),
                Arguments.of("unit_price", "12,50", "decimal", "a number"),
                Arguments.of("discount", "lots", "float", "a number"),
                Arguments.of("shipped", "maybe", "boolean", "true or false"),
                Arguments.of("created_at", "yesterday", "timestamptz", "a timestamp like 2024-03-31T13:45:00Z"),
                Arguments.of("created_at", "2024-13-45", "timestamptz", "is not a valid date: there is no month 13"),
                Arguments.of("quantity", List.of(1, 2), "integer", "a single value"));
    }

    @ParameterizedTest(name = "{0} eq {1}")
    @MethodSource("wronglyTypedValues")
    void valueOfTheWrongTypeIsNamedWithTheTypeExpected(String column, Object value, String type, String expected) {
        InvalidRequestException e = refused(ordersWhere(column, "eq", value));
        assertThat(e.code()).isEqualTo("invalid_value");
        assertThat(e.field()).isEqualTo("filters[0].value");
        assertThat(e.getMessage()).contains("'" + value + "'").contains("'" + column + "'").contains("(" + type + ")")
                .contains(expected);
    }

    @Test
    void badValueInsideAListPointsAtItsIndex() {
        InvalidRequestException e = refused(ordersWhere("quantity", "in", List.of(1, "2", "three")));
        assertThat(e.code()).isEqualTo("invalid_value");
        assertThat(e.field()).isEqualTo("filters[0].value[2]");
        assertThat(e.getMessage()).contains("'three'");
    }

    @Test
    void comparisonWithoutAValuePointsToTheNullTests() {
        InvalidRequestException e = refused(ordersWhere("discount", "eq", null));
        assertThat(e.code()).isEqualTo("invalid_value");
        assertThat(e.field()).isEqualTo("filters[0].value");
        assertThat(e.getMessage()).contains("is_null").contains("not_null");
    }

    @Test
    void nullTestsTakeNoValue() {
        InvalidRequestException e = refused(ordersWhere("discount", "is_null", "0"));
        assertThat(e.code()).isEqualTo("invalid_value");
        assertThat(e.getMessage()).contains("is_null").contains("no value");
    }

    @ParameterizedTest(name = "between with {0} values")
    @ValueSource(ints = {0, 1, 3})
    void betweenTakesExactlyTwoValues(int count) {
        List<Object> values = new ArrayList<>(Collections.nCopies(count, 5));
        InvalidRequestException e = refused(ordersWhere("quantity", "between", values));
        assertThat(e.code()).isEqualTo("invalid_value");
        assertThat(e.field()).isEqualTo("filters[0].value");
        assertThat(e.getMessage()).contains("exactly two").contains("got " + count);
    }

    @Test
    void betweenNeedsAList() {
        InvalidRequestException e = refused(ordersWhere("quantity", "between", 5));
        assertThat(e.code()).isEqualTo("invalid_value");
        assertThat(e.getMessage()).contains("between").contains("list");
    }

    @ParameterizedTest(name = "{0} with an empty list")
    @ValueSource(strings = {"in", "not_in"})
    void inAndNotInRefuseAnEmptyList(String op) {
        InvalidRequestException e = refused(ordersWhere("status", op, List.of()));
        assertThat(e.code()).isEqualTo("invalid_value");
        assertThat(e.field()).isEqualTo("filters[0].value");
        assertThat(e.getMessage()).contains(op).contains("1 to 1000 values").contains("got 0");
    }

    @Test
    void inRefusesMoreThanAThousandValues() {
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < 1001; i++) many.add(i);
        InvalidRequestException e = refused(ordersWhere("quantity", "in", many));
        assertThat(e.code()).isEqualTo("invalid_value");
        assertThat(e.getMessage()).contains("got 1001");
    }

    @Test
    void tooManyFiltersAreRefused() {
        List<Filter> filters = Collections.nCopies(51, new Filter("quantity", "gt", 1));
        InvalidRequestException e = refused(orders().withFilters(filters));
        assertThat(e.code()).isEqualTo("too_many_filters");
        assertThat(e.getMessage()).contains("50").contains("51");
    }

    // ---- row_limit, ids, date range --------------------------------------------------------------------------

    @ParameterizedTest(name = "row_limit {0}")
    @ValueSource(longs = {0, -1, 1_000_000_000_000L, Long.MIN_VALUE})
    void rowLimitOutsideOneToOneBillionIsRefusedWithTheRange(long limit) {
        InvalidRequestException e = refused(orders().withRowLimit(limit));
        assertThat(e.code()).isEqualTo("invalid_row_limit");
        assertThat(e.field()).isEqualTo("row_limit");
        assertThat(e.getMessage()).contains("got " + limit).contains("between 1 and 1000000000");
    }

    @ParameterizedTest(name = "row_limit {0}")
    @ValueSource(longs = {1, 1_000_000_000L})
    void rowLimitAtEitherEndOfTheRangeIsAccepted(long limit) {
        QueryPlan plan = planner.plan(orders().withRowLimit(limit));
        assertThat(plan.rowLimit()).isEqualTo(limit);
        assertThat(plan.sql()).endsWith(" LIMIT ?");
        assertThat(plan.parameters()).containsExactly(limit);
    }

    @Test
    void idsMustHaveTheKeysType() {
        InvalidRequestException e = refused(orders().withIds(List.of(1, "two")));
        assertThat(e.code()).isEqualTo("invalid_value");
        assertThat(e.field()).isEqualTo("ids[1]");
        assertThat(e.getMessage()).contains("'two'").contains("'id'");
    }

    @Test
    void idsNeedASingleColumnPrimaryKey() {
        InvalidRequestException e = refused(ExportRequest.of("keyless", "csv").withIds(List.of(1)));
        assertThat(e.code()).isEqualTo("ids_not_supported");
        assertThat(e.field()).isEqualTo("ids");
        assertThat(e.getMessage()).contains("'keyless'");
    }

    @Test
    void dateRangeNeedsATimeColumn() {
        InvalidRequestException e = refused(ExportRequest.of("keyless", "csv").withDateRange(null, "2024-01-01"));
        assertThat(e.code()).isEqualTo("no_time_column");
        assertThat(e.field()).isEqualTo("date_to");
        assertThat(e.getMessage()).contains("'keyless'");
    }

    @Test
    void dateFromMustBeADate() {
        InvalidRequestException e = refused(orders().withDateRange("last tuesday", null));
        assertThat(e.code()).isEqualTo("invalid_value");
        assertThat(e.field()).isEqualTo("date_from");
        assertThat(e.getMessage()).contains("'last tuesday'").contains("'created_at'").contains("a timestamp like");
    }

    // ---- labels ----------------------------------------------------------------------------------------------

    @Test
    void duplicateHeaderFromALabelIsRefused() {
        InvalidRequestException e = refused(orders().withColumns(List.of("id", "status"))
                .withOptions(Map.of("labels", Map.of("status", "id"))));
        assertThat(e.code()).isEqualTo("invalid_option");
        assertThat(e.field()).isEqualTo("options.labels");
        assertThat(e.getMessage()).contains("'id'").contains("twice");
    }

    @Test
    void labelForAnUnknownColumnListsTheColumns() {
        InvalidRequestException e = refused(orders().withOptions(Map.of("labels", Map.of("totl", "Total"))));
        assertThat(e.code()).isEqualTo("unknown_column");
        assertThat(e.field()).isEqualTo("options.labels.totl");
        assertThat(e.getMessage()).contains("'totl'").contains(ORDER_COLUMNS);
    }

    @ParameterizedTest(name = "label {0}")
    @ValueSource(strings = {"", "   ", "two\nlines", "tab\there", "nul\u0000"})
    void labelsMustBeNonBlankWithoutControlCharacters(String label) {
        InvalidRequestException e = refused(orders().withOptions(Map.of("labels", Map.of("status", label))));
        assertThat(e.code()).isEqualTo("invalid_option");
        assertThat(e.field()).isEqualTo("options.labels.status");
        assertThat(e.getMessage()).contains("'status'");
    }

    @Test
    void labelsMustBeAnObject() {
        InvalidRequestException e = refused(orders().withOptions(Map.of("labels", List.of("a", "b"))));
        assertThat(e.code()).isEqualTo("invalid_option");
        assertThat(e.field()).isEqualTo("options.labels");
    }

    // ---- formats and format options --------------------------------------------------------------------------

    @ParameterizedTest(name = "format {0}")
    @ValueSource(strings = {"xlsx2", "CSV;", "parquet2", "csv.gz"})
    void unknownFormatIsNamedAndTheFormatsListed(String format) {
        InvalidRequestException e = refused(() -> ExportFormat.fromId(format));
        assertThat(e.code()).isEqualTo("unknown_format");
        assertThat(e.field()).isEqualTo("format");
        assertThat(e.getMessage()).contains("'" + format + "'").contains("formats: " + ExportFormat.choices());
    }

    @Test
    void unknownOptionIsNamedAndTheFormatsOptionsListed() {
        InvalidRequestException e = refused(() -> FormatOptions.parse(ExportFormat.CSV, Map.of("delimeter", ";")));
        assertThat(e.code()).isEqualTo("invalid_option");
        assertThat(e.field()).isEqualTo("options.delimeter");
        assertThat(e.getMessage()).contains("'delimeter'").contains("csv")
                .contains("bom, bool_text, date_format, delimiter, header, labels, line_ending, null_text, number_locale, "
                        + "sanitize_formulas, time_zone, timestamp_format");
    }

    @Test
    void csvOptionIsUnknownToJson() {
        InvalidRequestException e = refused(() -> FormatOptions.parse(ExportFormat.JSON, Map.of("delimiter", ";")));
        assertThat(e.code()).isEqualTo("invalid_option");
        assertThat(e.field()).isEqualTo("options.delimiter");
        assertThat(e.getMessage()).contains("'delimiter'").contains("json")
                .contains("bool_text, date_format, labels, null_text, number_locale, time_zone, timestamp_format");
    }

    @ParameterizedTest(name = "delimiter {0}")
    @ValueSource(strings = {";;", "\"", "", "tabs"})
    void badDelimiterIsNamedWithExamplesOfGoodOnes(String delimiter) {
        InvalidRequestException e = refused(() -> FormatOptions.parse(ExportFormat.CSV, Map.of("delimiter", delimiter)));
        assertThat(e.code()).isEqualTo("invalid_option");
        assertThat(e.field()).isEqualTo("options.delimiter");
        assertThat(e.getMessage()).contains("'" + delimiter + "'").contains("\";\"").contains("\"tab\"");
    }

    @ParameterizedTest(name = "delimiter {0}")
    @ValueSource(strings = {"\n", "\r"})
    void lineBreakIsNotADelimiter(String delimiter) {
        InvalidRequestException e = refused(() -> FormatOptions.parse(ExportFormat.CSV, Map.of("delimiter", delimiter)));
        assertThat(e.code()).isEqualTo("invalid_option");
        assertThat(e.field()).isEqualTo("options.delimiter");
    }

    static Stream<Arguments> badOptionValues() {
        return Stream.of(
                Arguments.of("header", "yes please", "true or false"),
                Arguments.of("bom", "1", "true or false"),
                Arguments.of("line_ending", "cr", "crlf or lf"),
                Arguments.of("time_zone", "Mars/Olympus", "Europe/Paris"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badOptionValues")
    void badOptionValueIsNamedWithTheValidChoices(String key, String value, String choices) {
        InvalidRequestException e = refused(() -> FormatOptions.parse(ExportFormat.CSV, Map.of(key, value)));
        assertThat(e.code()).isEqualTo("invalid_option");
        assertThat(e.field()).isEqualTo("options." + key);
        assertThat(e.getMessage()).contains("'" + value + "'").contains(choices);
    }

    @Test
    void messagesQuoteAtMostTheStartOfAHugeValue() {
        String huge = "x".repeat(100_000);
        for (InvalidRequestException e : Arrays.asList(
                refused(ExportRequest.of(huge, "csv")),
                refused(orders().withColumns(List.of(huge))),
                refused(ordersWhere("status", huge, "paid")),
                refused(ordersWhere("quantity", "eq", huge)),
                refused(orders().withSort(List.of(new SortKey("id", huge)))),
                refused(() -> ExportFormat.fromId(huge)),
                refused(() -> FormatOptions.parse(ExportFormat.CSV, Map.of(huge, "x"))))) {
            assertThat(e.getMessage()).as(e.code()).hasSizeLessThan(400).contains("xxxxxxxxxx");
        }
    }
}
