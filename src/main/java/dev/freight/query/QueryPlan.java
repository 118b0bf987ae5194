package dev.freight.query;

import dev.freight.source.Column;
import dev.freight.source.Dialect;
import dev.freight.source.Table;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated export: SQL whose identifiers all came from the catalog and whose values are all in
 * {@code parameters}, bound in order. {@code labels} are the header names, one per column. {@code fromAndWhere} and {@code orderBy} are
 * the plan's parts, for estimates and for dialect-specific ways of running the same query. {@code filtersInWords}
 * says what the request selects, for people (the PDF report's header). {@code masks}: the columns the caller may only
 * see masked; {@code columns} are read as the catalog types them and the engine masks each row before the writer,
 * which sees {@link #outputColumns()}. {@code request}: the request planned, with every filter value and id converted to
 * its column's type (what runs, and what a job stores and the audit log records); null for hand-made plans.
 * {@code hashKey}: the secret of the {@code hash} mask (from the caller's {@link DatasetAccess}). {@code series}: for a
 * time series, how the query's rows ({@code columns}: bucket number, groups, raw measures) become the written rows
 * ({@link #outputColumns()}); null for an export of rows.
 */
public record QueryPlan(Dialect dialect, Table table, List<Column> columns, List<String> labels, String sql,
                        List<Object> parameters, String fromAndWhere, List<Object> whereParameters,
                        String orderBy, boolean filtered, Long rowLimit, String filtersInWords, Map<String, Mask> masks,
                        ExportRequest request, byte[] hashKey, SeriesShape series) {

    public QueryPlan(Dialect dialect, Table table, List<Column> columns, List<String> labels, String sql,
                     List<Object> parameters, String fromAndWhere, List<Object> whereParameters,
                     String orderBy, boolean filtered, Long rowLimit, String filtersInWords, Map<String, Mask> masks,
                     ExportRequest request, byte[] hashKey) {
        this(dialect, table, columns, labels, sql, parameters, fromAndWhere, whereParameters, orderBy, filtered, rowLimit,
                filtersInWords, masks, request, hashKey, null);
    }

    public QueryPlan {
        columns = List.copyOf(columns);
        labels = List.copyOf(labels);
        parameters = List.copyOf(parameters);
        whereParameters = List.copyOf(whereParameters);
        masks = masks == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(masks));
    }

    public QueryPlan(Dialect dialect, Table table, List<Column> columns, List<String> labels, String sql,
                     List<Object> parameters, String fromAndWhere, List<Object> whereParameters,
                     String orderBy, boolean filtered, Long rowLimit, String filtersInWords) {
        this(dialect, table, columns, labels, sql, parameters, fromAndWhere, whereParameters, orderBy, filtered, rowLimit,
                filtersInWords, Map.of(), null, null);
    }

    /** The columns as written: a masked column is text, except under the {@code null} mask. */
    public List<Column> outputColumns() {
        if (series != null) return series.outputColumns();
        if (masks.isEmpty()) return columns;
        return columns.stream().map(c -> masks.containsKey(c.name()) ? masks.get(c.name()).resultColumn(c) : c).toList();
    }

    /** One mask per column (null where unmasked), or null when nothing is masked: what the engine applies per row. */
    public Mask[] maskArray() {
        if (masks.isEmpty()) return null;
        Mask[] result = new Mask[columns.size()];
        for (int i = 0; i < result.length; i++) result[i] = masks.get(columns.get(i).name());
        return result;
    }
}
