package dev.freight.query;

import dev.freight.query.DemoOrders.Order;
import dev.freight.source.Dialect;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

import static dev.freight.query.DemoOrders.ALL;
import static dev.freight.query.DemoOrders.ROWS;
import static dev.freight.query.DemoOrders.ids;
import static dev.freight.query.DemoOrders.where;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every filter operator of DESIGN.md §4, date ranges, ids, sort, row_limit, columns and labels, run end to end
 * against a real database. The expected rows come from filtering the demo rows in Java ({@link DemoOrders}), never
 * from Freight's own SQL. One subclass per database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FilterOperatorsContract {
    /** Notes full of LIKE metacharacters (%, _, the planner's escape character !) and backslashes. */
    private static final List<String> LITERAL_NOTES = List.of("100% cotton", "100 cotton", "a_b", "axb", "wow!",
            "wow!!", "wo", "!%_", "x!%_y", "!x", "C:\\temp\\new", "C:/temp/new", "50%_off!", "", "\\%", "'quoted'",
            "under_score_", "percent%");

    abstract DemoOrders.Db db();

    private JdbcSource source;

    @BeforeAll
    void loadOrdersAndLiterals() {
        source = DemoOrders.source(db());
        String url = DemoOrders.url(db());
        Dialect d = Dialect.fromJdbcUrl(url);
        TestDatabases.execute(url, "DROP TABLE IF EXISTS " + d.quote("literals"),
                "CREATE TABLE " + d.quote("literals") + " (" + d.quote("id") + " INTEGER PRIMARY KEY, "
                        + d.quote("note") + " VARCHAR(100))" + (d == Dialect.MARIADB ? " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" : ""));
        try (var c = TestDatabases.connect(url);
             var ps = c.prepareStatement("INSERT INTO " + d.quote("literals") + " VALUES (?, ?)")) {
            for (int i = 0; i < LITERAL_NOTES.size(); i++) {
                ps.setInt(1, i + 1);
                ps.setString(2, LITERAL_NOTES.get(i));
                ps.addBatch();
            }
            ps.setInt(1, LITERAL_NOTES.size() + 1);
            ps.setString(2, null);
            ps.addBatch();
            ps.executeBatch();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ids an export of {@code request} returns, in file order: NDJSON through the engine; a subclass may vary. */
    List<Long> exportedIds(JdbcSource source, ExportRequest request) {
        return DemoOrders.exportedIds(source, request);
    }

    private static Filter f(String column, String op, Object value) {
        return new Filter(column, op, value);
    }

    private static ExportRequest orders(Filter... filters) {
        return ExportRequest.of("orders", "ndjson").withFilters(List.of(filters))
                .withSort(List.of(new SortKey("id", "asc")));
    }

    /** The export returns exactly the rows the Java predicate selects, which must be some but not all rows. */
    private void assertSelects(Predicate<Order> expected, Filter... filters) {
        List<Long> want = ids(where(expected));
        assertThat(want).as("the reference must select some rows but not all, or the test proves nothing")
                .isNotEmpty().hasSizeLessThan(ROWS);
        assertThat(exportedIds(source, orders(filters))).containsExactlyElementsOf(want);
    }

    private static String ts(long id) {
        return ALL.get((int) id - 1).createdAt().toString();
    }

    // ---- eq / ne -------------------------------------------------------------------------------------------

    @Test
    void eqOnTextReturnsExactlyTheRowsWithThatValue() {
        assertSelects(o -> o.status().equals("paid"), f("status", "eq", "paid"));
    }

    @Test
    void eqOnIntegerAcceptsANumberOrItsText() {
        assertSelects(o -> o.quantity() == 7, f("quantity", "eq", 7));
        assertSelects(o -> o.quantity() == 7, f("quantity", "eq", "7"));
    }

    @Test
    void eqOnDecimalComparesTheExactValue() {
        BigDecimal price = ALL.get(41).unitPrice();
        assertSelects(o -> o.unitPrice().compareTo(price) == 0, f("unit_price", "eq", price.toPlainString()));
    }

    @Test
    void eqOnBooleanAcceptsBooleansAndWords() {
        assertSelects(Order::shipped, f("shipped", "eq", true));
        assertSelects(o -> !o.shipped(), f("shipped", "eq", "no"));
    }

    @Test
    void eqOnTimestampMatchesToTheMicrosecondInAnyOffset() {
        OffsetDateTime at = ALL.get(99).createdAt();
        assertSelects(o -> o.id() == 100, f("created_at", "eq", at.toString()));
        assertSelects(o -> o.id() == 100, f("created_at", "eq", at.withOffsetSameInstant(ZoneOffset.ofHours(2)).toString()));
    }

    @Test
    void neAlsoReturnsRowsWhereTheColumnIsNull() {
        List<Long> got = exportedIds(source, orders(f("discount", "ne", 0.1)));
        assertThat(got).containsExactlyElementsOf(ids(where(o -> o.discount() == null || o.discount() != 0.1)));
        assertThat(where(o -> o.discount() == null)).extracting(Order::id).isSubsetOf(got).isNotEmpty();
    }

    @Test
    void neOnTextAlsoReturnsRowsWithNullText() {
        assertSelects(o -> !"Standard widget".equals(o.description()), f("description", "ne", "Standard widget"));
    }

    // ---- ordering comparisons ------------------------------------------------------------------------------

    @Test
    void ltAndLteDifferExactlyAtTheBoundary() {
        assertSelects(o -> o.quantity() < 5, f("quantity", "lt", 5));
        assertSelects(o -> o.quantity() <= 5, f("quantity", "lte", 5));
    }

    @Test
    void gtAndGteDifferExactlyAtTheBoundary() {
        assertSelects(o -> o.quantity() > 15, f("quantity", "gt", "15"));
        assertSelects(o -> o.quantity() >= 15, f("quantity", "gte", "15"));
    }

    @Test
    void ltOnDecimalSelectsTheNegativePrices() {
        assertSelects(o -> o.unitPrice().signum() < 0, f("unit_price", "lt", "0"));
    }

    @Test
    void gtOnTimestampComparesInstants() {
        OffsetDateTime cut = OffsetDateTime.of(2024, 1, 5, 0, 0, 0, 0, ZoneOffset.UTC);
        assertSelects(o -> o.createdAt().isAfter(cut), f("created_at", "gt", "2024-01-05T00:00:00Z"));
        assertSelects(o -> o.createdAt().isAfter(cut), f("created_at", "gt", "2024-01-05T01:00:00+01:00"));
    }

    @Test
    void comparisonsNeverMatchNull() {
        assertSelects(o -> o.discount() != null && o.discount() < 0.1, f("discount", "lt", 0.1));
        assertSelects(o -> o.discount() != null && o.discount() >= 0.1, f("discount", "gte", "0.1"));
    }

    // ---- in / not_in / between ------------------------------------------------------------------------------

    @Test
    void inMatchesAnyListedValue() {
        assertSelects(o -> Set.of("paid", "shipped").contains(o.status()), f("status", "in", List.of("paid", "shipped")));
        assertSelects(o -> Set.of(1, 2, 20).contains(o.quantity()), f("quantity", "in", List.of(1, "2", 20)));
    }

    @Test
    void inAcceptsCommaSeparatedTextAsTheCliSendsIt() {
        assertSelects(o -> Set.of("paid", "shipped").contains(o.status()), f("status", "in", "paid, shipped"));
    }

    @Test
    void notInAlsoReturnsRowsWhereTheColumnIsNull() {
        assertSelects(o -> o.discount() == null || (o.discount() != 0.0 && o.discount() != 0.05),
                f("discount", "not_in", List.of(0.0, 0.05)));
        assertSelects(o -> !Set.of("paid", "pending").contains(o.status()), f("status", "not_in", List.of("paid", "pending")));
    }

    @Test
    void betweenIncludesBothEnds() {
        assertSelects(o -> o.quantity() >= 5 && o.quantity() <= 7, f("quantity", "between", List.of(5, 7)));
        assertSelects(o -> o.id() >= 100 && o.id() <= 200, f("created_at", "between", List.of(ts(100), ts(200))));
    }

    @Test
    void betweenOnDecimalsHandlesNegativeBounds() {
        BigDecimal low = new BigDecimal("-10000.00");
        BigDecimal high = new BigDecimal("10000.00");
        assertSelects(o -> o.unitPrice().compareTo(low) >= 0 && o.unitPrice().compareTo(high) <= 0,
                f("unit_price", "between", List.of("-10000.00", "10000.00")));
    }

    // ---- text matching ---------------------------------------------------------------------------------------

    @Test
    void likeUsesTheCallersPatternWithItsWildcards() {
        assertSelects(o -> o.description() != null && o.description().matches("Item 1.. of batch .*"),
                f("description", "like", "Item 1__ of batch %"));
        assertSelects(o -> o.description() != null && o.description().contains("idget"),
                f("description", "like", "%idget%"));
    }

    @Test
    void containsFindsTheTextAnywhereIncludingQuotesAndUnicode() {
        assertSelects(o -> o.description() != null && o.description().contains("\"deluxe\""),
                f("description", "contains", "\"deluxe\""));
        assertSelects(o -> o.description() != null && o.description().contains("🍮 — 東京"),
                f("description", "contains", "🍮 — 東京"));
    }

    @Test
    void startsWithMatchesOnlyAtTheBeginning() {
        assertSelects(o -> o.sku().startsWith("SKU-B"), f("sku", "starts_with", "SKU-B"));
        assertSelects(o -> o.description() != null && o.description().startsWith("Widget"),
                f("description", "starts_with", "Widget"));
    }

    @ParameterizedTest(name = "contains {0}")
    @ValueSource(strings = {"%", "_", "!", "!!", "!%_", "0%", "a_", "\\", "\\%", "'", "%_off!", "x"})
    void containsMatchesPercentUnderscoreBangAndBackslashLiterally(String needle) {
        assertThat(literalIds("contains", needle)).containsExactlyElementsOf(literalIdsWhere(n -> n.contains(needle)));
    }

    @ParameterizedTest(name = "starts_with {0}")
    @ValueSource(strings = {"%", "_", "!", "!%", "100%", "a_", "C:\\", "\\", "'", "w"})
    void startsWithMatchesPercentUnderscoreBangAndBackslashLiterally(String prefix) {
        assertThat(literalIds("starts_with", prefix)).containsExactlyElementsOf(literalIdsWhere(n -> n.startsWith(prefix)));
    }

    private List<Long> literalIds(String op, String value) {
        ExportRequest request = ExportRequest.of("literals", "ndjson").withFilters(List.of(f("note", op, value)))
                .withSort(List.of(new SortKey("id", "asc")));
        return exportedIds(source, request);
    }

    private static List<Long> literalIdsWhere(Predicate<String> p) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < LITERAL_NOTES.size(); i++) if (p.test(LITERAL_NOTES.get(i))) ids.add(i + 1L);
        return ids;
    }

    // ---- NULL tests ------------------------------------------------------------------------------------------

    @Test
    void isNullSelectsOnlyNullRows() {
        assertSelects(o -> o.discount() == null, f("discount", "is_null", null));
    }

    @Test
    void notNullSelectsOnlyNonNullRows() {
        assertSelects(o -> o.description() != null, f("description", "not_null", null));
    }

    @Test
    void nullTestsAcceptAnEmptyValueAsTheCliSendsIt() {
        assertSelects(o -> o.discount() == null, f("discount", "is_null", ""));
    }

    // ---- date range, ids, several filters --------------------------------------------------------------------

    @Test
    void dateFromIsInclusiveAndDateToIsExclusive() {
        ExportRequest request = ExportRequest.of("orders", "ndjson").withDateRange(ts(500), ts(900))
                .withSort(List.of(new SortKey("id", "asc")));
        assertThat(exportedIds(source, request)).containsExactlyElementsOf(ids(where(o -> o.id() >= 500 && o.id() < 900)));
    }

    @Test
    void dateOnlyBoundsMeanMidnightUtcAndOffsetsAreHonoured() {
        OffsetDateTime from = OffsetDateTime.of(2024, 1, 3, 0, 0, 0, 0, ZoneOffset.UTC);
        OffsetDateTime to = OffsetDateTime.of(2024, 1, 5, 0, 0, 0, 0, ZoneOffset.UTC);
        List<Long> want = ids(where(o -> !o.createdAt().isBefore(from) && o.createdAt().isBefore(to)));
        assertThat(want).isNotEmpty().hasSizeLessThan(ROWS);
        assertThat(exportedIds(source, ExportRequest.of("orders", "ndjson").withDateRange("2024-01-03", "2024-01-05")
                .withSort(List.of(new SortKey("id", "asc"))))).containsExactlyElementsOf(want);
        assertThat(exportedIds(source, ExportRequest.of("orders", "ndjson")
                .withDateRange("2024-01-03T02:00:00+02:00", "2024-01-04T19:00:00-05:00")
                .withSort(List.of(new SortKey("id", "asc"))))).containsExactlyElementsOf(want);
    }

    @Test
    void dateFromAloneHasNoUpperBound() {
        ExportRequest request = ExportRequest.of("orders", "ndjson").withDateRange(ts(1990), null)
                .withSort(List.of(new SortKey("id", "asc")));
        assertThat(exportedIds(source, request)).containsExactly(1990L, 1991L, 1992L, 1993L, 1994L, 1995L, 1996L,
                1997L, 1998L, 1999L, 2000L);
    }

    @Test
    void idsSelectExactlyThoseRowsAndIgnoreUnknownKeys() {
        ExportRequest request = ExportRequest.of("orders", "ndjson").withIds(List.of(17, "5", 1999L, 4_000))
                .withSort(List.of(new SortKey("id", "asc")));
        assertThat(exportedIds(source, request)).containsExactly(5L, 17L, 1999L);
    }

    @Test
    void severalFiltersMustAllHold() {
        assertSelects(o -> o.status().equals("paid") && o.quantity() >= 10 && o.discount() != null,
                f("status", "eq", "paid"), f("quantity", "gte", 10), f("discount", "not_null", null));
    }

    @Test
    void filtersIdsAndDateRangeCombine() {
        ExportRequest request = orders(f("status", "in", List.of("paid", "shipped", "delivered")))
                .withIds(ids(ALL.subList(0, 600)).stream().map(id -> (Object) id).toList())
                .withDateRange(ts(200), null);
        assertThat(exportedIds(source, request)).containsExactlyElementsOf(ids(where(o -> o.id() >= 200 && o.id() <= 600
                && Set.of("paid", "shipped", "delivered").contains(o.status()))));
    }

    // ---- sort, row_limit, columns, labels -------------------------------------------------------------------

    private static final Comparator<Order> STATUS_ASC_QUANTITY_DESC_ID_ASC = Comparator.comparing(Order::status)
            .thenComparing(Order::quantity, Comparator.reverseOrder()).thenComparing(Order::id);

    private static List<SortKey> statusAscQuantityDescIdAsc() {
        return List.of(new SortKey("status", "asc"), new SortKey("quantity", "DESC"), new SortKey("id", null));
    }

    @Test
    void multiKeySortFollowsEachKeysDirection() {
        ExportRequest request = ExportRequest.of("orders", "ndjson").withSort(statusAscQuantityDescIdAsc());
        assertThat(exportedIds(source, request))
                .containsExactlyElementsOf(ids(ALL.stream().sorted(STATUS_ASC_QUANTITY_DESC_ID_ASC).toList()));
    }

    /** Without bound values PostgreSQL takes the COPY path; the order must be the same there. */
    @Test
    void multiKeySortIsTheSameInCsv() {
        ExportRunner.Output out = ExportRunner.export(source, ExportRequest.of("orders", "csv")
                .withColumns(List.of("id", "status", "quantity")).withSort(statusAscQuantityDescIdAsc()));
        List<List<String>> rows = DemoOrders.csv(out.text());
        assertThat(rows.get(0)).containsExactly("id", "status", "quantity");
        assertThat(rows.subList(1, rows.size()).stream().map(r -> Long.parseLong(r.get(0))).toList())
                .containsExactlyElementsOf(ids(ALL.stream().sorted(STATUS_ASC_QUANTITY_DESC_ID_ASC).toList()));
    }

    @Test
    void descendingSortOnTimestampsReversesTime() {
        ExportRequest request = ExportRequest.of("orders", "ndjson").withSort(List.of(new SortKey("created_at", "desc")));
        assertThat(exportedIds(source, request))
                .containsExactlyElementsOf(ids(ALL.stream().sorted(Comparator.comparing(Order::createdAt).reversed()).toList()));
    }

    @Test
    void rowLimitCutsTheSortedResult() {
        ExportRequest request = ExportRequest.of("orders", "ndjson")
                .withSort(List.of(new SortKey("unit_price", "desc"), new SortKey("id", "asc"))).withRowLimit(25L);
        List<Order> want = ALL.stream().sorted(Comparator.comparing(Order::unitPrice).reversed()
                .thenComparing(Order::id)).limit(25).toList();
        assertThat(exportedIds(source, request)).containsExactlyElementsOf(ids(want));
    }

    @Test
    void rowLimitAppliesAfterFilters() {
        List<Long> refunded = ids(where(o -> o.status().equals("refunded")));
        assertThat(exportedIds(source, orders(f("status", "eq", "refunded")).withRowLimit(10L)))
                .containsExactlyElementsOf(refunded.subList(0, 10));
        assertThat(exportedIds(source, orders(f("status", "eq", "refunded")).withRowLimit(1_000_000_000L)))
                .containsExactlyElementsOf(refunded);
    }

    @Test
    void rowLimitWithoutSortStillCapsTheRowCount() {
        ExportRunner.Output out = ExportRunner.export(source, ExportRequest.of("orders", "csv").withRowLimit(7L));
        assertThat(out.result().rows()).isEqualTo(7);
        assertThat(DemoOrders.csv(out.text())).hasSize(8);
    }

    @Test
    void columnsAreASubsetInTheRequestedOrderWithTheReferenceValues() {
        ExportRequest request = orders(f("id", "lte", 300))
                .withColumns(List.of("status", "id", "unit_price", "created_at", "shipped"));
        List<Map<String, Object>> rows = DemoOrders.ndjson(source, request);
        assertThat(rows).hasSize(300);
        for (Map<String, Object> row : rows) {
            assertThat(row.keySet()).containsExactly("status", "id", "unit_price", "created_at", "shipped");
            Order o = ALL.get(((Number) row.get("id")).intValue() - 1);
            assertThat(row.get("status")).isEqualTo(o.status());
            assertThat((BigDecimal) row.get("unit_price")).isEqualByComparingTo(o.unitPrice());
            assertThat(OffsetDateTime.parse((String) row.get("created_at")).toInstant()).isEqualTo(o.createdAt().toInstant());
            assertThat(row.get("shipped")).isEqualTo(o.shipped());
        }
    }

    /** A full-width check: what comes out is what DemoData put in, every column, NULLs and negatives included. */
    @Test
    void everyColumnOfEveryExportedRowEqualsTheReference() {
        List<Map<String, Object>> rows = DemoOrders.ndjson(source, orders(f("id", "between", List.of(1, 500))));
        assertThat(rows).hasSize(500);
        for (Map<String, Object> row : rows) {
            Order o = ALL.get(((Number) row.get("id")).intValue() - 1);
            Map<String, Object> want = new LinkedHashMap<>();
            want.put("id", o.id());
            want.put("customer_id", (long) o.customerId());
            want.put("sku", o.sku());
            want.put("description", o.description());
            want.put("quantity", (long) o.quantity());
            want.put("unit_price", o.unitPrice());
            want.put("discount", o.discount() == null ? null : BigDecimal.valueOf(o.discount()).stripTrailingZeros());
            want.put("status", o.status());
            want.put("created_at", o.createdAt().toInstant());
            want.put("shipped", o.shipped());
            Map<String, Object> got = new LinkedHashMap<>(row);
            got.computeIfPresent("discount", (k, v) -> v instanceof Number n ? new BigDecimal(n.toString()).stripTrailingZeros() : v);
            got.computeIfPresent("created_at", (k, v) -> OffsetDateTime.parse((String) v).toInstant());
            assertThat(got).as("row %d", o.id()).isEqualTo(want);
        }
    }

    @Test
    void labelsRenameHeadersInCsvAndKeysInJson() {
        Map<String, Object> options = Map.of("labels", Map.of("id", "Order #", "status", "État, \"quoted\""));
        ExportRequest csv = ExportRequest.of("orders", "csv").withFilters(List.of(f("id", "lte", 3))).withColumns(List.of("id", "status", "quantity")).withOptions(options);
        List<List<String>> rows = DemoOrders.csv(ExportRunner.export(source, csv).text());
        assertThat(rows.get(0)).containsExactly("Order #", "État, \"quoted\"", "quantity");
        assertThat(rows).hasSize(4);

        ExportRequest json = ExportRequest.of("orders", "ndjson").withColumns(List.of("id", "status")).withOptions(options)
                .withIds(List.of(1));
        List<Map<String, Object>> objects = DemoOrders.ndjson(source, json);
        assertThat(objects).singleElement().satisfies(r -> assertThat(r).containsOnlyKeys("Order #", "État, \"quoted\"")
                .containsEntry("Order #", 1L).containsEntry("État, \"quoted\"", ALL.get(0).status()));
    }

    // ---- the SQL itself --------------------------------------------------------------------------------------

    /**
     * A request using every operator with distinctive values: none of the values may appear in the SQL text, which
     * holds only catalog identifiers, keywords and one '?' per bound parameter.
     */
    @Test
    void generatedSqlContainsNoRequestValueOnlyPlaceholders() {
        List<Filter> filters = List.of(
                f("sku", "eq", "zqEQmarker"), f("sku", "ne", "zqNEmarker"), f("quantity", "lt", 987_654_301),
                f("quantity", "lte", "987654302"), f("unit_price", "gt", "98765.43"), f("unit_price", "gte", -98765.44),
                f("status", "in", List.of("zqIN1", "zqIN2")), f("status", "not_in", "zqNOTIN1,zqNOTIN2"),
                f("created_at", "between", List.of("2031-07-19T01:02:03Z", "2032-08-20")),
                f("description", "like", "zqLIKE%"), f("description", "contains", "zq'CONTAINS"),
                f("description", "starts_with", "zq\"STARTS"), f("discount", "is_null", null),
                f("customer_id", "not_null", ""));
        ExportRequest request = ExportRequest.of("orders", "csv").withFilters(filters).withIds(List.of(424_242_421))
                .withDateRange("2033-09-21", "2034-10-22").withRowLimit(777_777L)
                .withSort(List.of(new SortKey("quantity", "desc")));
        QueryPlan plan = new QueryPlanner(source.catalog(), source.dialect()).plan(request);
        String sql = plan.sql();

        assertThat(sql).doesNotContainIgnoringCase("zq");
        // Identifiers are removed first: the per-run schema name is random hex and may contain any digits.
        char quote = source.dialect().quote("x").charAt(0);
        String withoutIdentifiers = sql.replaceAll(quote + "[^" + quote + "]*" + quote, "ID").replace("ESCAPE '!'", "");
        for (String marker : List.of("987", "98765", "2031", "2032", "2033", "2034", "424242", "777777")) {
            assertThat(withoutIdentifiers).as("SQL must not contain the value text '%s'", marker).doesNotContain(marker);
        }
        assertThat(withoutIdentifiers).as("no literal of any kind outside identifiers").doesNotContainPattern("['\"`0-9]");
        assertThat(sql.chars().filter(ch -> ch == '?').count()).isEqualTo(plan.parameters().size());
        // 6 single-value operators, in 2, not_in 2, between 2, three text matches, ids 1, date range 2, LIMIT 1.
        assertThat(plan.parameters()).hasSize(6 + 2 + 2 + 2 + 3 + 1 + 2 + 1)
                .contains("zqEQmarker", "zqNEmarker", 987_654_301L, 987_654_302L, "zqIN1", "zqNOTIN2", "zqLIKE%",
                        "%zq'CONTAINS%", "zq\"STARTS%", 424_242_421L, 777_777L);
        assertThat(plan.parameters().get(plan.parameters().size() - 1)).as("LIMIT is the last parameter").isEqualTo(777_777L);
    }

    @Test
    void planIdentifiersAreTheCatalogSpellingEvenWhenTheRequestUsesAnotherCase() {
        QueryPlan plan = new QueryPlanner(source.catalog(), source.dialect())
                .plan(ExportRequest.of("ORDERS", "csv").withColumns(List.of("ID", "Status")));
        Dialect d = source.dialect();
        assertThat(plan.sql()).startsWith("SELECT " + d.quote("id") + ", " + d.quote("status") + " FROM ")
                .contains(d.quote("orders"));
        assertThat(plan.labels()).containsExactly("id", "status");
    }

    @Test
    void exportsFromATableWhoseNamesContainQuoteCharacters() {
        String url = DemoOrders.url(db());
        Dialect d = Dialect.fromJdbcUrl(url);
        String table = "odd \"name\" `x`";
        TestDatabases.execute(url, "DROP TABLE IF EXISTS " + d.quote(table),
                "CREATE TABLE " + d.quote(table) + " (" + d.quote("a\"b`c") + " INTEGER, " + d.quote("select") + " VARCHAR(10))",
                "INSERT INTO " + d.quote(table) + " VALUES (1, 'one'), (2, 'two'), (3, NULL)");
        ExportRequest request = ExportRequest.of(table, "ndjson").withColumns(List.of("select", "a\"b`c"))
                .withFilters(List.of(f("a\"b`c", "gte", 2))).withSort(List.of(new SortKey("a\"b`c", "asc")));
        List<Map<String, Object>> rows = DemoOrders.ndjson(source, request);
        assertThat(rows).extracting(r -> Arrays.asList(r.get("select"), r.get("a\"b`c")))
                .containsExactly(Arrays.asList("two", 2L), Arrays.asList(null, 3L));
        assertThat(Objects.requireNonNull(rows.get(0)).keySet()).containsExactly("select", "a\"b`c");
    }
}
