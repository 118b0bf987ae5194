package dev.freight.source;

import java.util.List;
import java.util.Optional;

/**
 * A table or view of a source, or a named query. {@code name} is the dataset name users type (schema-qualified
 * only outside the source's default schema); {@code schema} and {@code tableName} are the exact catalog spellings
 * used in SQL. For a named query {@code sql} holds its text (from the configuration, never from a request) and
 * the columns are those of its result. {@code timeColumn}, when set, is the configured time column.
 */
public record Table(String name, String catalog, String schema, String tableName, String kind,
                    List<Column> columns, List<String> primaryKey, String sql, String timeColumn) {

    public Table {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    public Table(String name, String catalog, String schema, String tableName, String kind, List<Column> columns,
                 List<String> primaryKey) {
        this(name, catalog, schema, tableName, kind, columns, primaryKey, null, null);
    }

    /** The same relation under a configured name, time column and key (each kept when null/empty). */
    public Table configured(String datasetName, String configuredTimeColumn, List<String> configuredKey) {
        return new Table(datasetName, catalog, schema, tableName, kind, columns,
                configuredKey == null || configuredKey.isEmpty() ? primaryKey : configuredKey, sql,
                configuredTimeColumn != null ? configuredTimeColumn : timeColumn);
    }

    public Optional<Column> column(String exactName) {
        return columns.stream().filter(c -> c.name().equals(exactName)).findFirst();
    }
}
