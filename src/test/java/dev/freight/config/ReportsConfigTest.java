package dev.freight.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code reports}: what a valid report binds to, and each refusal of its shape with its exact one-line message. */
class ReportsConfigTest {
    @TempDir
    Path dir;

    private static final String KPI = """
            reports:
              weekly:
                title: Weekly sales
                widgets:
                  orders:
                    type: kpi
                    dataset: orders
                    series: {timeframe: this_week, granularity: week, measures: [{agg: count}]}
                    position: {x: 0, y: 0}
                    size: {w: 4, h: 2}
            """;

    private String message(String yaml) {
        return new Configs(dir).message(yaml);
    }

    /** The KPI report with one more widget appended (indented as a widget). */
    private static String with(String widget) {
        return KPI + widget.indent(6);
    }

    @Test
    void aReportBindsItsWidgetsInFileOrder() {
        FreightConfig c = new Configs(dir).load(with("""
                revenue:
                  type: chart
                  chart: stacked_bar
                  title: Revenue by status
                  dataset: orders
                  series:
                    timeframe: last_30d
                    time_zone: Europe/Berlin
                    granularity: day
                    measures: [{column: unit_price, agg: sum}]
                    group_by: [status]
                    fill: zero
                  filters: [{column: status, op: in, value: [paid, shipped]}, {column: quantity, op: gt, value: 2}]
                  position: {x: 4, y: 0}
                  size: {w: 8, h: 4}
                latest:
                  type: table
                  dataset: orders
                  columns: [id, status]
                  row_limit: 10
                  position: {x: 0, y: 4}
                  size: {w: 12, h: 3}
                """));

        ReportConfig r = c.reports().get("weekly");
        assertThat(r.title()).isEqualTo("Weekly sales");
        assertThat(r.widgets()).extracting(ReportConfig.Widget::name).containsExactly("orders", "revenue", "latest");
        ReportConfig.Widget revenue = r.widgets().get(1);
        assertThat(revenue.chart()).isEqualTo(ReportConfig.Chart.STACKED_BAR);
        assertThat(revenue.series().measures()).containsExactly(new ReportConfig.Measure("unit_price", "sum"));
        assertThat(revenue.series().groupBy()).containsExactly("status");
        assertThat(revenue.filters()).containsExactly(new ReportConfig.Filter("status", "in", List.of("paid", "shipped")),
                new ReportConfig.Filter("quantity", "gt", "2"));
        assertThat(List.of(revenue.x(), revenue.y(), revenue.w(), revenue.h())).containsExactly(4, 0, 8, 4);
        assertThat(r.widgets().get(2).rowLimit()).isEqualTo(10);
        assertThat(r.widgets().get(0).rowLimit()).isEqualTo(ReportsBinder.TABLE_ROWS_DEFAULT);
    }

    @Test
    void noReportsIsAnEmptyMap() {
        assertThat(new Configs(dir).load("reports:\n").reports()).isEmpty();
        assertThat(FreightConfig.defaults().reports()).isEmpty();
    }

    @Test
    void aReportNeedsATitleAndWidgets() {
        assertThat(message("reports:\n  weekly:\n    widgets: {}\n"))
                .isEqualTo("configuration: reports.weekly.title: missing");
        assertThat(message("reports:\n  weekly:\n    title: W\n"))
                .isEqualTo("configuration: reports.weekly.widgets: missing: a report needs at least one widget");
        assertThat(message("reports:\n  Weekly:\n    title: W\n"))
                .isEqualTo("configuration: reports.Weekly: invalid report name: use lower-case letters, digits, '_' and"
                        + " '-', starting with a letter");
        assertThat(message("reports:\n  weekly:\n    title: W\n    widget: {}\n"))
                .isEqualTo("configuration: reports.weekly: unknown key 'widget' (did you mean 'widgets'?)");
    }

