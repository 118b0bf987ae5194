package dev.freight.source;

import dev.freight.query.InvalidRequestException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named sources of a server and the datasets they offer. With one source, datasets are its tables by their
 * catalog names ({@code orders}); with several, each name is prefixed with its source ({@code shop.orders}).
 */
public final class SourceRegistry implements AutoCloseable {
    /** A dataset: which source, and the table's name in that source's catalog. */
    public record Dataset(String name, JdbcSource source, String tableName) {
    }

    private final Map<String, JdbcSource> sources;

    public SourceRegistry(Map<String, JdbcSource> sources) {
        if (sources.isEmpty()) throw new IllegalArgumentException("at least one source is required");
        this.sources = new LinkedHashMap<>(sources);
    }

    private boolean prefixed() {
        return sources.size() > 1;
    }

    public List<String> datasetNames() {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, JdbcSource> e : sources.entrySet()) {
            for (String table : e.getValue().catalog().datasetNames()) names.add(prefixed() ? e.getKey() + "." + table : table);
        }
        return names;
    }

    /** Resolves a dataset name, or refuses it with the valid choices. */
    public Dataset resolve(String dataset) {
        if (dataset != null && !dataset.isBlank()) {
            if (!prefixed()) {
                JdbcSource only = sources.values().iterator().next();
                if (only.catalog().find(dataset).isPresent()) return new Dataset(dataset, only, dataset);
            } else {
                int dot = dataset.indexOf('.');
                JdbcSource source = dot < 0 ? null : sources.get(dataset.substring(0, dot));
                if (source != null && source.catalog().find(dataset.substring(dot + 1)).isPresent()) {
                    return new Dataset(dataset, source, dataset.substring(dot + 1));
                }
            }
        }
        List<String> names = datasetNames();
        String shown = dataset == null ? "null" : dataset.length() > 80 ? dataset.substring(0, 77) + "..." : dataset;
        throw new InvalidRequestException(dataset == null || dataset.isBlank() ? "missing_dataset" : "unknown_dataset",
                "dataset", (dataset == null || dataset.isBlank() ? "dataset is required" : "unknown dataset '" + shown + "'")
                + "; available: " + (names.size() <= 30 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 30)) + ", … (" + names.size() + " in all)"));
    }

    public Map<String, JdbcSource> sources() {
        return Map.copyOf(sources);
    }

    @Override
    public void close() {
        sources.values().forEach(JdbcSource::close);
    }
}
