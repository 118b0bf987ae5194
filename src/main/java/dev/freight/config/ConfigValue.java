package dev.freight.config;

import dev.freight.error.Messages;
import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One key's value, unset when {@code node} is null, typed by the accessor that knows what the key holds: each
 * refusal names the key, where the value came from (the file or a variable) and the form expected, and shows the
 * value (a URL without its password, a referenced one with its {@code ${env:NAME}}).
 */
final class ConfigValue {
    final String path;
    final String origin;
    final JsonNode node;
    /** The variable of a {@code ${env:NAME}} reference the value came through, or null. */
    final String reference;
    final boolean fromEnvironment;
    private final EnvReferences references;

    ConfigValue(EnvReferences references, String path, String origin, JsonNode node, String reference,
                boolean fromEnvironment) {
        this.references = references;
        this.path = path;
        this.origin = origin;
        this.node = node;
        this.reference = reference;
        this.fromEnvironment = fromEnvironment;
    }

    boolean isSet() {
        return node != null;
    }

    ConfigException invalid(String problem) {
        return new ConfigException(origin, path, problem + (node == null ? "" : ", got " + shown()));
    }

    private String shown() {
        String shown = describe(node);
        if (node.isTextual() && path.endsWith("url")) shown = quote(JdbcUrls.redact(node.textValue()));
        return reference == null ? shown : shown + " (from ${env:" + reference + "})";
    }

    /** The text of a scalar; a list or mapping where a scalar belongs is an error. */
    String text(String expected) {
        if (!node.isTextual()) throw invalid("expected " + expected);
        return node.textValue().strip();
    }

    String string(String fallback) {
        return node == null ? fallback : text("a string");
    }

    Optional<String> optionalString() {
        return Optional.ofNullable(string(null)).filter(s -> !s.isEmpty());
    }

    String required(String what) {
        if (node == null) throw new ConfigException(origin, path, "missing: expected " + what);
        String s = text(what);
        if (s.isEmpty()) throw invalid("expected " + what);
        return s;
    }

    /**
     * Secrets are written as ${env:NAME} in the file, so the file can be checked in and shared; a variable
     * (FREIGHT_SOURCES_SHOP_PASSWORD) may hold one directly, the environment being where secrets live.
     */
    Optional<Secret> secret() {
        if (node == null) return Optional.empty();
        if (!node.isTextual()) throw new ConfigException(origin, path, "expected ${env:NAME}");
        if (reference == null && !fromEnvironment) {
            throw new ConfigException(origin, path, "secrets are not written in the file: write ${env:NAME} and"
                    + " set the variable NAME, or set " + EnvironmentOverrides.envName(path));
        }
        return Optional.of(new Secret(node.textValue()));
    }

    /**
     * Secrets as a list: each item ${env:NAME} (an item whose variable is set but empty is left out, so an
     * optional old key can stay in the file), or, from a variable, the secrets themselves comma-separated.
     */
    List<Secret> secretList() {
        if (node == null) return List.of();
        List<Secret> items = new ArrayList<>();
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                ConfigValue item = references.resolve(path + "." + i, origin, node.get(i), fromEnvironment);
                if (item.node == null) continue;
                item.secret().ifPresent(items::add);
            }
            return List.copyOf(items);
        }
        if (reference == null && !fromEnvironment) {
            throw new ConfigException(origin, path, "secrets are not written in the file: write a list of"
                    + " ${env:NAME}, or set " + EnvironmentOverrides.envName(path) + " (comma-separated)");
        }
        for (String item : text("a comma-separated list of secrets").split(",", -1)) {
            if (!item.isBlank()) items.add(new Secret(item.strip()));
        }
        return List.copyOf(items);
    }

    int integer(int fallback, int min, int max) {
        return (int) longInteger(fallback, min, max);
    }

    long longInteger(long fallback, long min, long max) {
        String expected = max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                ? (min == 1 ? "a positive integer" : "an integer of at least " + min)
                : "an integer from " + min + " to " + max;
        if (node == null) return fallback;
        String s = text(expected).replace("_", "");
        try {
            long n = Long.parseLong(s);
            if (n < min || n > max) throw invalid("expected " + expected);
            return n;
        } catch (NumberFormatException e) {
            throw invalid("expected " + expected);
        }
    }

    boolean bool(boolean fallback) {
        if (node == null) return fallback;
        String s = text("true or false").toLowerCase(Locale.ROOT);
        if (s.equals("true")) return true;
        if (s.equals("false")) return false;
        throw invalid("expected true or false");
    }

    Duration duration(Duration fallback, boolean zeroAllowed) {
        if (node == null) return fallback;
        String expected = zeroAllowed ? Units.DURATION_FORMS : "a positive " + Units.DURATION_FORMS.substring(2);
        Duration d = Units.duration(text(expected));
        if (d == null || d.isNegative() || (d.isZero() && !zeroAllowed)) throw invalid("expected " + expected);
        return d;
    }

    long size(long fallback) {
        if (node == null) return fallback;
        Long bytes = Units.size(text(Units.SIZE_FORMS));
        if (bytes == null || bytes <= 0) throw invalid("expected " + Units.SIZE_FORMS);
        return bytes;
    }

    Path path(Path fallback) {
        if (node == null) return fallback.normalize();
        try {
            return Path.of(text("a file system path")).normalize();
        } catch (InvalidPathException e) {
            throw invalid("expected a file system path (" + e.getReason() + ")");
        }
    }

    Optional<URI> httpUrl() {
        if (node == null) return Optional.empty();
        String expected = "an absolute http(s) URL such as https://freight.example.com";
        String s = text(expected);
        try {
            URI uri = new URI(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw invalid("expected " + expected + " (no query or fragment)");
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            throw invalid("expected " + expected);
        }
    }

    /**
     * A list of non-empty strings, written as a YAML list or as one comma-separated string (the only way a
     * variable can hold a list: FREIGHT_SOURCES_SHOP_INCLUDE=public.*,sales.*).
     */
    List<String> list(List<String> fallback) {
        if (node == null) return fallback;
        List<String> items = new ArrayList<>();
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                ConfigValue item = references.resolve(path + "." + i, origin, node.get(i), fromEnvironment);
                if (item.node == null || !item.node.isTextual() || item.node.textValue().isBlank()) {
                    throw invalid("expected a list of non-empty strings");
                }
                items.add(item.node.textValue().strip());
            }
            return List.copyOf(items);
        }
        for (String item : text("a list of strings").split(",", -1)) {
            if (item.isBlank()) throw invalid("expected a comma-separated list of non-empty strings");
            items.add(item.strip());
        }
        return List.copyOf(items);
    }

    /** How a value is shown in a message: a list, a mapping, or the quoted text (cut after 60 characters). */
    static String describe(JsonNode node) {
        if (node.isArray()) return "a list";
        if (node.isObject()) return "a mapping";
        return quote(node.asText());
    }

    static String quote(String s) {
        String shown = Messages.shorten(s);
        return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
