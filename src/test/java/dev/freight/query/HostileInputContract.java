package dev.freight.query;

import dev.freight.error.InvalidRequestException;
import dev.freight.engine.RowEstimator;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static dev.freight.query.DemoOrders.exportedIds;
import static dev.freight.query.DemoOrders.ids;
import static dev.freight.query.DemoOrders.where;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Injection attempts. As filter values they must be bound, so the export runs and returns exactly the rows that
 * literally match (usually none); in every place that names something (dataset, column, sort key, direction,
 * operator, label key, option key, format) they must be refused before any SQL runs. The last test checks that
 * after all of it the demo tables are byte for byte what they were. One subclass per database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class HostileInputContract {
    private static final String LONG_TAIL = "'; DROP TABLE orders; --";

    abstract DemoOrders.Db db();

    JdbcSource source;
    private String ordersBefore;
    private String customersBefore;
    private List<String> datasetsBefore;

    @BeforeAll
    void snapshot() {
        source = DemoOrders.source(db());
        ordersBefore = DemoOrders.fingerprint(DemoOrders.url(db()), "orders");
        customersBefore = DemoOrders.fingerprint(DemoOrders.url(db()), "customers");
        datasetsBefore = source.catalog().datasetNames();
        assertThat(ordersBefore).startsWith(DemoOrders.ROWS + " rows");
    }

    /** Quote breakers for every dialect, comment and statement terminators, look-alike quotes and a 100 KB value. */
    static Stream<Named<String>> hostile() {
        List<String> values = new ArrayList<>(List.of(
                "\"; DROP TABLE orders; --",
                "'; DROP TABLE orders; --",
                "' OR '1'='1",
                "' OR 1=1 --",
                "\\' OR 1=1 --",
                "\\'; DROP TABLE orders; --",
                "'); DROP TABLE orders; --",
                "`; DROP TABLE orders; --",
                "orders`; DROP TABLE orders; -- ",
                "\"orders\"; DROP TABLE \"orders\"; --",
                "*/ DROP TABLE orders; /*",
                "$$; DROP TABLE orders; $$",
                "1; DELETE FROM orders",
                "paid' OR status <> 'paid",
                "%' OR '%'='",
                "? OR 1=1",
                "'?'",
                "\\",
                "\\\\",
                "\\%",
                "'",
                "''",
                "\"",
                "’ OR ’1’=’1",
                "‘; DROP TABLE orders; --",
                "“; DROP TABLE orders; --”",
                "＂; DROP TABLE orders; --",
                "＇ OR 1=1 --",
                "ʼ OR ʼ1ʼ=ʼ1",
                "\n'; DROP TABLE orders; --\r\n",
                "\u2028'; DROP TABLE orders; --",
                "😀'; DROP TABLE orders; --",
                "CHAR(39) || 'x'",
                "E'\\x27'",
                "x".repeat(100_000) + LONG_TAIL));
        return values.stream().map(v -> Named.of(display(v), v));
    }

    private static String display(String v) {
        String shown = v.length() > 40 ? v.substring(0, 12) + "…(" + v.length() + " chars)…" + v.substring(v.length() - 12) : v;
        return shown.replace("\n", "\\n").replace("\r", "\\r").replace("\u2028", "\\u2028");
    }

    private static Filter f(String column, String op, Object value) {
        return new Filter(column, op, value);
    }

    private List<Long> idsWhere(Filter filter) {
        return exportedIds(source, ExportRequest.of("orders", "ndjson").withColumns(List.of("id"))
                .withFilters(List.of(filter)).withSort(List.of(new SortKey("id", "asc"))));
    }

    private static List<Long> expected(Predicate<String> onDescription) {
        return ids(where(o -> o.description() != null && onDescription.test(o.description())));
    }

    // ---- values are bound --------------------------------------------------------------------------------------

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileValueIsBoundAndMatchesOnlyItself(String value) {
        assertThat(idsWhere(f("description", "eq", value))).containsExactlyElementsOf(expected(value::equals));
        assertThat(idsWhere(f("description", "contains", value))).containsExactlyElementsOf(expected(d -> d.contains(value)));
        assertThat(idsWhere(f("description", "starts_with", value))).containsExactlyElementsOf(expected(d -> d.startsWith(value)));
        assertThat(idsWhere(f("description", "ne", value)))
                .containsExactlyElementsOf(ids(where(o -> !value.equals(o.description()))));
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileValueInAListIsOneBoundValueAmongOthers(String value) {
        assertThat(idsWhere(f("status", "in", List.of(value, "refunded"))))
                .containsExactlyElementsOf(ids(where(o -> o.status().equals("refunded"))));
        assertThat(idsWhere(f("status", "not_in", List.of(value, "refunded"))))
                .containsExactlyElementsOf(ids(where(o -> !o.status().equals("refunded"))));
    }

    /** The row estimate (progress bar, sync/async choice) runs its own SQL over the same WHERE; bound there too. */
    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileValueIsBoundInTheRowEstimate(String value) {
        QueryPlan plan = new QueryPlanner(source.catalog(), source.dialect())
                .plan(ExportRequest.of("orders", "csv").withFilters(List.of(f("description", "eq", value))));
        assertThat(RowEstimator.estimate(source, plan, 1_000_000)).isEqualTo(OptionalLong.of(expected(value::equals).size()));
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileValueForATypedColumnIsRefusedAsTheWrongType(String value) {
        for (String column : List.of("quantity", "unit_price", "shipped", "created_at")) {
            InvalidRequestException e = refused(ExportRequest.of("orders", "csv").withFilters(List.of(f(column, "eq", value))));
            assertThat(e.code()).as(column).isEqualTo("invalid_value");
            assertThat(e.field()).isEqualTo("filters[0].value");
            assertThat(e.getMessage()).hasSizeLessThan(400);
        }
        assertThat(refused(ExportRequest.of("orders", "csv").withIds(List.of(1, value))).field()).isEqualTo("ids[1]");
        assertThat(refused(ExportRequest.of("orders", "csv").withDateRange(value, null)).field()).isEqualTo("date_from");
    }

    /** MariaDB and H2 store U+0000 in text like any character, so it is bound and matched literally. */
    void assertNulIsBoundAndMatchedLiterally() {
        String nul = "paid\u0000'; DROP TABLE orders; --";
        assertThat(idsWhere(f("status", "eq", nul))).isEmpty();
        assertThat(idsWhere(f("description", "contains", "\u0000"))).isEmpty();
        assertThat(idsWhere(f("status", "ne", nul))).hasSize(DemoOrders.ROWS);
    }

    // ---- names are refused -------------------------------------------------------------------------------------

    private InvalidRequestException refused(ExportRequest request) {
        try {
            ExportRunner.Output out = ExportRunner.export(source, request);
            return fail("expected a refusal, but the export ran and wrote " + out.result().rows() + " rows");
        } catch (InvalidRequestException e) {
            assertThat(e.getMessage()).hasSizeLessThan(1_000);
            return e;
        }
    }

    /** Where a name goes in a request, and the error code and field expected there (null: "options." + name). */
    record NamePosition(String position, String code, String field, Function<String, ExportRequest> request) {
        @Override
        public String toString() {
            return position;
        }
    }

    static Stream<NamePosition> namePositions() {
        return Stream.of(
                new NamePosition("dataset", "unknown_dataset", "dataset", v -> ExportRequest.of(v, "csv")),
                new NamePosition("column", "unknown_column", "columns[1]",
                        v -> ExportRequest.of("orders", "csv").withColumns(List.of("id", v))),
                new NamePosition("filter column", "unknown_column", "filters[0].column",
                        v -> ExportRequest.of("orders", "csv").withFilters(List.of(f(v, "eq", "x")))),
                new NamePosition("operator", "unknown_operator", "filters[0].op",
                        v -> ExportRequest.of("orders", "csv").withFilters(List.of(f("status", v, "paid")))),
                new NamePosition("sort column", "unknown_column", "sort[0].column",
                        v -> ExportRequest.of("orders", "csv").withSort(List.of(new SortKey(v, "asc")))),
                new NamePosition("sort direction", "invalid_sort", "sort[0].dir",
                        v -> ExportRequest.of("orders", "csv").withSort(List.of(new SortKey("id", v)))),
                new NamePosition("label key", "unknown_column", null,
                        v -> ExportRequest.of("orders", "csv").withOptions(Map.of("labels", Map.of(v, "Label")))),
                new NamePosition("option key", "invalid_option", null,
                        v -> ExportRequest.of("orders", "csv").withOptions(Map.of(v, "x"))),
                new NamePosition("format", "unknown_format", "format", v -> ExportRequest.of("orders", v)));
    }

    static Stream<Arguments> hostileNames() {
        return namePositions().flatMap(p -> hostile().map(v -> Arguments.of(p, v)));
    }

    @Order(1)
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("hostileNames")
    void hostileNameIsRefusedBeforeAnySqlRuns(NamePosition position, String value) {
        InvalidRequestException e = refused(position.request().apply(value));
        assertThat(e.code()).isEqualTo(position.code());
        String field = position.field();
        if (field == null) field = position.code().equals("invalid_option") ? "options." + value : "options.labels." + value;
        assertThat(e.field()).isEqualTo(field);
    }

    /** Labels are header text, not SQL: any printable text is written as given and never reaches the query. */
    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileLabelIsHeaderTextOnlyOrRefusedWhenUnprintable(String label) {
        ExportRequest request = ExportRequest.of("orders", "csv").withColumns(List.of("id", "status"))
                .withIds(List.of(1, 2)).withOptions(Map.of("labels", Map.of("status", label)));
        boolean printable = label.length() <= 200 && label.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
        if (!printable) {
            InvalidRequestException e = refused(request);
            assertThat(e.code()).isEqualTo("invalid_option");
            assertThat(e.field()).isEqualTo("options.labels.status");
            return;
        }
        ExportRunner.Output out = ExportRunner.export(source, request);
        List<List<String>> rows = DemoOrders.csv(out.text());
        assertThat(rows.get(0)).containsExactly("id", label);
        assertThat(rows).hasSize(3);
        String plainSql = new QueryPlanner(source.catalog(), source.dialect())
                .plan(request.withOptions(Map.of())).sql();
        assertThat(out.plan().sql()).isEqualTo(plainSql);

        List<Map<String, Object>> json = DemoOrders.ndjson(source, ExportRequest.of("orders", "ndjson")
                .withColumns(List.of("status")).withIds(List.of(1, 2)).withOptions(request.options()));
        assertThat(json).hasSize(2).allSatisfy(r -> assertThat(r).containsOnlyKeys(label));
    }

    // ---- and nothing changed -----------------------------------------------------------------------------------

    @Order(Integer.MAX_VALUE)
    @Test
    void demoTablesAreUnchangedAfterEveryHostileRequest() {
        assertThat(DemoOrders.fingerprint(DemoOrders.url(db()), "orders")).isEqualTo(ordersBefore);
        assertThat(DemoOrders.fingerprint(DemoOrders.url(db()), "customers")).isEqualTo(customersBefore);
        assertThat(source.catalog().datasetNames()).isEqualTo(datasetsBefore);
        assertThat(exportedIds(source, ExportRequest.of("orders", "ndjson").withColumns(List.of("id"))))
                .hasSize(DemoOrders.ROWS);
    }
}
