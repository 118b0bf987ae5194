package dev.freight.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.List;

/**
 * A mapping of the file, possibly absent (then every key is at its default), read key by key: each key's value
 * comes through the {@link EnvironmentOverrides}, and a key that is not one of the section's is refused with the
 * closest valid one ("did you mean") or the list of valid keys.
 */
final class ConfigSection {
    final String path;
    final ObjectNode node;
    final String origin;
    private final EnvironmentOverrides overrides;

    ConfigSection(EnvironmentOverrides overrides, String path, JsonNode node, String origin) {
        this.overrides = overrides;
        this.path = path;
        this.origin = origin;
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().isEmpty())) {
            this.node = JsonNodeFactory.instance.objectNode();
        } else if (node instanceof ObjectNode object) {
            this.node = object;
        } else {
            throw new ConfigException(origin, path, "expected a mapping (indented key: value lines), got "
                    + ConfigValue.describe(node));
        }
    }

    /** The mapping under {@code key}; {@code keys}, when given, are the only keys it may have. */
    ConfigSection section(String key, List<String> keys) {
        ConfigSection s = new ConfigSection(overrides, child(key), node.get(key), origin);
        if (keys != null) s.allow(keys);
        return s;
    }

    void allow(List<String> keys) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (keys.contains(key)) continue;
            String hint = Suggestions.closest(key, keys).map(s -> " (did you mean '" + s + "'?)")
                    .orElse("; valid keys: " + String.join(", ", keys));
            throw new ConfigException(origin, path, "unknown key '" + key + "'" + hint);
        }
    }

    ConfigValue get(String key) {
        return overrides.value(child(key), node.get(key), origin);
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
