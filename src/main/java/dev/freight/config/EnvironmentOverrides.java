package dev.freight.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * The {@code FREIGHT_<PATH>} variables: the variable of a key (upper case, {@code .} and {@code -} as {@code _}),
 * when set and not empty, replaces the file's value, which may then be a {@code ${env:NAME}} reference. Every
 * variable a key was looked up under is remembered, so that a variable of a known section that no key reads is
 * refused as the typo it is rather than ignored.
 */
final class EnvironmentOverrides {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, String> env;
    private final EnvReferences references;
    /** Every FREIGHT_ variable a key was looked up under, to tell real settings from misspelt ones. */
    private final Set<String> consulted = new HashSet<>();

    EnvironmentOverrides(Map<String, String> env) {
        this.env = Map.copyOf(env);
        this.references = new EnvReferences(env);
    }

    static String envName(String path) {
        return "FREIGHT_" + variableForm(path);
    }

    static String variableForm(String path) {
        return path.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The value of the key at {@code path}: its variable when set, else the file's node, references resolved. */
    ConfigValue value(String path, JsonNode fileNode, String fileOrigin) {
        String variable = envName(path);
        consulted.add(variable);
        String fromEnv = env.get(variable);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return references.resolve(path, variable, NODES.textNode(fromEnv), true);
        }
        return references.resolve(path, fileOrigin, fileNode, false);
    }

    /**
     * The entries of a named map, in file order, then those that exist only as variables
     * ({@code FREIGHT_SOURCES_<NAME>_URL} creates source {@code name}), each with the origin to blame when one of
     * its required keys is missing. The key is recognised at the end of the variable, so names may contain
     * {@code _}. {@code checkName} refuses a name, given the origin that named it.
     */
    Map<String, String> entryNames(String section, ObjectNode file, List<String> keys, String fileOrigin,
                                   BiConsumer<String, String> checkName) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, String> byVariableForm = new HashMap<>();
        for (Iterator<String> it = file.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            checkName.accept(fileOrigin, name);
            String form = variableForm(name);
            String clash = byVariableForm.put(form, name);
            if (clash != null) {
                throw new ConfigException(fileOrigin, section, "'" + clash + "' and '" + name + "' would share"
                        + " the environment variables FREIGHT_" + variableForm(section) + "_" + form + "_*; rename one");
            }
            names.put(name, fileOrigin);
        }
        String prefix = "FREIGHT_" + variableForm(section) + "_";
        List<String> suffixes = keys.stream().map(k -> "_" + variableForm(k))
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        for (Map.Entry<String, String> variable : new TreeMap<>(env).entrySet()) {
            String var = variable.getKey();
            if (!var.startsWith(prefix) || variable.getValue().isEmpty()) continue;
            String rest = var.substring(prefix.length());
            String suffix = suffixes.stream().filter(x -> rest.endsWith(x) && rest.length() > x.length())
                    .findFirst().orElse(null);
            if (suffix == null) {
                throw new ConfigException(var, null, "not a setting of " + section + ": expected " + prefix
                        + "<NAME>_<KEY> with KEY one of " + keys.stream().map(EnvironmentOverrides::variableForm)
                        .collect(Collectors.joining(", ")));
            }
            String form = rest.substring(0, rest.length() - suffix.length());
            if (byVariableForm.containsKey(form)) continue;
            String name = form.toLowerCase(Locale.ROOT);
            checkName.accept(var, name);
            byVariableForm.put(form, name);
            names.put(name, var);
        }
        return names;
    }

    /**
     * A section of names of the operator's choosing ({@code roles}, {@code api_keys}), as a copy of its tree whose
     * scalars have their variables and references applied. Only keys present in the file can be overridden, since
     * a variable cannot say where in a tree of free names it belongs; one that matches none is an error.
     */
    JsonNode tree(String key, JsonNode node, String fileOrigin) {
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().isEmpty())) {
            node = NODES.objectNode();
        } else if (!node.isContainerNode()) {
            throw new ConfigException(fileOrigin, key, "expected a mapping or a list, got "
                    + ConfigValue.describe(node));
        }
        JsonNode tree = node.deepCopy();
        overrideLeaves(tree, key, fileOrigin);
        String prefix = envName(key) + "_";
        for (String variable : new TreeMap<>(env).keySet()) {
            if (variable.startsWith(prefix) && !env.get(variable).isEmpty() && !consulted.contains(variable)) {
                throw new ConfigException(variable, null, "no key of " + key + " in the file matches it (only keys"
                        + " present in the file can be overridden in " + key + ")");
            }
        }
        return tree;
    }

    private void overrideLeaves(JsonNode container, String path, String fileOrigin) {
        if (container instanceof ObjectNode object) {
            for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                JsonNode child = object.get(field);
                if (child.isContainerNode()) {
                    overrideLeaves(child, path + "." + field, fileOrigin);
                } else {
                    object.set(field, leaf(value(path + "." + field, child, fileOrigin)));
                }
            }
        } else if (container instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode child = array.get(i);
                if (child.isContainerNode()) {
                    overrideLeaves(child, path + "." + i, fileOrigin);
                } else {
                    array.set(i, leaf(value(path + "." + i, child, fileOrigin)));
                }
            }
        }
    }

    private static JsonNode leaf(ConfigValue v) {
        return v.node == null ? NODES.nullNode() : v.node;
    }

    /**
     * A variable of one of the {@code sections} (FREIGHT_SERVER_…) that no key was looked up under is a typo,
     * not something to ignore: refused with the closest real setting, or the list of them.
     */
    void rejectUnread(List<String> sections) {
        for (String variable : new TreeMap<>(env).keySet()) {
            if (consulted.contains(variable) || env.get(variable).isEmpty()) continue;
            for (String section : sections) {
                String prefix = "FREIGHT_" + section + "_";
                if (!variable.startsWith(prefix)) continue;
                List<String> known = consulted.stream().filter(c -> c.startsWith(prefix)).sorted().toList();
                String hint = Suggestions.closest(variable, known).map(s -> " (did you mean " + s + "?)")
                        .orElse("; settings: " + String.join(", ", known));
                throw new ConfigException(variable, null, "unknown setting" + hint);
            }
        }
    }
}
