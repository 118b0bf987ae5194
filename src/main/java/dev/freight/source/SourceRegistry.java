package dev.freight.source;

import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The named sources of a server and the datasets they offer: the datasets defined in the configuration (a table
 * under another name, or a named query) and the tables discovered in each source's catalog that its include and
 * exclude patterns let through. With one source, discovered datasets keep their catalog names ({@code orders});
 * with several, each is prefixed with its source ({@code shop.orders}).
 */
public final class SourceRegistry implements AutoCloseable {
    /** A dataset: which source, and its table (or named query) with the configured time column and key applied. */
    public record Dataset(String name, JdbcSource source, Table table) {
    }

    /** A dataset defined in the configuration. {@code sql} null means {@code table} names a catalog table. */
    public record Definition(String name, String source, String table, String sql, String timeColumn, List<String> key) {
    }

    /** A source and which of its tables are exposed as datasets: {@code (schema, table) → exposed?}. */
    public record Entry(JdbcSource source, BiPredicate<String, String> exposes) {
    }

    private final Map<String, Entry> sources;
    private final Map<String, Definition> definitions;
    private final Map<String, Table> queries = new java.util.concurrent.ConcurrentHashMap<>();

    public SourceRegistry(Map<String, Entry> sources, List<Definition> definitions) {
        if (sources.isEmpty()) throw new IllegalArgumentException("at least one source is required");
        this.sources = new LinkedHashMap<>(sources);
        this.definitions = new LinkedHashMap<>();
        for (Definition d : definitions) this.definitions.put(d.name(), d);
    }

    /** Every table of every source, no configured datasets: the CLI's and the tests' simple case. */
    public static SourceRegistry of(Map<String, JdbcSource> sources) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        sources.forEach((name, source) -> entries.put(name, new Entry(source, (schema, table) -> true)));
        return new SourceRegistry(entries, List.of());
    }

    private boolean prefixed() {
        return sources.size() > 1;
    }

    public List<String> datasetNames() {
        List<String> names = new ArrayList<>(definitions.keySet());
        for (Map.Entry<String, Entry> e : sources.entrySet()) {
            for (String table : e.getValue().source().catalog().datasetNames()) {
                if (!exposed(e.getValue(), table)) continue;
                String name = prefixed() ? e.getKey() + "." + table : table;
                if (!definitions.containsKey(name)) names.add(name);
            }
        }
        return names;
    }

    private static boolean exposed(Entry entry, String catalogName) {
        int dot = catalogName.indexOf('.');
        return dot < 0 ? entry.exposes().test(null, catalogName)
                : entry.exposes().test(catalogName.substring(0, dot), catalogName.substring(dot + 1));
    }

    /** Resolves a dataset name, or refuses it with the valid choices. */
    public Dataset resolve(String dataset) {
        Optional<Dataset> found = dataset == null || dataset.isBlank() ? Optional.empty() : find(dataset);
        if (found.isPresent()) return found.get();
        List<String> names = datasetNames();
        boolean missing = dataset == null || dataset.isBlank();
        throw new InvalidRequestException(missing ? ProblemCode.MISSING_DATASET : ProblemCode.UNKNOWN_DATASET, "dataset",
                missing ? Messages.required("dataset", names) : Messages.unknown("dataset", dataset, names));
    }

    private Optional<Dataset> find(String name) {
        Definition d = definitions.get(name);
        if (d != null) return Optional.of(configured(d));
        String sourceName;
        String tableName;
        if (prefixed()) {
            int dot = name.indexOf('.');
            if (dot < 0) return Optional.empty();
            sourceName = name.substring(0, dot);
            tableName = name.substring(dot + 1);
        } else {
            sourceName = sources.keySet().iterator().next();
            tableName = name;
        }
        Entry entry = sources.get(sourceName);
        if (entry == null) return Optional.empty();
        return entry.source().catalog().find(tableName)
                .filter(t -> entry.exposes().test(t.schema(), t.tableName()))
                .map(t -> new Dataset(name, entry.source(), t));
    }

    private Dataset configured(Definition d) {
        Entry entry = sources.get(d.source());
        if (entry == null) throw new IllegalStateException("dataset '" + d.name() + "': unknown source '" + d.source() + "'");
        Table table;
        if (d.sql() != null) {
            table = queries.computeIfAbsent(d.name(), n -> entry.source().catalog().describeQuery(n, d.sql()));
        } else {
            table = entry.source().catalog().find(d.table()).orElseThrow(() -> new IllegalStateException(
                    "dataset '" + d.name() + "': table '" + d.table() + "' not found in source '" + d.source() + "'"));
        }
        return new Dataset(d.name(), entry.source(), table.configured(d.name(), d.timeColumn(), d.key()));
    }

    /**
     * Checks every configured dataset against its source's catalog (table exists, query runs, time column and key
     * exist), so a bad configuration stops start-up instead of failing the first export.
     */
    public void validate() {
        for (Definition d : definitions.values()) {
            Table t = configured(d).table();
            if (d.timeColumn() != null && t.column(d.timeColumn()).isEmpty()) {
                throw new IllegalStateException("dataset '" + d.name() + "': time_column '" + d.timeColumn() + "' is not a column");
            }
            for (String k : d.key()) {
                if (t.column(k).isEmpty()) throw new IllegalStateException("dataset '" + d.name() + "': key column '" + k + "' is not a column");
            }
        }
    }

    public Map<String, JdbcSource> sources() {
        Map<String, JdbcSource> result = new LinkedHashMap<>();
        sources.forEach((n, e) -> result.put(n, e.source()));
        return result;
    }

    @Override
    public void close() {
        sources.values().forEach(e -> e.source().close());
    }
}
