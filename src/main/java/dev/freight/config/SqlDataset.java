package dev.freight.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A named query: one SELECT or WITH statement (checked when the config is read). It runs in a read-only
 * transaction like every export; callers filter, sort and pick columns on top of its result.
 */
public record SqlDataset(String name, String source, String sql, Optional<String> timeColumn, List<String> key)
        implements DatasetConfig {

    public SqlDataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(timeColumn, "timeColumn");
        key = List.copyOf(key);
    }
}
