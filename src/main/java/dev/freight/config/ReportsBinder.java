package dev.freight.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Binds {@code reports} into {@link ReportConfig}s: keys, types, widget types and charts, the grid (inside 12
 * columns, no two widgets on one cell) and what each widget type needs (a chart its series, a KPI exactly one
 * measure and no group_by). It knows no catalog: datasets, columns and series values are checked by planning each
 * widget's request at start-up ({@code export}). Refusals name the key under the origin {@code configuration}.
 */
final class ReportsBinder {
    static final List<String> REPORT_KEYS = List.of("title", "widgets");
    static final List<String> WIDGET_KEYS = List.of("type", "chart", "title", "dataset", "series", "filters", "columns",
            "row_limit", "position", "size");
    static final List<String> SERIES_KEYS = List.of("time_column", "timeframe", "from", "to", "time_zone", "granularity",
            "measures", "group_by", "fill");
    static final List<String> POSITION_KEYS = List.of("x", "y");
    static final List<String> SIZE_KEYS = List.of("w", "h");
    private static final List<String> MEASURE_KEYS = List.of("column", "agg");
    private static final List<String> FILTER_KEYS = List.of("column", "op", "value");
    /** A table widget without row_limit shows this many rows; it is a look at the data, not an export. */
    static final long TABLE_ROWS_DEFAULT = 100;
    static final long TABLE_ROWS_MAX = 1000;
    private static final int MAX_HEIGHT = 24;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final String ORIGIN = ConfigException.CONFIGURATION;

    private ReportsBinder() {
    }