    @Test
    void widgetTypesAndChartsAreChecked() {
        assertThat(message(KPI.replace("type: kpi", "type: gauge")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.type: expected one of chart, table, kpi, got 'gauge'");
        assertThat(message(KPI.replace("type: kpi", "type: chart")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.chart: missing: expected one of line, area, bar,"
                        + " stacked_bar");
        assertThat(message(KPI.replace("type: kpi", "type: chart\n        chart: pie")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.chart: expected one of line, area, bar,"
                        + " stacked_bar, got 'pie'");
        assertThat(message(KPI.replace("type: kpi", "type: kpi\n        chart: bar")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.chart: only a widget of type chart has a chart");
        assertThat(message(KPI.replace("        dataset: orders\n", "")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.dataset: missing");
        assertThat(message(KPI.replace("position:", "postion:")))
                .isEqualTo("configuration: reports.weekly.widgets.orders: unknown key 'postion' (did you mean 'position'?)");
    }

    @Test
    void aChartOrKpiNeedsASeriesOfTheRightShape() {
        assertThat(message(KPI.replace("type: kpi", "type: chart\n        chart: line")
                .replace("        series: {timeframe: this_week, granularity: week, measures: [{agg: count}]}\n", "")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.series: missing: a chart widget shows a series");
        assertThat(message(KPI.replace("measures: [{agg: count}]", "measures: [{agg: count}, {column: quantity, agg: sum}]")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.series.measures: a kpi widget shows one number:"
                        + " give exactly one measure, got 2");
        assertThat(message(KPI.replace("measures: [{agg: count}]", "measures: []")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.series.measures: a kpi widget shows one number:"
                        + " give exactly one measure, got 0");
        assertThat(message(KPI.replace("measures: [{agg: count}]", "measures: [{agg: count}], group_by: [status]")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.series.group_by: a kpi widget shows one number:"
                        + " it cannot be grouped");
        assertThat(message(KPI.replace("granularity: week", "granularty: week")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.series: unknown key 'granularty' (did you mean"
                        + " 'granularity'?)");
        assertThat(message(KPI.replace("measures: [{agg: count}]", "measures: count")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.series.measures: expected a list like [{column:"
                        + " unit_price, agg: sum}]");
        assertThat(message(KPI.replace("measures: [{agg: count}]", "measures: [{column: id}]")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.series.measures[0].agg: missing");
        assertThat(message(KPI.replace("    position:", "    row_limit: 5\n        position:")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.row_limit: only a table widget without a series"
                        + " has a row_limit");
    }

    @Test
    void widgetsStayInsideTheGridAndDoNotOverlap() {
        assertThat(message(KPI.replace("{x: 0, y: 0}", "{x: 10, y: 0}")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.size.w: the widget ends at column 14, outside"
                        + " the 12-column grid (x 10 + w 4); make it at most 2 wide");
        assertThat(message(KPI.replace("{x: 0, y: 0}", "{x: 12, y: 0}")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.position.x: expected an integer from 0 to 11, got \"12\"");
        assertThat(message(KPI.replace("{w: 4, h: 2}", "{w: 0, h: 2}")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.size.w: expected an integer from 1 to 12, got \"0\"");
        assertThat(message(KPI.replace("{x: 0, y: 0}", "{x: 0, y: -1}")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.position.y: expected an integer from 0 to 10000,"
                        + " got \"-1\"");
        assertThat(message(KPI.replace("        size: {w: 4, h: 2}\n", "")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.size: missing: expected a mapping {w: columns"
                        + " 1-12, h: rows 1-24}");
        assertThat(message(with("""
                other:
                  type: table
                  dataset: orders
                  position: {x: 3, y: 1}
                  size: {w: 2, h: 2}
                """)))
                .isEqualTo("configuration: reports.weekly.widgets.other.position: widget 'other' (x 3, y 1, 2x2)"
                        + " overlaps widget 'orders' (x 0, y 0, 4x2)");
        // Touching edges is not overlapping.
        assertThat(new Configs(dir).load(with("""
                other:
                  type: table
                  dataset: orders
                  position: {x: 4, y: 0}
                  size: {w: 8, h: 2}
                """)).reports().get("weekly").widgets()).hasSize(2);
    }

    @Test
    void filtersAreAListOfColumnOpValue() {
        assertThat(message(KPI.replace("    position:", "    filters: {status: paid}\n        position:")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.filters: expected a list like [{column: status,"
                        + " op: eq, value: paid}]");
        assertThat(message(KPI.replace("    position:", "    filters: [{column: status, value: paid}]\n        position:")))
                .isEqualTo("configuration: reports.weekly.widgets.orders.filters[0].op: missing");
    }
}
