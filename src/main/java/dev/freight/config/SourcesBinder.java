package dev.freight.config;

import dev.freight.error.Messages;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Binds the named entries of {@code sources} (JDBC connections) and {@code datasets} (tables and queries over
 * them): from the file, in its order, then those created by variables alone ({@code FREIGHT_SOURCES_<NAME>_URL}).
 */
final class SourcesBinder {
    static final List<String> SOURCE_KEYS = List.of("url", "user", "password", "pool_size", "include", "exclude");
    static final List<String> DATASET_KEYS = List.of("source", "table", "sql", "time_column", "key");
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]+");

    private final EnvironmentOverrides overrides;
    private final String fileOrigin;

    SourcesBinder(EnvironmentOverrides overrides, String fileOrigin) {
        this.overrides = overrides;
        this.fileOrigin = fileOrigin;
    }

    Map<String, SourceConfig> sources(ConfigSection top) {
        Map<String, SourceConfig> sources = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigSection> entry : entries(top, "sources", SOURCE_KEYS).entrySet()) {
            String name = entry.getKey();
            ConfigSection s = entry.getValue();
            s.allow(SOURCE_KEYS);
            ConfigValue urlValue = s.get("url");
            String url = urlValue.required("a JDBC URL such as jdbc:postgresql://host:5432/db");
            JdbcUrls.dialect(urlValue, url);
            sources.put(name, new SourceConfig(name, url, s.get("user").optionalString(), s.get("password").secret(),
                    s.get("pool_size").integer(4, 1, Integer.MAX_VALUE),
                    s.get("include").list(List.of("*")), s.get("exclude").list(List.of())));
        }
        return sources;
    }

    Map<String, DatasetConfig> datasets(ConfigSection top, Map<String, SourceConfig> sources) {
        Map<String, DatasetConfig> datasets = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigSection> entry : entries(top, "datasets", DATASET_KEYS).entrySet()) {
            String name = entry.getKey();
            ConfigSection d = entry.getValue();
            d.allow(DATASET_KEYS);
            ConfigValue sourceValue = d.get("source");
            String source = sourceValue.required("the name of a source under sources:");
            if (!sources.containsKey(source) && !source.equals(FreightConfig.DEMO_SOURCE)) {
                throw new ConfigException(sourceValue.origin, sourceValue.path, "unknown source"
                        + choices(source, sources.keySet(), "sources"));
            }
            ConfigValue table = d.get("table");
            ConfigValue sql = d.get("sql");
            if (table.isSet() && sql.isSet()) {
                throw new ConfigException(d.origin, d.path, "set either table or sql, not both");
            }
            if (!table.isSet() && !sql.isSet()) {
                throw new ConfigException(d.origin, d.path, "missing table (a table of the source) or sql (a SELECT"
                        + " query)");
            }
            Optional<String> timeColumn = d.get("time_column").optionalString();
            List<String> key = d.get("key").list(List.of());
            if (table.isSet()) {
                datasets.put(name, new TableDataset(name, source, table.string(null), timeColumn, key));
            } else {
                String query = sql.string(null).strip();
                String problem = SelectOnly.problem(query);
                if (problem != null) throw new ConfigException(sql.origin, sql.path, problem);
                datasets.put(name, new SqlDataset(name, source, query, timeColumn, key));
            }
        }
        return datasets;
    }

    /**
     * The entries of the named map {@code section} (those of the file, then those only variables create), each as a
     * section whose origin is the file or the variable that created it; their keys are not checked yet.
     */
    private Map<String, ConfigSection> entries(ConfigSection top, String section, List<String> keys) {
        ObjectNode file = top.section(section, null).node;
        Map<String, ConfigSection> entries = new LinkedHashMap<>();
        overrides.entryNames(section, file, keys, fileOrigin, (origin, name) -> checkName(origin, section, name))
                .forEach((name, origin) -> entries.put(name,
                        new ConfigSection(overrides, section + "." + name, file.get(name), origin)));
        return entries;
    }

    private static void checkName(String origin, String section, String name) {
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(origin, section, "invalid name '" + name + "': use lower-case letters, digits,"
                    + " '_' and '-'");
        }
        if (section.equals("sources") && name.equals(FreightConfig.DEMO_SOURCE)) {
            throw new ConfigException(origin, section + "." + name, "the name 'demo' is reserved for the built-in"
                    + " demo database (--demo); choose another");
        }
    }

    private static String choices(String wrong, Set<String> valid, String what) {
        if (valid.isEmpty()) return " '" + wrong + "': no " + what + " are configured";
        return " '" + Messages.shorten(wrong) + "'" + Suggestions.closest(wrong, valid).map(s -> " (did you mean '" + s
                + "'?)").orElse("") + "; " + what + ": " + Messages.choices(valid);
    }
}
