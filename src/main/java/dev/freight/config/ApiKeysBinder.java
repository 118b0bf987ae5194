package dev.freight.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Binds {@code api_keys} into {@link ApiKeyConfig}s: each entry's keys, its name, hash and role (one of
 * {@code roles}), its attributes, no hash twice, and keys of one name standing for one principal. A plaintext key
 * is refused without being shown. Refusals name the entry ({@code api_keys[0].sha256}) under the origin
 * {@code configuration}.
 */
final class ApiKeysBinder {
    static final List<String> ENTRY_KEYS = List.of("name", "sha256", "role", "attributes");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final String ORIGIN = ConfigException.CONFIGURATION;

    private ApiKeysBinder() {
    }

    /** {@code tree}: the section with its variables applied; {@code roles}: every role a key may have. */
    static List<ApiKeyConfig> apiKeys(JsonNode tree, Set<String> roles) {
        if (tree.isObject() && tree.isEmpty()) return List.of();
        if (!tree.isArray()) {
            throw new ConfigException(ORIGIN, "api_keys", "expected a list of keys (- name: …, sha256: …, role: …)");
        }
        List<ApiKeyConfig> keys = new ArrayList<>();
        Map<String, String> seenHashes = new LinkedHashMap<>();
        Map<String, Integer> seenNames = new LinkedHashMap<>();
        for (int i = 0; i < tree.size(); i++) {
            String at = ApiKeyConfig.path(i);
            JsonNode entry = tree.get(i);
            if (!entry.isObject()) throw new ConfigException(ORIGIN, at, "expected a mapping with name, sha256 and role");
            if (entry.has("key")) {
                throw new ConfigException(ORIGIN, at + ".key", "plaintext keys are not accepted in the config; write "
                        + "its hash instead: sha256: <the output of ./freight keys hash <key>>");
            }
            for (Iterator<String> it = entry.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!ENTRY_KEYS.contains(field)) {
                    throw new ConfigException(ORIGIN, at + "." + field, "unknown key; keys of an API key: "
                            + String.join(", ", ENTRY_KEYS));
                }
            }
            String name = text(entry, "name");
            String problem = ApiKeyConfig.nameProblem(name);
            if (problem != null) throw new ConfigException(ORIGIN, at + ".name", problem);
            String sha = text(entry, "sha256");
            if (sha == null || !HEX64.matcher(sha).matches()) {
                throw new ConfigException(ORIGIN, at + ".sha256", "expected the SHA-256 of the key as 64 hex characters"
                        + " (./freight keys hash <key>)" + (sha == null ? "" : ", got " + sha.length() + " characters"));
            }
            sha = sha.toLowerCase(Locale.ROOT);
            if (seenHashes.containsKey(sha)) {
                throw new ConfigException(ORIGIN, at + ".sha256", "the same key as " + seenHashes.get(sha));
            }
            seenHashes.put(sha, at);
            String role = text(entry, "role");
            if (role == null) {
                throw new ConfigException(ORIGIN, at + ".role", "missing: one of " + String.join(", ", roles));
            }
            if (!roles.contains(role)) throw new ConfigException(ORIGIN, at + ".role", RolesConfig.unknownRole(role, roles));
            ApiKeyConfig key = new ApiKeyConfig(name, sha, role, attributes(at, entry.get("attributes")));
            Integer same = seenNames.putIfAbsent(name, i);
            if (same != null && !samePrincipal(keys.get(same), key)) {
                ApiKeyConfig other = keys.get(same);
                throw new ConfigException(ORIGIN, at + ".name", "'" + name + "' is also the name of "
                        + ApiKeyConfig.path(same) + " (" + ApiKeyConfig.describe(other.role(), other.attributes())
                        + "): keys of one name own the same jobs, so they need the same role and attributes, or "
                        + "another name");
            }
            keys.add(key);
        }
        return List.copyOf(keys);
    }

    private static Map<String, String> attributes(String at, JsonNode attrs) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (attrs == null || attrs.isNull()) return attributes;
        if (!attrs.isObject()) {
            throw new ConfigException(ORIGIN, at + ".attributes", "expected a mapping of names to values, e.g. "
                    + "{ tenant_id: \"42\" }");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> a = it.next();
            String key = at + ".attributes." + a.getKey();
            String problem = ApiKeyConfig.attributeProblem(a.getKey());
            if (problem != null) throw new ConfigException(ORIGIN, key, problem);
            if (!a.getValue().isTextual()) throw new ConfigException(ORIGIN, key, "expected a single value");
            attributes.put(a.getKey(), a.getValue().textValue());
        }
        return attributes;
    }

    private static boolean samePrincipal(ApiKeyConfig a, ApiKeyConfig b) {
        return a.role().equals(b.role()) && a.attributes().equals(b.attributes());
    }

    private static String text(JsonNode entry, String field) {
        JsonNode v = entry.get(field);
        return v == null || !v.isTextual() || v.textValue().isEmpty() ? null : v.textValue();
    }
}
