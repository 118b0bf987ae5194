package dev.freight.query;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * What a caller asks to export (DESIGN.md §2). Everything here is untrusted input; {@link QueryPlanner} turns it
 * into a {@link QueryPlan} or refuses it.
 */
public record ExportRequest(String dataset, String format, List<String> columns, List<Filter> filters,
                            List<SortKey> sort, Long rowLimit, List<Object> ids, String dateFrom, String dateTo,
                            boolean compress, Map<String, Object> options,
                            @JsonInclude(JsonInclude.Include.NON_NULL) SeriesRequest series,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String report,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String widget) {

    /** A request of rows or a series, not of a report's picture. */
    public ExportRequest(String dataset, String format, List<String> columns, List<Filter> filters, List<SortKey> sort,
                         Long rowLimit, List<Object> ids, String dateFrom, String dateTo, boolean compress,
                         Map<String, Object> options, SeriesRequest series) {
        this(dataset, format, columns, filters, sort, rowLimit, ids, dateFrom, dateTo, compress, options, series, null, null);
    }

    /** A request for rows, not a series. */
    public ExportRequest(String dataset, String format, List<String> columns, List<Filter> filters, List<SortKey> sort,
                         Long rowLimit, List<Object> ids, String dateFrom, String dateTo, boolean compress,
                         Map<String, Object> options) {
        this(dataset, format, columns, filters, sort, rowLimit, ids, dateFrom, dateTo, compress, options, null, null, null);
    }

    public ExportRequest {
        columns = columns == null ? List.of() : List.copyOf(columns);
        filters = filters == null ? List.of() : List.copyOf(filters);
        sort = sort == null ? List.of() : List.copyOf(sort);
        ids = ids == null ? List.of() : List.copyOf(ids);
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public static ExportRequest of(String dataset, String format) {
        return new ExportRequest(dataset, format, null, null, null, null, null, null, null, false, null, null, null, null);
    }

    public ExportRequest withFormat(String f) {
        return new ExportRequest(dataset, f, columns, filters, sort, rowLimit, ids, dateFrom, dateTo, compress, options, series, report, widget);
    }

    public ExportRequest withColumns(List<String> c) {
        return new ExportRequest(dataset, format, c, filters, sort, rowLimit, ids, dateFrom, dateTo, compress, options, series, report, widget);
    }

    public ExportRequest withFilters(List<Filter> f) {
        return new ExportRequest(dataset, format, columns, f, sort, rowLimit, ids, dateFrom, dateTo, compress, options, series, report, widget);
    }

    public ExportRequest withSort(List<SortKey> s) {
        return new ExportRequest(dataset, format, columns, filters, s, rowLimit, ids, dateFrom, dateTo, compress, options, series, report, widget);
    }

    public ExportRequest withRowLimit(Long limit) {
        return new ExportRequest(dataset, format, columns, filters, sort, limit, ids, dateFrom, dateTo, compress, options, series, report, widget);
    }

    public ExportRequest withIds(List<Object> i) {
        return new ExportRequest(dataset, format, columns, filters, sort, rowLimit, i, dateFrom, dateTo, compress, options, series, report, widget);
    }

    public ExportRequest withDateRange(String from, String to) {
        return new ExportRequest(dataset, format, columns, filters, sort, rowLimit, ids, from, to, compress, options, series, report, widget);
    }

    public ExportRequest withCompress(boolean gzip) {
        return new ExportRequest(dataset, format, columns, filters, sort, rowLimit, ids, dateFrom, dateTo, gzip, options, series, report, widget);
    }

    public ExportRequest withOptions(Map<String, Object> o) {
        return new ExportRequest(dataset, format, columns, filters, sort, rowLimit, ids, dateFrom, dateTo, compress, o, series, report, widget);
    }

    public ExportRequest withSeries(SeriesRequest s) {
        return new ExportRequest(dataset, format, columns, filters, sort, rowLimit, ids, dateFrom, dateTo, compress, options, s, report, widget);
    }

    /** The picture of a report ({@code widget} null: all of it) rather than a dataset's rows. */
    public ExportRequest withReport(String r, String w) {
        return new ExportRequest(dataset, format, columns, filters, sort, rowLimit, ids, dateFrom, dateTo, compress, options, series, r, w);
    }

    /**
     * What the request exports, for people (logs, emails, the CLI): its dataset, or for a picture of a report
     * "report weekly_sales" or "report weekly_sales widget revenue" (it has no dataset).
     */
    public String described() {
        if (dataset != null || report == null) return dataset;
        return "report " + report + (widget == null ? "" : " widget " + widget);
    }
}
