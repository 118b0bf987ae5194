package dev.freight.export;

import dev.freight.auth.Principal;
import dev.freight.config.ReportConfig;
import dev.freight.engine.ExportFailedException;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.format.visual.VisualOptions;
import dev.freight.query.ExportRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plans a visual export (png, pdf_visual): its target (a report, one widget of it, or an ad-hoc chart of a series),
 * every widget's data request planned for the principal (so a report they may not see is the same refusal as an
 * unknown one), and the options. The request is valid before the renderer is asked whether it can draw: a bad
 * request is a 400 on every node, a node without a browser a 503.
 */
final class Visuals {
    /** The widget name of an ad-hoc chart. */
    static final String CHART = "chart";

    private Visuals() {
    }

    static PreparedExport plan(ExportService exports, ExportRequest request, ExportFormat format, Principal principal,
                               Renderer renderer) {
        VisualOptions options = VisualOptions.of(FormatOptions.parse(format, request.options()));
        if (request.compress()) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "compress", "format " + format.id()
                    + " is already compressed; compress: true does not apply");
        }
        VisualTarget target;
        ExportRequest asked;
        String name;
        if (request.report() != null) {
            refuseDataFields(request, format);
            ReportConfig report = exports.reports().find(exports, request.report(), principal)
                    .orElseThrow(() -> new InvalidRequestException(ProblemCode.UNKNOWN_REPORT, "report",
                            Messages.unknown("report", request.report(), exports.reports().visible(exports, principal)
                                    .stream().map(ReportConfig::name).toList())));
            List<ReportConfig.Widget> chosen = report.widgets();
            if (request.widget() != null) {
                chosen = report.widgets().stream().filter(w -> w.name().equals(request.widget())).toList();
                if (chosen.isEmpty()) {
                    throw new InvalidRequestException(ProblemCode.UNKNOWN_WIDGET, "widget", Messages.unknown("widget",
                            request.widget(), "in report " + report.name(), report.widgets().stream()
                                    .map(ReportConfig.Widget::name).toList()));
                }
            }
            List<VisualTarget.Widget> widgets = new ArrayList<>();
            for (ReportConfig.Widget w : chosen) {
                boolean alone = request.widget() != null;
                widgets.add(new VisualTarget.Widget(w.name(), w.title() == null ? w.name() : w.title(), w.type().wireName(),
                        w.chart() == null ? null : w.chart().wireName(), w.series() == null ? List.of() : w.series().groupBy(),
                        alone ? 0 : w.x(), alone ? 0 : w.y(), alone ? ReportConfig.GRID_COLUMNS : w.w(), alone ? 1 : w.h(),
                        Reports.request(w)));
            }
            String title = request.widget() == null ? report.title() : report.title() + " · " + widgets.get(0).title();
            String id = request.widget() == null ? "report:" + report.name() : "widget:" + report.name() + "/" + request.widget();
            target = new VisualTarget(id, title, format, options, ReportConfig.GRID_COLUMNS, widgets);
            asked = ExportRequest.of(null, format.id()).withOptions(request.options())
                    .withReport(report.name(), request.widget());
            name = request.widget() == null ? report.name() : report.name() + "-" + request.widget();
        } else {
            if (request.widget() != null) {
                throw new InvalidRequestException(ProblemCode.INVALID_VISUAL_TARGET, "widget", "widget names a widget of "
                        + "a report: give report too");
            }
            if (request.series() == null) {
                throw new InvalidRequestException(ProblemCode.INVALID_VISUAL_TARGET, "series", "format " + format.id()
                        + " draws a chart of a series or a report: add series {\"timeframe\": …, \"granularity\": …} "
                        + "or report (GET /api/v1/export/reports lists them)");
            }
            // The data of the chart is the same request as JSON; the planner refuses what a series does not take.
            ExportRequest data = request.withFormat(ExportFormat.JSON.id()).withOptions(Map.of());
            PreparedExport planned = exports.plan(data, principal);
            ExportRequest resolved = planned.request();
            VisualTarget.Widget chart = new VisualTarget.Widget(CHART, planned.dataset(), "chart", options.chart(),
                    resolved.series().groupBy() == null ? List.of() : resolved.series().groupBy(), 0, 0,
                    ReportConfig.GRID_COLUMNS, 1, resolved);
            target = new VisualTarget("chart:" + planned.dataset(), chartTitle(planned.dataset(), resolved.series()),
                    format, options, ReportConfig.GRID_COLUMNS, List.of(chart));
            asked = resolved.withFormat(format.id()).withOptions(request.options());
            name = planned.dataset();
        }
        PreparedExport first = exports.plan(target.widgets().get(0).data(), principal);
        renderer.unavailable().ifPresent(why -> {
            throw new ExportFailedException(ProblemCode.RENDERER_UNAVAILABLE.code(), why, true, null);
        });
        return new PreparedExport(name, first.plan(), principal, first.caps(), target, asked);
    }

    /** "orders · sum unit_price, count by day": what an ad-hoc chart shows, as its title. */
    private static String chartTitle(String dataset, dev.freight.query.SeriesRequest s) {
        List<String> measures = new ArrayList<>();
        for (var m : s.measures() == null ? List.<dev.freight.query.SeriesRequest.Measure>of() : s.measures()) {
            measures.add(m.column() == null ? m.agg() : m.agg() + " " + m.column());
        }
        return dataset + " · " + (measures.isEmpty() ? "count" : String.join(", ", measures)) + " by "
                + (s.granularity() == null ? "day" : s.granularity())
                + (s.groupBy() == null || s.groupBy().isEmpty() ? "" : " and " + String.join(", ", s.groupBy()));
    }

    /** A report's widgets say what data they show: the fields that pick rows do not apply to its picture. */
    private static void refuseDataFields(ExportRequest r, ExportFormat format) {
        String field = r.dataset() != null ? "dataset" : r.series() != null ? "series" : !r.columns().isEmpty() ? "columns"
                : !r.filters().isEmpty() ? "filters" : !r.sort().isEmpty() ? "sort" : r.rowLimit() != null ? "row_limit"
                : !r.ids().isEmpty() ? "ids" : r.dateFrom() != null ? "date_from" : r.dateTo() != null ? "date_to" : null;
        if (field != null) {
            throw new InvalidRequestException(ProblemCode.INVALID_VISUAL_TARGET, field, field + " does not apply to a "
                    + format.id() + " of a report: its widgets say what data they show; leave " + field + " out");
        }
    }
}
