package dev.freight.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One role of the config's {@code roles}: the datasets it may export, each by name or glob with its rules (in file
 * order), and its limits. Checked here: the shape, the names, the row filters' placeholders, and that a masked
 * column is exportable; whether the datasets, columns and masks exist is for the access policy to check.
 *
 * @param limits the top-level {@code limits} overridden by the role's, key by key; empty when it sets none
 */
public record RoleConfig(String name, List<DatasetRule> datasets, Optional<LimitsConfig> limits) {

    public RoleConfig {
        Objects.requireNonNull(name, "name");
        datasets = List.copyOf(datasets);
        Objects.requireNonNull(limits, "limits");
    }

    /**
     * What the role may see of the datasets {@code pattern} matches ({@code *} and {@code ?} are globs). Column
     * names are as written.
     *
     * @param columnsAllowed only these columns; empty: every column
     * @param columnsDenied  never these
     * @param columnsMasked  column to mask name as written ({@code null} for the YAML null), in file order
     */
    public record DatasetRule(String pattern, Optional<List<String>> columnsAllowed, List<String> columnsDenied,
                              Map<String, String> columnsMasked, Optional<RowFilter> rowFilter) {
        public DatasetRule {
            Objects.requireNonNull(pattern, "pattern");
            columnsAllowed = columnsAllowed.map(List::copyOf);
            columnsDenied = List.copyOf(columnsDenied);
            columnsMasked = Collections.unmodifiableMap(new LinkedHashMap<>(columnsMasked));
            Objects.requireNonNull(rowFilter, "rowFilter");
        }

        /** The whole dataset: no column or row rule. */
        public static DatasetRule whole(String pattern) {
            return new DatasetRule(pattern, Optional.empty(), List.of(), Map.of(), Optional.empty());
        }
    }

    /** The path of a rule in the config ({@code roles.analyst.datasets.orders}), named by refusals. */
    public String path(DatasetRule rule) {
        return "roles." + name + ".datasets." + rule.pattern();
    }
}
