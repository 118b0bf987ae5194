package dev.freight.config;

import dev.freight.error.Messages;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;

import static dev.freight.config.LimitsConfig.CONCURRENT_JOBS;
import static dev.freight.config.LimitsConfig.EXPORTS_PER_HOUR;
import static dev.freight.config.LimitsConfig.KEYS;
import static dev.freight.config.LimitsConfig.MAX_FILE_BYTES;
import static dev.freight.config.LimitsConfig.MAX_REQUEST_BYTES;
import static dev.freight.config.LimitsConfig.MAX_ROWS;

/**
 * Binds {@code limits} and a role's {@code limits} into a {@link LimitsConfig}: each key a positive integer or a
 * size, an absent or empty one at its fallback (the built-in defaults, or for a role the top-level limits).
 * Refusals name the key under the origin {@code configuration}.
 */
final class LimitsBinder {
    private static final String ORIGIN = ConfigException.CONFIGURATION;

    private LimitsBinder() {
    }

    /** The top-level {@code limits}: as any section, each key may be set or overridden by FREIGHT_LIMITS_<KEY>. */
    static LimitsConfig limits(ConfigSection top, EnvironmentOverrides overrides) {
        JsonNode file = top.node.get("limits");
        if (isEmpty(file)) file = JsonNodeFactory.instance.objectNode();
        check(file, "limits");
        ObjectNode values = JsonNodeFactory.instance.objectNode();
        for (String key : KEYS) {
            ConfigValue v = overrides.value("limits." + key, file.get(key), top.origin);
            if (v.isSet()) values.set(key, v.node);
        }
        return parse(values, "limits", LimitsConfig.DEFAULTS);
    }

    /** Limits at {@code path} as {@code node} holds them, variables applied; {@code fallback} for absent keys. */
    static LimitsConfig parse(JsonNode node, String path, LimitsConfig fallback) {
        if (isEmpty(node)) return fallback;
        check(node, path);
        return new LimitsConfig(
                integer(node, path, EXPORTS_PER_HOUR, fallback.exportsPerHour(), Integer.MAX_VALUE),
                (int) integer(node, path, CONCURRENT_JOBS, fallback.concurrentJobs(), 100_000),
                integer(node, path, MAX_ROWS, fallback.maxRows(), Long.MAX_VALUE - 1),
                size(node, path, MAX_FILE_BYTES, fallback.maxFileBytes()),
                size(node, path, MAX_REQUEST_BYTES, fallback.maxRequestBytes()));
    }

    private static boolean isEmpty(JsonNode node) {
        return node == null || node.isNull() || (node.isTextual() && node.textValue().isEmpty());
    }

    private static void check(JsonNode node, String path) {
        if (!node.isObject()) throw new ConfigException(ORIGIN, path, "expected a mapping of " + String.join(", ", KEYS));
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new ConfigException(ORIGIN, path + "." + key, "unknown limit; limits: " + String.join(", ", KEYS));
            }
        }
    }

    private static String text(JsonNode node, String path, String key, String expected) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isValueNode()) throw new ConfigException(ORIGIN, path + "." + key, "expected " + expected);
        String s = v.asText().strip();
        return s.isEmpty() ? null : s;
    }

    private static long integer(JsonNode node, String path, String key, long fallback, long max) {
        String expected = "a positive integer (at most " + max + ")";
        String s = text(node, path, key, expected);
        if (s == null) return fallback;
        try {
            long n = Long.parseLong(s.replace("_", ""));
            if (n >= 1 && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new ConfigException(ORIGIN, path + "." + key, "expected " + expected + ", got \"" + Messages.shorten(s) + "\"");
    }

    private static long size(JsonNode node, String path, String key, long fallback) {
        String s = text(node, path, key, Units.SIZE_FORMS);
        if (s == null) return fallback;
        Long bytes = Units.size(s);
        if (bytes == null || bytes < 1) {
            throw new ConfigException(ORIGIN, path + "." + key, "expected " + Units.SIZE_FORMS + ", got \""
                    + Messages.shorten(s) + "\"");
        }
        return bytes;
    }

}
