package dev.freight.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One entry of {@code reports}: a named layout of widgets on a 12-column grid, each widget a chart, a table or a KPI
 * of one dataset. Bound and checked for its shape (keys, types, the grid) by {@code ReportsBinder}; that its
 * datasets, columns and series are valid needs the catalog and is checked at start-up by {@code export}.
 */
public record ReportConfig(String name, String title, List<Widget> widgets) {
    /** Columns of the grid every report is laid out on. */
    public static final int GRID_COLUMNS = 12;

    public ReportConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(title, "title");
        widgets = List.copyOf(widgets);
    }

    /** The config key of this report, {@code reports.<name>}, which refusals name. */
    public String key() {
        return "reports." + name;
    }

    public enum Type {
        CHART, TABLE, KPI;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Chart {
        LINE, AREA, BAR, STACKED_BAR;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * {@code chart} is set only for a chart; {@code series} is required for a chart and a KPI (one measure, shown as
     * the value of the latest bucket); a table shows a series' rows, or without one the dataset's first
     * {@code rowLimit} rows of {@code columns} (empty: all). {@code x, y, w, h} in grid cells.
     */
    public record Widget(String name, String title, Type type, Chart chart, String dataset, Series series,
                         List<Filter> filters, List<String> columns, long rowLimit, int x, int y, int w, int h) {
        public Widget {
            filters = List.copyOf(filters);
            columns = List.copyOf(columns);
        }

        /** Whether the two widgets share a grid cell. */
        public boolean overlaps(Widget o) {
            return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h;
        }
    }

    /** The shape of an export request's {@code series}; null fields take the request's defaults. */
    public record Series(String timeColumn, String timeframe, String from, String to, String timeZone,
                         String granularity, List<Measure> measures, List<String> groupBy, String fill) {
        public Series {
            measures = List.copyOf(measures);
            groupBy = List.copyOf(groupBy);
        }
    }

    public record Measure(String column, String agg) {
    }

    /** A filter as an export request spells it; {@code value} a String, Long, BigDecimal, Boolean, null or a list. */
    public record Filter(String column, String op, Object value) {
    }
}
