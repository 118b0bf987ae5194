package dev.freight.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Binds {@code roles} into a {@link RolesConfig}: role names, the keys of each role and of each dataset rule,
 * column lists, masks by column, row filters ({@link RowFilter}) and each role's limits. It knows no catalog: that
 * the datasets, columns and masks named exist is checked by the access policy. Refusals name the key under the
 * origin {@code configuration}.
 */
final class RolesBinder {
    static final List<String> ROLE_KEYS = List.of("datasets", "limits");
    static final List<String> RULE_KEYS = List.of("columns_allowed", "columns_denied", "columns_masked", "row_filter");
    private static final Pattern ROLE_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final String ORIGIN = ConfigException.CONFIGURATION;

    private RolesBinder() {
    }

    /** {@code tree}: the section with its variables applied; {@code limits}: the top-level limits. */
    static RolesConfig roles(JsonNode tree, LimitsConfig limits) {
        if (tree.isEmpty()) return RolesConfig.NONE;
        if (!tree.isObject()) throw new ConfigException(ORIGIN, "roles", "expected a mapping of role names to their rules");
        Map<String, RoleConfig> roles = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String key = "roles." + name;
            if (name.equals(RolesConfig.ADMIN) || name.equals(RolesConfig.USER)) {
                throw new ConfigException(ORIGIN, key, "role '" + name + "' is built in and cannot be defined ("
                        + RolesConfig.ADMIN + " manages everything, " + RolesConfig.USER + " exports every dataset whole)");
            }
            if (!ROLE_NAME.matcher(name).matches()) {
                throw new ConfigException(ORIGIN, key, "invalid role name: use lower-case letters, digits, '_' and '-',"
                        + " starting with a letter");
            }
            roles.put(name, role(name, key, e.getValue(), limits));
        }
        return new RolesConfig(roles);
    }

    private static RoleConfig role(String name, String key, JsonNode node, LimitsConfig base) {
        if (node == null || node.isNull()) {
            throw new ConfigException(ORIGIN, key, "a role needs datasets: a mapping of dataset names or globs to rules");
        }
        if (!node.isObject()) throw new ConfigException(ORIGIN, key, "expected a mapping with datasets (and limits)");
        unknownKeys(key, node, ROLE_KEYS);
        JsonNode limitsNode = node.get("limits");
        Optional<LimitsConfig> limits = limitsNode == null || limitsNode.isNull() ? Optional.empty()
                : Optional.of(LimitsBinder.parse(limitsNode, key + ".limits", base));
        JsonNode datasets = node.get("datasets");
        String dkey = key + ".datasets";
        if (datasets == null || datasets.isNull()) {
            throw new ConfigException(ORIGIN, dkey, "missing: list the datasets the role may export (an empty mapping"
                    + " means none)");
        }
        if (!datasets.isObject()) {
            throw new ConfigException(ORIGIN, dkey, "expected a mapping of dataset names or globs to rules, e.g. "
                    + "orders: {columns_denied: [notes]}");
        }
        List<RoleConfig.DatasetRule> rules = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = datasets.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            rules.add(rule(e.getKey(), dkey + "." + e.getKey(), e.getValue()));
        }
        return new RoleConfig(name, rules, limits);
    }

    private static RoleConfig.DatasetRule rule(String pattern, String key, JsonNode node) {
        if (pattern.isBlank()) throw new ConfigException(ORIGIN, key, "a dataset name or glob must not be empty");
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().isEmpty())) {
            return RoleConfig.DatasetRule.whole(pattern);
        }
        if (!node.isObject()) {
            throw new ConfigException(ORIGIN, key, "expected a mapping of rules (" + String.join(", ", sorted(RULE_KEYS))
                    + "), or {} for the whole dataset");
        }
        unknownKeys(key, node, RULE_KEYS);
        Optional<List<String>> allowed = node.has("columns_allowed")
                ? Optional.of(names(key + ".columns_allowed", node.get("columns_allowed"))) : Optional.empty();
        List<String> denied = node.has("columns_denied") ? names(key + ".columns_denied", node.get("columns_denied")) : List.of();
        Map<String, String> masked = masks(key + ".columns_masked", node.get("columns_masked"));
        for (String m : masked.keySet()) {
            if (containsIgnoreCase(denied, m)) {
                throw new ConfigException(ORIGIN, key + ".columns_masked", "column '" + m + "' is also denied; a denied "
                        + "column is never exported, so masking it means nothing");
            }
            if (allowed.isPresent() && !containsIgnoreCase(allowed.get(), m)) {
                throw new ConfigException(ORIGIN, key + ".columns_masked", "column '" + m + "' is not in columns_allowed;"
                        + " only an allowed column can be exported masked");
            }
        }
        Optional<RowFilter> rowFilter = Optional.empty();
        JsonNode filter = node.get("row_filter");
        if (filter != null && !filter.isNull()) {
            if (!filter.isTextual() || filter.textValue().isBlank()) {
                throw new ConfigException(ORIGIN, key + ".row_filter", "expected SQL text, e.g. \"tenant_id = :tenant_id\"");
            }
            rowFilter = Optional.of(RowFilter.parse(key + ".row_filter", filter.textValue()));
        }
        return new RoleConfig.DatasetRule(pattern, allowed, denied, masked, rowFilter);
    }

    private static void unknownKeys(String key, JsonNode node, List<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new ConfigException(ORIGIN, key + "." + k, "unknown key; valid keys here: "
                        + String.join(", ", sorted(known)));
            }
        }
    }

    private static List<String> sorted(List<String> s) {
        return s.stream().sorted().toList();
    }

    private static List<String> names(String key, JsonNode node) {
        if (node == null || node.isNull()) return List.of();
        if (!node.isArray()) throw new ConfigException(ORIGIN, key, "expected a list of column names, e.g. [id, total]");
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode n : node) {
            if (!n.isTextual() || n.textValue().isBlank()) {
                throw new ConfigException(ORIGIN, key, "expected a list of column names, got an element "
                        + (n.isContainerNode() ? "that is a " + (n.isArray() ? "list" : "mapping") : "'" + n.asText() + "'"));
            }
            if (!names.add(n.textValue())) throw new ConfigException(ORIGIN, key, "column '" + n.textValue() + "' is listed twice");
        }
        return List.copyOf(names);
    }

    /**
     * Column to mask name; which masks exist is the access policy's to say. An unquoted null in YAML is a null
     * node, not the text "null": both name the null mask. A list or mapping is kept as "" (no mask has that name).
     */
    private static Map<String, String> masks(String key, JsonNode node) {
        if (node == null || node.isNull()) return Map.of();
        if (!node.isObject()) {
            throw new ConfigException(ORIGIN, key, "expected a mapping of column names to masks, e.g. {email: email}");
        }
        Map<String, String> masks = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            masks.put(e.getKey(), v == null || v.isNull() ? "null" : v.isTextual() ? v.textValue() : "");
        }
        return masks;
    }

    private static boolean containsIgnoreCase(List<String> list, String name) {
        return list.stream().anyMatch(n -> n.equalsIgnoreCase(name));
    }
}
