package dev.freight.query;

import dev.freight.engine.ExportPlan;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.ForbiddenRequestException;
import dev.freight.engine.CancellationToken;
import dev.freight.engine.ExportEngine;
import dev.freight.engine.ExportListener;
import dev.freight.engine.ExportResult;
import dev.freight.engine.RowEstimator;
import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.source.ColumnType;
import dev.freight.source.Dialect;
import dev.freight.source.JdbcSource;
import dev.freight.source.Table;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Permissions as the planner applies them, against the demo tables in a real database: hidden columns do not exist
 * by any route, masked columns are exported masked and cannot be filtered or sorted on, and the row filter is bound
 * from the principal's attributes and cannot be widened. Expected rows come from the Java copy of the demo data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PermissionsPlannerContract {
    /**
     * What an analyst of customers 1 to 50 may see: no price or discount, sku masked, only those customers' orders.
     * The attribute is text and {@code customer_id} an integer, as with real tenant ids.
     */
    DatasetAccess upTo50;
    /** The hash mask's key in these tests (a node has server.mask_key or its generated key). */
    static final byte[] HASH_KEY = "permissions-contract-hash-key-0123456789".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    /** The row filter's column, quoted: H2 folds unquoted names to upper case, the demo tables' are lower case. */
    String customerId;

    JdbcSource source;
    Table orders;
    Table customers;

    abstract DemoOrders.Db db();

    @BeforeAll
    void load() {
        source = DemoOrders.source(db());
        orders = source.catalog().find("orders").orElseThrow();
        customers = source.catalog().find("customers").orElseThrow();
        customerId = source.dialect().quote("customer_id");
        upTo50 = new DatasetAccess(
                new LinkedHashSet<>(List.of("id", "sku", "description", "quantity", "status", "created_at", "shipped")),
                Map.of("sku", Mask.LAST4), customerId + " <= ?", List.of("50"), null);
    }

    static DatasetAccess keyed(java.util.Set<String> visible, Map<String, Mask> masks, String rowFilter,
                               List<Object> parameters, String missingAttribute) {
        return new DatasetAccess(visible, masks, rowFilter, parameters, missingAttribute, HASH_KEY);
    }

    QueryPlan plan(ExportRequest request, DatasetAccess access) {
        return new QueryPlanner(source.catalog(), source.dialect()).plan(orders, request, access);
    }

    static ExportRequest all() {
        return ExportRequest.of("orders", "csv");
    }

    InvalidRequestException refused(Supplier<?> action) {
        try {
            Object result = action.get();
            return fail("expected a refusal, got " + result);
        } catch (InvalidRequestException e) {
            return e;
        }
    }

    InvalidRequestException refused(ExportRequest request, DatasetAccess access) {
        return refused(() -> plan(request, access));
    }

    record Run(List<List<String>> rows, ExportResult result) {
    }

    Run export(Table table, ExportRequest request, DatasetAccess access) {
        QueryPlan plan = new QueryPlanner(source.catalog(), source.dialect()).plan(table, request, access);
        ExportFormat format = ExportFormat.fromId(request.format());
        ExportPlan job = new ExportPlan(source, plan, format, FormatOptions.parse(format, request.options()),
                false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExportResult result = new ExportEngine().export(job, out, ExportListener.NONE, new CancellationToken());
        return new Run(DemoOrders.csv(out.toString(StandardCharsets.UTF_8)), result);
    }

    static List<Long> idsOf(List<List<String>> csv) {
        return csv.subList(1, csv.size()).stream().map(r -> Long.parseLong(r.get(0))).toList();
    }

    // ---------------------------------------------------------------- hidden columns

    @Test
    void onlyVisibleColumnsAreExportedByDefault() {
        QueryPlan plan = plan(all(), upTo50);
        assertThat(plan.columns()).extracting(c -> c.name())
                .containsExactly("id", "sku", "description", "quantity", "status", "created_at", "shipped");
        assertThat(plan.sql()).doesNotContain("unit_price").doesNotContain("discount");
    }

    @Test
    void aHiddenColumnNamedInColumnsIsUnknownAndTheMessageListsOnlyVisibleOnes() {
        InvalidRequestException e = refused(all().withColumns(List.of("id", "unit_price")), upTo50);
        assertThat(e.code()).isEqualTo("unknown_column");
        assertThat(e.field()).isEqualTo("columns[1]");
        assertThat(e.getMessage()).contains("'unit_price'").contains("sku").doesNotContain("discount")
                .doesNotContain("customer_id");
    }

    @Test
    void aHiddenColumnIsUnknownInAnyCase() {
        assertThat(refused(all().withColumns(List.of("UNIT_PRICE")), upTo50).code()).isEqualTo("unknown_column");
    }

    @Test
    void aHiddenColumnInAFilterIsUnknown() {
        InvalidRequestException e = refused(all().withFilters(List.of(new Filter("unit_price", "gt", 10))), upTo50);
        assertThat(e.code()).isEqualTo("unknown_column");
        assertThat(e.field()).isEqualTo("filters[0].column");
        assertThat(e.getMessage()).doesNotContain("discount");
    }

    @Test
    void theRowFilterColumnItselfIsHiddenToo() {
        assertThat(refused(all().withFilters(List.of(new Filter("customer_id", "eq", 8))), upTo50).code())
                .isEqualTo("unknown_column");
    }

    @Test
    void aHiddenColumnInSortIsUnknown() {
        InvalidRequestException e = refused(all().withSort(List.of(new SortKey("discount", "desc"))), upTo50);
        assertThat(e.code()).isEqualTo("unknown_column");
        assertThat(e.field()).isEqualTo("sort[0].column");
    }

    @Test
    void aHiddenColumnInLabelsIsUnknown() {
        InvalidRequestException e = refused(all().withOptions(Map.of("labels", Map.of("unit_price", "Price"))),
                upTo50);
        assertThat(e.code()).isEqualTo("unknown_column");
        assertThat(e.field()).isEqualTo("options.labels.unit_price");
    }

    @Test
    void idsOnAHiddenKeyAreRefusedWithoutNamingTheKey() {
        DatasetAccess noId = new DatasetAccess(Set.of("sku", "status"), Map.of(), null, List.of(), null);
        InvalidRequestException e = refused(all().withIds(List.of(1, 2)), noId);
        assertThat(e.code()).isEqualTo("unknown_column");
        assertThat(e.field()).isEqualTo("ids");
        assertThat(e.getMessage()).contains("sku, status").doesNotContain("'id'");
    }

    @Test
    void aDateRangeOnAHiddenTimeColumnIsRefusedClearly() {
        DatasetAccess noTime = new DatasetAccess(Set.of("id", "sku"), Map.of(), null, List.of(), null);
        InvalidRequestException e = refused(all().withDateRange("2024-01-01", null), noTime);
        assertThat(e.code()).isEqualTo("no_time_column");
        assertThat(e.field()).isEqualTo("date_from");
        assertThat(e.getMessage()).contains("no visible date or timestamp column").doesNotContain("created_at");
    }

    // ---------------------------------------------------------------- masks

    @Test
    void filteringOnAMaskedColumnIsRefused() {
        InvalidRequestException e = refused(all().withFilters(List.of(new Filter("sku", "starts_with", "SKU-A"))),
                upTo50);
        assertThat(e.code()).isEqualTo("masked_column");
        assertThat(e.field()).isEqualTo("filters[0].column");
    }

    @Test
    void sortingOnAMaskedColumnIsRefused() {
        InvalidRequestException e = refused(all().withSort(List.of(new SortKey("SKU", "asc"))), upTo50);
        assertThat(e.code()).isEqualTo("masked_column");
        assertThat(e.field()).isEqualTo("sort[0].column");
    }

    @Test
    void aDateRangeOrIdsOnAMaskedColumnAreRefused() {
        DatasetAccess masked = keyed(null, Map.of("created_at", Mask.HASH, "id", Mask.HASH), null,
                List.of(), null);
        assertThat(refused(all().withDateRange(null, "2024-01-01"), masked).code()).isEqualTo("masked_column");
        assertThat(refused(all().withIds(List.of(1)), masked).code()).isEqualTo("masked_column");
    }

    @Test
    void maskedColumnsAreWrittenAsTextExceptUnderTheNullMask() {
        DatasetAccess masked = keyed(null, Map.of("unit_price", Mask.HASH, "discount", Mask.NULL), null,
                List.of(), null);
        QueryPlan plan = plan(all().withColumns(List.of("id", "unit_price", "discount")), masked);
        assertThat(plan.columns()).extracting(c -> c.type())
                .containsExactly(ColumnType.INTEGER, ColumnType.DECIMAL, ColumnType.FLOAT);
        assertThat(plan.outputColumns()).extracting(c -> c.type())
                .containsExactly(ColumnType.INTEGER, ColumnType.STRING, ColumnType.FLOAT);
    }

    @Test
    void maskedValuesAreExportedMaskedAndLabelsStillApply() {
        DatasetAccess masked = keyed(null, Map.of("sku", Mask.LAST4, "unit_price", Mask.HASH,
                "discount", Mask.NULL), null, List.of(), null);
        Run run = export(orders, all().withColumns(List.of("id", "sku", "unit_price", "discount"))
                .withOptions(Map.of("labels", Map.of("sku", "Article"))).withFilters(List.of(new Filter("id", "lte", 50))),
                masked);
        assertThat(run.rows().get(0)).containsExactly("id", "Article", "unit_price", "discount");
        assertThat(run.rows()).hasSize(51);
        for (List<String> row : run.rows().subList(1, 51)) {
            DemoOrders.Order o = DemoOrders.Order.of(Long.parseLong(row.get(0)));
            assertThat(row.get(1)).isEqualTo(Mask.LAST4.apply(o.sku())).startsWith("*****").endsWith(o.sku().substring(o.sku().length() - 4));
            assertThat(row.get(2)).isEqualTo(Mask.HASH.apply(o.unitPrice().toPlainString(), HASH_KEY)).hasSize(64);
            assertThat(row.get(3)).isEmpty();
        }
        assertThat(run.result().copyFastPath()).as("masks never take the COPY path").isFalse();
    }

    @Test
    void emailsAreMaskedFromTheDatabase() {
        DatasetAccess masked = new DatasetAccess(null, Map.of("email", Mask.EMAIL), null, List.of(), null);
        Run run = export(customers, ExportRequest.of("customers", "csv").withColumns(List.of("id", "email"))
                .withSort(List.of(new SortKey("id", "asc"))).withRowLimit(3L), masked);
        assertThat(run.rows()).containsExactly(List.of("id", "email"), List.of("1", "c***@example.com"),
                List.of("2", "c***@example.com"), List.of("3", "c***@example.com"));
    }

    // ---------------------------------------------------------------- row filter

    @Test
    void theRowFilterIsBoundFromTheAttributesFirstAndInParentheses() {
        QueryPlan plan = plan(all().withFilters(List.of(new Filter("status", "eq", "paid"))).withRowLimit(10L), upTo50);
        assertThat(plan.fromAndWhere()).contains("WHERE (" + customerId + " <= ?) AND ");
        assertThat(plan.parameters()).containsExactly(new Dialect.UntypedText("50"), "paid", 10L);
        assertThat(plan.whereParameters()).containsExactly(new Dialect.UntypedText("50"), "paid");
        assertThat(plan.filtered()).isTrue();
    }

    @Test
    void onlyTheRowsOfTheRowFilterAreExported() {
        Run run = export(orders, all().withSort(List.of(new SortKey("id", "asc"))), upTo50);
        assertThat(idsOf(run.rows())).isNotEmpty()
                .isEqualTo(DemoOrders.ids(DemoOrders.where(o -> o.customerId() <= 50)));
    }

    @Test
    void userFiltersWithOrInsideThemCannotWidenTheRowFilter() {
        ExportRequest widening = all().withSort(List.of(new SortKey("id", "asc"))).withFilters(List.of(
                new Filter("status", "ne", "x' OR '1'='1"),
                new Filter("status", "not_in", List.of("') OR 1=1 --", "zzz")),
                new Filter("description", "not_null", null)));
        assertThat(idsOf(export(orders, widening, upTo50).rows()))
                .isEqualTo(DemoOrders.ids(DemoOrders.where(o -> o.customerId() <= 50 && o.description() != null)));
    }

    @Test
    void anAttributeValueIsBoundAsAValueNeverAsSql() {
        DatasetAccess hostile = new DatasetAccess(null, Map.of(), source.dialect().quote("status") + " = ?",
                List.of("paid' OR '1'='1"), null);
        assertThat(idsOf(export(orders, all(), hostile).rows())).isEmpty();
    }

    @Test
    void aRowFilterWithAnOrStaysOneConditionUnderUserFilters() {
        DatasetAccess twoCustomers = new DatasetAccess(null, Map.of(), customerId + " <= ? OR " + customerId + " >= ?",
                List.of("100", "900"), null);
        ExportRequest paid = all().withFilters(List.of(new Filter("status", "eq", "paid")))
                .withSort(List.of(new SortKey("id", "asc")));
        assertThat(idsOf(export(orders, paid, twoCustomers).rows())).isNotEmpty().isEqualTo(DemoOrders.ids(
                DemoOrders.where(o -> (o.customerId() <= 100 || o.customerId() >= 900) && o.status().equals("paid"))));
    }

    @Test
    void theCountQueryIncludesTheRowFilter() {
        QueryPlan plan = plan(all(), upTo50);
        OptionalLong estimate = RowEstimator.estimate(source, plan, 1_000_000);
        assertThat(estimate).hasValue(DemoOrders.where(o -> o.customerId() <= 50).size());
    }

    @Test
    void aMissingAttributeIsForbiddenBeforeAnythingElse() {
        DatasetAccess missing = new DatasetAccess(null, Map.of(), customerId + " = ?", List.of(), "customer_id");
        InvalidRequestException e = refused(all().withColumns(List.of("nope")), missing);
        assertThat(e).isInstanceOf(ForbiddenRequestException.class);
        assertThat(e.code()).isEqualTo("missing_attribute");
        assertThat(e.getMessage()).contains("'customer_id'");
    }

    @Test
    void fullAccessPlansExactlyAsBefore() {
        ExportRequest r = all().withFilters(List.of(new Filter("status", "eq", "paid"))).withRowLimit(5L);
        QueryPlanner planner = new QueryPlanner(source.catalog(), source.dialect());
        assertThat(planner.plan(orders, r, DatasetAccess.FULL)).isEqualTo(planner.plan(orders, r));
        assertThat(planner.plan(orders, r).masks()).isEmpty();
    }
}
