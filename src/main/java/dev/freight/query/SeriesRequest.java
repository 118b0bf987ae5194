package dev.freight.query;

import java.util.List;

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

    /** One aggregate: {@code agg} of {@code column}; a {@code count} without a column counts rows. */
    public record Measure(String column, String agg) {
    }
}
