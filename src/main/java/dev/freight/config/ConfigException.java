package dev.freight.config;

/**
 * The configuration cannot be used; start-up stops. The message is one line that says where the value came from
 * (the file, or the environment variable that set it), the key and what is wrong, e.g.
 * {@code freight.yml: exports.sync_max_rows: expected a positive integer, got "ten"}.
 */
public class ConfigException extends RuntimeException {
    /**
     * The origin named by refusals in {@code limits}, {@code roles} and {@code api_keys}, and of keys that have no
     * file: the configuration as a whole (file and environment).
     */
    static final String CONFIGURATION = "configuration";

    private final String key;

    /** {@code origin} is the file or the variable the value came from; {@code key} may be null. */
    public ConfigException(String origin, String key, String problem) {
        super(oneLine(origin + ": " + (key == null || key.isEmpty() ? "" : key + ": ") + problem));
        this.key = key;
    }

    /** The key path at fault, e.g. {@code sources.shop.url}; null when it is the file as a whole. */
    public String key() {
        return key;
    }

    /** A stray line break would split the one-line report in logs; they only come from quoted values anyway. */
    private static String oneLine(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
