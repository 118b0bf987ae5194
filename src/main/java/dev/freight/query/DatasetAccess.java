package dev.freight.query;

import dev.freight.source.Column;
import dev.freight.source.Table;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one principal may see of one dataset, already resolved from their role and attributes: the visible columns
 * (null: all), masks by column, and a row filter whose {@code ?} are bound to {@code rowFilterParameters} in order.
 * {@code missingAttribute} names an attribute the row filter needs and the principal lacks: planning is refused.
 * The planner is the one place this is applied. {@code hashKey}: the secret of the {@code hash} mask.
 */
public record DatasetAccess(Set<String> visibleColumns, Map<String, Mask> masks, String rowFilter,
                            List<Object> rowFilterParameters, String missingAttribute, byte[] hashKey) {

    /** Everything, unfiltered. */
    public static final DatasetAccess FULL = new DatasetAccess(null, Map.of(), null, List.of(), null, null);

    public DatasetAccess(Set<String> visibleColumns, Map<String, Mask> masks, String rowFilter,
                         List<Object> rowFilterParameters, String missingAttribute) {
        this(visibleColumns, masks, rowFilter, rowFilterParameters, missingAttribute, null);
    }

    public DatasetAccess {
        visibleColumns = visibleColumns == null ? null : Collections.unmodifiableSet(new LinkedHashSet<>(visibleColumns));
        masks = masks == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(masks));
        if (rowFilter != null && rowFilter.isBlank()) rowFilter = null;
        rowFilterParameters = rowFilterParameters == null ? List.of() : List.copyOf(rowFilterParameters);
        // Only the hash mask uses the key: without one, two accesses that grant the same are equal.
        if (!masks.containsValue(Mask.HASH)) hashKey = null;
    }

    public boolean isFull() {
        return visibleColumns == null && masks.isEmpty() && rowFilter == null && missingAttribute == null;
    }

    public boolean visible(String column) {
        return visibleColumns == null || visibleColumns.contains(column);
    }

    /** The table with its hidden columns removed; key and time column names are kept (the planner checks them). */
    public Table restrict(Table table) {
        if (visibleColumns == null) return table;
        List<Column> columns = new ArrayList<>();
        for (Column c : table.columns()) if (visible(c.name())) columns.add(c);
        return new Table(table.name(), table.catalog(), table.schema(), table.tableName(), table.kind(), columns,
                table.primaryKey(), table.sql(), table.timeColumn());
    }
}
