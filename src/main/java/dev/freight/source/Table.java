package dev.freight.source;

import java.util.List;
import java.util.Optional;

/**
 * A table or view of a source. {@code name} is the dataset name users type (schema-qualified only outside the
 * source's default schema); {@code schema} and {@code tableName} are the exact catalog spellings used in SQL.
 */
public record Table(String name, String catalog, String schema, String tableName, String kind,
                    List<Column> columns, List<String> primaryKey) {

    public Table {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    public Optional<Column> column(String exactName) {
        return columns.stream().filter(c -> c.name().equals(exactName)).findFirst();
    }
}
