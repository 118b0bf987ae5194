package dev.freight.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a value that is exactly {@code ${env:NAME}} to the variable {@code NAME}: how the file names a secret
 * (or anything else) without holding it. A reference must be the whole value; one that is not set is an error
 * naming the key and the variable, and one set but empty means the key's default.
 */
final class EnvReferences {
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, String> env;

    EnvReferences(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /**
     * The value of the key at {@code path} as {@code node} holds it, a reference replaced by its variable; unset
     * when it is null or empty. {@code fromEnvironment}: the node is a FREIGHT_* variable's text.
     */
    ConfigValue resolve(String path, String origin, JsonNode node, boolean fromEnvironment) {
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().isEmpty())) {
            return new ConfigValue(this, path, origin, null, null, fromEnvironment);
        }
        if (!node.isTextual()) return new ConfigValue(this, path, origin, node, null, fromEnvironment);
        String text = node.textValue();
        Matcher m = ENV_REFERENCE.matcher(text.strip());
        if (m.matches()) {
            String name = m.group(1);
            String resolved = env.get(name);
            if (resolved == null) {
                throw new ConfigException(origin, path, "environment variable " + name + " is not set (referenced"
                        + " as ${env:" + name + "})");
            }
            return new ConfigValue(this, path, origin, resolved.isEmpty() ? null : NODES.textNode(resolved), name,
                    fromEnvironment);
        }
        if (text.contains("${env:")) {
            throw new ConfigException(origin, path, "a reference must be the whole value, exactly ${env:NAME} with"
                    + " NAME made of letters, digits and _");
        }
        return new ConfigValue(this, path, origin, node, null, fromEnvironment);
    }
}
