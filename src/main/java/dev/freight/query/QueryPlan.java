package dev.freight.query;

import dev.freight.source.Column;
import dev.freight.source.Dialect;
import dev.freight.source.Table;

import java.util.List;

/**
 * A validated export: SQL whose identifiers all came from the catalog and whose values are all in
 * {@code parameters}, bound in order. {@code labels} are the header names, one per column. {@code fromAndWhere} and {@code orderBy} are
 * the plan's parts, for estimates and for dialect-specific ways of running the same query. {@code filtersInWords}
 * says what the request selects, for people (the PDF report's header).
 */
public record QueryPlan(Dialect dialect, Table table, List<Column> columns, List<String> labels, String sql,
                        List<Object> parameters, String fromAndWhere, List<Object> whereParameters,
                        String orderBy, boolean filtered, Long rowLimit, String filtersInWords) {

    public QueryPlan {
        columns = List.copyOf(columns);
        labels = List.copyOf(labels);
        parameters = List.copyOf(parameters);
        whereParameters = List.copyOf(whereParameters);
    }
}
