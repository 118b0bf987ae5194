package dev.freight.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One entry of the config's {@code api_keys}: the principal a key stands for (its name, role and attributes) and
 * the key's SHA-256 (64 lower-case hex characters), never the key itself. The rules for names and attributes here
 * also apply to keys created at run time.
 */
public record ApiKeyConfig(String name, String sha256, String role, Map<String, String> attributes) {
    /** The name of the node's built-in admin key: jobs belong to a name, so no other key may have it. */
    public static final String ADMIN_KEY_NAME = "admin";
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    public ApiKeyConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(role, "role");
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** Where the entry of that index is: {@code api_keys[2]}. */
    public static String path(int index) {
        return "api_keys[" + index + "]";
    }

    /** What is wrong with a key's name, or null: it names the principal that owns the key's jobs. */
    public static String nameProblem(String name) {
        if (name == null || name.isBlank()) return "a key needs a name (the principal that owns its jobs)";
        if (name.equals(ADMIN_KEY_NAME)) {
            return "'" + ADMIN_KEY_NAME + "' is the name of the node's built-in admin key, and jobs belong to a "
                    + "name: choose another (a key of role admin may have any other name)";
        }
        if (name.length() > 200) return "name is longer than 200 characters";
        if (name.chars().anyMatch(Character::isISOControl)) return "name must not contain control characters";
        if (!name.equals(name.strip())) return "name must not begin or end with spaces";
        return null;
    }

    /** What is wrong with an attribute's name, or null: it is bound as {@code :name} in row filters. */
    public static String attributeProblem(String attribute) {
        if (ATTRIBUTE.matcher(attribute).matches()) return null;
        return "invalid attribute name '" + attribute + "': use letters, digits and _ (it is bound as :"
                + "name in row filters)";
    }

    /** "role analyst, attributes tenant_id=42" or "role user, no attributes". */
    public static String describe(String role, Map<String, String> attributes) {
        return "role " + role + ", " + (attributes.isEmpty() ? "no attributes" : "attributes "
                + new TreeMap<>(attributes).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(",")));
    }

    /** The hash stays out of logs, as the key it stands for. */
    @Override
    public String toString() {
        return "ApiKeyConfig[name=" + name + ", sha256=***, role=" + role + ", attributes=" + attributes + "]";
    }
}
