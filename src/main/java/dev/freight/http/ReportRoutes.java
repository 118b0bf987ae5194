package dev.freight.http;

import dev.freight.config.ReportConfig;
import dev.freight.export.ExportService;
import dev.freight.export.Reports;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configured reports the caller may see ({@link Reports} decides which), and one report's layout with each
 * widget's export request: the UI posts that request (delivery sync) to fetch the widget's data, so the data comes
 * through the one export path with the caller's permissions, masks, row filter and limits.
 */
final class ReportRoutes {
    static final String PATH = FreightServer.API + "/export/reports";

    private final ExportService exports;

    ReportRoutes(ExportService exports) {
        this.exports = exports;
    }

    void list(Context ctx) {
        List<Map<String, Object>> reports = exports.reports().visible(exports, Http.caller(ctx).principal()).stream()
                .map(r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", r.name());
                    m.put("title", r.title());
                    m.put("widget_count", r.widgets().size());
                    return m;
                }).toList();
        Http.json(ctx, 200, Map.of("reports", reports));
    }

    void get(Context ctx) {
        String name = ctx.pathParam("name");
        ReportConfig r = exports.reports().find(exports, name, Http.caller(ctx).principal())
                .orElseThrow(() -> ApiProblem.notFound("no report '" + dev.freight.error.Messages.shorten(name)
                        + "' (or one using data your role may not see); GET " + PATH + " lists yours"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("title", r.title());
        m.put("grid_columns", ReportConfig.GRID_COLUMNS);
        m.put("widgets", r.widgets().stream().map(ReportRoutes::widget).toList());
        Http.json(ctx, 200, m);
    }

    private static Map<String, Object> widget(ReportConfig.Widget w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", w.name());
        m.put("title", w.title() == null ? w.name() : w.title());
        m.put("type", w.type().wireName());
        if (w.chart() != null) m.put("chart", w.chart().wireName());
        m.put("dataset", w.dataset());
        m.put("position", ordered("x", w.x(), "y", w.y()));
        m.put("size", ordered("w", w.w(), "h", w.h()));
        m.put("request", request(w));
        return m;
    }

    /** Two keys in this order (Map.of has none, and a reader's eye expects x before y). */
    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    /** The widget's export request as the API takes it, with {@code delivery: sync}. */
    static Map<String, Object> request(ReportConfig.Widget w) {
        var r = Reports.request(w);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", r.dataset());
        m.put("format", r.format());
        m.put("delivery", Delivery.SYNC.wireName());
        if (!r.columns().isEmpty()) m.put("columns", r.columns());
        if (!r.filters().isEmpty()) {
            m.put("filters", r.filters().stream().map(f -> {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("column", f.column());
                one.put("op", f.op());
                if (f.value() != null) one.put("value", f.value());
                return one;
            }).toList());
        }
        if (r.rowLimit() != null) m.put("row_limit", r.rowLimit());
        if (r.series() != null) m.put("series", r.series().wire());
        return m;
    }
}
