package dev.freight.engine;

import dev.freight.query.ExportRequest;
import dev.freight.query.Filter;
import dev.freight.query.QueryPlan;
import dev.freight.query.QueryPlanner;
import dev.freight.source.JdbcSource;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Estimates decide sync or async delivery, so row_limit must count even when the table is far bigger than the cap. */
class RowEstimatorTest {
    private static final String URL = "jdbc:h2:mem:row_estimator;DB_CLOSE_DELAY=-1";
    private static JdbcSource source;

    @BeforeAll
    static void table() {
        TestDatabases.execute(URL, "CREATE TABLE t AS SELECT X AS id FROM SYSTEM_RANGE(1, 5000)");
        source = JdbcSource.open("t", URL, null, null, 2);
    }

    @AfterAll
    static void close() {
        source.close();
    }

    private static OptionalLong estimate(ExportRequest request, long cap) {
        QueryPlan plan = new QueryPlanner(source.catalog(), source.dialect()).plan(request);
        return RowEstimator.estimate(source, plan, cap);
    }

    @Test
    void aRowLimitWithinTheCapIsTheEstimateOfABiggerTable() {
        assertThat(estimate(ExportRequest.of("T", "csv").withRowLimit(400L), 1000)).isEqualTo(OptionalLong.of(400));
    }

    @Test
    void fewerMatchingRowsThanTheRowLimitAreCountedExactly() {
        ExportRequest r = ExportRequest.of("T", "csv").withRowLimit(400L)
                .withFilters(List.of(new Filter("ID", "lte", 100)));
        assertThat(estimate(r, 1000)).isEqualTo(OptionalLong.of(100));
    }

    @Test
    void aRowLimitAboveTheCapOfABiggerTableIsUnknown() {
        assertThat(estimate(ExportRequest.of("T", "csv").withRowLimit(2000L), 1000)).isEmpty();
    }

    @Test
    void withoutARowLimitATableBiggerThanTheCapIsUnknown() {
        assertThat(estimate(ExportRequest.of("T", "csv"), 1000)).isEmpty();
    }

    @Test
    void aCountCappedBelowTheMaximumCannotShowThatTheMaximumIsExceeded() {
        QueryPlan plan = new QueryPlanner(source.catalog(), source.dialect()).plan(ExportRequest.of("T", "csv")
                .withFilters(List.of(new Filter("ID", "gt", 0))));
        assertThat(RowEstimator.canExceed(source, plan, 1000, 4000)).isFalse();
    }

    @Test
    void aCountCappedAtOrAboveTheMaximumCanShowThatTheMaximumIsExceeded() {
        QueryPlan plan = new QueryPlanner(source.catalog(), source.dialect()).plan(ExportRequest.of("T", "csv")
                .withFilters(List.of(new Filter("ID", "gt", 0))));
        assertThat(RowEstimator.canExceed(source, plan, 1000, 1000)).isTrue();
        assertThat(RowEstimator.count(source, plan, 1000).exceeds(1000)).isTrue();
    }

    @Test
    void anEstimateLeavesNoQueryTimeoutOnThePooledConnectionForTheExportThatFollows() throws Exception {
        // One connection: the export after the estimate borrows the very connection the estimate counted on.
        try (JdbcSource single = JdbcSource.open("single", URL, null, null, 1)) {
            QueryPlan plan = new QueryPlanner(single.catalog(), single.dialect()).plan(ExportRequest.of("T", "csv")
                    .withFilters(List.of(new Filter("ID", "gt", 10))));
            assertThat(RowEstimator.estimate(single, plan, 10_000)).isEqualTo(OptionalLong.of(4990));
            try (Connection c = single.connection(); Statement s = c.createStatement()) {
                assertThat(s.getQueryTimeout()).as("seconds an export on this connection may run").isZero();
            }
        }
    }
}