    static Map<String, ReportConfig> reports(JsonNode tree) {
        Map<String, ReportConfig> reports = new LinkedHashMap<>();
        if (tree.isEmpty()) return reports;
        if (!tree.isObject()) throw new ConfigException(ORIGIN, "reports", "expected a mapping of report names to reports");
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = "reports." + e.getKey();
            name(key, e.getKey(), "report");
            reports.put(e.getKey(), report(e.getKey(), key, e.getValue()));
        }
        return reports;
    }

    private static ReportConfig report(String name, String key, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new ConfigException(ORIGIN, key, "expected a mapping with title and widgets");
        }
        unknownKeys(key, node, REPORT_KEYS);
        String title = text(node.get("title"), key + ".title", true);
        JsonNode widgets = node.get("widgets");
        String wkey = key + ".widgets";
        if (widgets == null || widgets.isNull() || (widgets.isObject() && widgets.isEmpty())) {
            throw new ConfigException(ORIGIN, wkey, "missing: a report needs at least one widget");
        }
        if (!widgets.isObject()) throw new ConfigException(ORIGIN, wkey, "expected a mapping of widget names to widgets");
        List<ReportConfig.Widget> bound = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = widgets.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = wkey + "." + e.getKey();
            name(k, e.getKey(), "widget");
            ReportConfig.Widget w = widget(e.getKey(), k, e.getValue());
            for (ReportConfig.Widget other : bound) {
                if (w.overlaps(other)) {
                    throw new ConfigException(ORIGIN, k + ".position", "widget '" + w.name() + "' (x " + w.x() + ", y "
                            + w.y() + ", " + w.w() + "x" + w.h() + ") overlaps widget '" + other.name() + "' (x "
                            + other.x() + ", y " + other.y() + ", " + other.w() + "x" + other.h() + ")");
                }
            }
            bound.add(w);
        }
        return new ReportConfig(name, title, bound);
    }

    private static ReportConfig.Widget widget(String name, String key, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new ConfigException(ORIGIN, key, "expected a mapping with type, dataset, position and size");
        }
        unknownKeys(key, node, WIDGET_KEYS);
        ReportConfig.Type type = choice(node.get("type"), key + ".type", ReportConfig.Type.values(), true);
        ReportConfig.Chart chart = choice(node.get("chart"), key + ".chart", ReportConfig.Chart.values(),
                type == ReportConfig.Type.CHART);
        if (chart != null && type != ReportConfig.Type.CHART) {
            throw new ConfigException(ORIGIN, key + ".chart", "only a widget of type chart has a chart");
        }
        String title = text(node.get("title"), key + ".title", false);
        String dataset = text(node.get("dataset"), key + ".dataset", true);
        ReportConfig.Series series = series(node.get("series"), key + ".series");
        if (series == null && type != ReportConfig.Type.TABLE) {
            throw new ConfigException(ORIGIN, key + ".series", "missing: a " + type.wireName() + " widget shows a series");
        }
        if (type == ReportConfig.Type.KPI) {
            if (series.measures().size() != 1) {
                throw new ConfigException(ORIGIN, key + ".series.measures", "a kpi widget shows one number: give exactly"
                        + " one measure, got " + series.measures().size());
            }
            if (!series.groupBy().isEmpty()) {
                throw new ConfigException(ORIGIN, key + ".series.group_by", "a kpi widget shows one number: it cannot"
                        + " be grouped");
            }
        }
        List<String> columns = texts(node.get("columns"), key + ".columns");
        JsonNode rowLimit = node.get("row_limit");
        if (type != ReportConfig.Type.TABLE || series != null) {
            if (!columns.isEmpty()) throw new ConfigException(ORIGIN, key + ".columns", "only a table widget without a"
                    + " series has columns (a series' columns are its bucket, groups and measures)");
            if (rowLimit != null) throw new ConfigException(ORIGIN, key + ".row_limit", "only a table widget without a"
                    + " series has a row_limit");
        }
        long rows = integer(rowLimit, key + ".row_limit", 1, TABLE_ROWS_MAX, TABLE_ROWS_DEFAULT);
        List<ReportConfig.Filter> filters = filters(node.get("filters"), key + ".filters");
        JsonNode position = required(node, "position", key, "a mapping {x: column 0-11, y: row from 0}");
        JsonNode size = required(node, "size", key, "a mapping {w: columns 1-12, h: rows 1-" + MAX_HEIGHT + "}");
        unknownKeys(key + ".position", position, POSITION_KEYS);
        unknownKeys(key + ".size", size, SIZE_KEYS);
        int x = (int) integer(position.get("x"), key + ".position.x", 0, ReportConfig.GRID_COLUMNS - 1, null);
        int y = (int) integer(position.get("y"), key + ".position.y", 0, 10_000, null);
        int w = (int) integer(size.get("w"), key + ".size.w", 1, ReportConfig.GRID_COLUMNS, null);
        int h = (int) integer(size.get("h"), key + ".size.h", 1, MAX_HEIGHT, null);
        if (x + w > ReportConfig.GRID_COLUMNS) {
            throw new ConfigException(ORIGIN, key + ".size.w", "the widget ends at column " + (x + w) + ", outside the "
                    + ReportConfig.GRID_COLUMNS + "-column grid (x " + x + " + w " + w + "); make it at most "
                    + (ReportConfig.GRID_COLUMNS - x) + " wide");
        }
        return new ReportConfig.Widget(name, title, type, chart, dataset, series, filters, columns, rows, x, y, w, h);
    }

    private static ReportConfig.Series series(JsonNode node, String key) {
        if (node == null || node.isNull()) return null;
        if (!node.isObject()) {
            throw new ConfigException(ORIGIN, key, "expected a mapping like an export request's series, e.g. "
                    + "{timeframe: last_7d, granularity: day, measures: [{agg: count}]}");
        }
        unknownKeys(key, node, SERIES_KEYS);
        List<ReportConfig.Measure> measures = new ArrayList<>();
        JsonNode ms = node.get("measures");
        if (ms != null && !ms.isNull()) {
            if (!ms.isArray()) throw new ConfigException(ORIGIN, key + ".measures", "expected a list like [{column:"
                    + " unit_price, agg: sum}]");
            int i = 0;
            for (JsonNode m : ms) {
                String mk = key + ".measures[" + i++ + "]";
                if (!m.isObject()) throw new ConfigException(ORIGIN, mk, "expected a mapping like {column: unit_price,"
                        + " agg: sum}");
                unknownKeys(mk, m, MEASURE_KEYS);
                measures.add(new ReportConfig.Measure(text(m.get("column"), mk + ".column", false),
                        text(m.get("agg"), mk + ".agg", true)));
            }
        }
        return new ReportConfig.Series(text(node.get("time_column"), key + ".time_column", false),
                text(node.get("timeframe"), key + ".timeframe", false), text(node.get("from"), key + ".from", false),
                text(node.get("to"), key + ".to", false), text(node.get("time_zone"), key + ".time_zone", false),
                text(node.get("granularity"), key + ".granularity", false), measures,
                texts(node.get("group_by"), key + ".group_by"), text(node.get("fill"), key + ".fill", false));
    }

    private static List<ReportConfig.Filter> filters(JsonNode node, String key) {
        if (node == null || node.isNull()) return List.of();
        if (!node.isArray()) throw new ConfigException(ORIGIN, key, "expected a list like [{column: status, op: eq, value:"
                + " paid}]");
        List<ReportConfig.Filter> out = new ArrayList<>();
        int i = 0;
        for (JsonNode f : node) {
            String fk = key + "[" + i++ + "]";
            if (!f.isObject()) throw new ConfigException(ORIGIN, fk, "expected a mapping like {column: status, op: eq,"
                    + " value: paid}");
            unknownKeys(fk, f, FILTER_KEYS);
            out.add(new ReportConfig.Filter(text(f.get("column"), fk + ".column", true), text(f.get("op"), fk + ".op", true),
                    value(f.get("value"), fk + ".value")));
        }
        return out;
    }

    private static Object value(JsonNode n, String key) {
        if (n == null || n.isNull()) return null;
        if (n.isArray()) {
            List<Object> values = new ArrayList<>();
            for (JsonNode e : n) {
                if (e.isContainerNode()) throw new ConfigException(ORIGIN, key, "expected scalars in the list");
                values.add(value(e, key));
            }
            return Collections.unmodifiableList(values);
        }
        if (n.isObject()) throw new ConfigException(ORIGIN, key, "expected a value or a list of values, got a mapping");
        if (n.isBoolean()) return n.booleanValue();
        if (n.isIntegralNumber() && n.canConvertToLong()) return n.longValue();
        if (n.isNumber()) return n.decimalValue();
        return n.asText();
    }

    private static JsonNode required(JsonNode node, String field, String key, String expected) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) throw new ConfigException(ORIGIN, key + "." + field, "missing: expected " + expected);
        if (!n.isObject()) throw new ConfigException(ORIGIN, key + "." + field, "expected " + expected);
        return n;
    }

    private static long integer(JsonNode n, String key, long min, long max, Long fallback) {
        if (n == null || n.isNull()) {
            if (fallback != null) return fallback;
            throw new ConfigException(ORIGIN, key, "missing: expected an integer from " + min + " to " + max);
        }
        // The YAML reader gives scalars as text (so that an environment variable can set any of them).
        long v;
        try {
            v = Long.parseLong(n.asText().trim());
        } catch (NumberFormatException e) {
            v = Long.MIN_VALUE;
        }
        if (!n.isValueNode() || v < min || v > max) {
            throw new ConfigException(ORIGIN, key, "expected an integer from " + min + " to " + max + ", got " + n);
        }
        return v;
    }

    private static <E extends Enum<E>> E choice(JsonNode n, String key, E[] values, boolean required) {
        List<String> names = Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
        String s = text(n, key, false);
        if (s == null) {
            if (required) throw new ConfigException(ORIGIN, key, "missing: expected one of " + String.join(", ", names));
            return null;
        }
        int i = names.indexOf(s);
        if (i < 0) throw new ConfigException(ORIGIN, key, "expected one of " + String.join(", ", names) + ", got '" + s + "'");
        return values[i];
    }

    private static String text(JsonNode n, String key, boolean required) {
        if (n == null || n.isNull() || (n.isTextual() && n.textValue().isBlank())) {
            if (required) throw new ConfigException(ORIGIN, key, "missing");
            return null;
        }
        if (!n.isValueNode()) throw new ConfigException(ORIGIN, key, "expected a text value");
        return n.asText();
    }

    private static List<String> texts(JsonNode n, String key) {
        if (n == null || n.isNull()) return List.of();
        if (!n.isArray()) throw new ConfigException(ORIGIN, key, "expected a list of column names");
        List<String> out = new ArrayList<>();
        int i = 0;
        for (JsonNode e : n) out.add(text(e, key + "[" + i++ + "]", true));
        return out;
    }

    private static void name(String key, String name, String what) {
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(ORIGIN, key, "invalid " + what + " name: use lower-case letters, digits, '_' and"
                    + " '-', starting with a letter");
        }
    }

    private static void unknownKeys(String key, JsonNode node, List<String> keys) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (keys.contains(k)) continue;
            String hint = Suggestions.closest(k, keys).map(s -> " (did you mean '" + s + "'?)")
                    .orElse("; valid keys: " + String.join(", ", keys));
            throw new ConfigException(ORIGIN, key, "unknown key '" + k + "'" + hint);
        }
    }
}
