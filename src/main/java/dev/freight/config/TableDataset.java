package dev.freight.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A table or view of a source, exported under the dataset's name; {@code table} may be {@code schema.table}. */
public record TableDataset(String name, String source, String table, Optional<String> timeColumn, List<String> key)
        implements DatasetConfig {

    public TableDataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(timeColumn, "timeColumn");
        key = List.copyOf(key);
    }
}
