package dev.freight.query;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code series} part of an export request: the time range cut into buckets, each bucket's aggregates, per
 * segment. Untrusted input like the rest of {@link ExportRequest}; {@link QueryPlanner} validates it. A planned
 * request holds it resolved: {@code from}/{@code to} as instants with offset (a {@code timeframe} is resolved once,
 * when the export is planned, so a job run later or retried exports the same range), every default filled in.
 */
public record SeriesRequest(String timeColumn, String timeframe, String from, String to, String timeZone,
                            String granularity, List<Measure> measures, List<String> groupBy, String fill) {

    public SeriesRequest {
        measures = measures == null ? List.of() : List.copyOf(measures);
        groupBy = groupBy == null ? List.of() : List.copyOf(groupBy);
    }

    /** The series as the API spells it (snake_case, absent fields left out): for job and audit JSON. */
    public Map<String, Object> wire() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (timeColumn != null) m.put("time_column", timeColumn);
        if (timeframe != null) m.put("timeframe", timeframe);
        if (from != null) m.put("from", from);
        if (to != null) m.put("to", to);
        if (timeZone != null) m.put("time_zone", timeZone);
        if (granularity != null) m.put("granularity", granularity);
        if (!measures.isEmpty()) {
            m.put("measures", measures.stream().map(x -> {
                Map<String, Object> one = new LinkedHashMap<>();
                if (x.column() != null) one.put("column", x.column());
                one.put("agg", x.agg());
                return one;
            }).toList());
        }
        if (!groupBy.isEmpty()) m.put("group_by", groupBy);
        if (fill != null) m.put("fill", fill);
        return m;
    }

    /** One aggregate: {@code agg} of {@code column}; a {@code count} without a column counts rows. */
    public record Measure(String column, String agg) {
    }
}
