package dev.freight.export;

import dev.freight.format.ExportFormat;
import dev.freight.format.visual.VisualOptions;
import dev.freight.query.ExportRequest;

import java.util.List;
import java.util.Optional;

/**
 * What a visual export draws: a whole report, one widget of it, or an ad-hoc chart of a series. Each widget carries
 * the export request of its data (format json), which the render page fetches and which is planned for the
 * export's principal, so their columns, masks, row filter and limits apply to the picture as to any export.
 *
 * @param id      what a render token is bound to: {@code report:<name>}, {@code widget:<name>/<widget>} or
 *                {@code chart:<dataset>}
 * @param title   the page's (and the PDF header's) title
 * @param columns the grid's columns; a single widget or chart fills the page
 */
public record VisualTarget(String id, String title, ExportFormat format, VisualOptions options, int columns,
                           List<Widget> widgets) {
    public VisualTarget {
        widgets = List.copyOf(widgets);
    }

    /** {@code chart}: null unless a chart; {@code x, y, w, h}: grid cells. */
    public record Widget(String name, String title, String type, String chart, List<String> groupBy, int x, int y,
                         int w, int h, ExportRequest data) {
        public Widget {
            groupBy = List.copyOf(groupBy);
        }
    }

    public Optional<Widget> widget(String name) {
        return widgets.stream().filter(w -> w.name().equals(name)).findFirst();
    }

    public boolean pdf() {
        return format == ExportFormat.PDF_VISUAL;
    }

    /** A whole report with several widgets: what a job is for, while one widget or a chart may answer in the request. */
    public boolean report() {
        return id.startsWith("report:");
    }
}
