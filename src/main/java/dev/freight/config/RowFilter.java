package dev.freight.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A role's {@code row_filter}: one SQL condition of the source with each {@code :name} replaced by {@code ?}, and
 * the principal attributes to bind there, in order. What the condition means is the source's business (it is run
 * once at start against each dataset it governs); here it is only checked to be one condition with placeholders.
 */
public record RowFilter(String sql, List<String> attributes) {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String ORIGIN = ConfigException.CONFIGURATION;

    public RowFilter {
        Objects.requireNonNull(sql, "sql");
        attributes = List.copyOf(attributes);
    }

    /**
     * Placeholders are found outside quoted text and identifiers only; {@code ::} (PostgreSQL casts) is left
     * alone. A bare {@code ?} is refused: it would shift every bound value after it. {@code key}: the filter's
     * path, named by a refusal.
     */
    static RowFilter parse(String key, String text) {
        StringBuilder sql = new StringBuilder(text.length());
        List<String> attributes = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int end = i + 1;
                while (end < n) {
                    if (text.charAt(end) == c) {
                        if (end + 1 < n && text.charAt(end + 1) == c) {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                if (end >= n) throw new ConfigException(ORIGIN, key, "unterminated " + c + " quote");
                sql.append(text, i, end + 1);
                i = end + 1;
            } else if (c == ';') {
                throw new ConfigException(ORIGIN, key, "a row filter is one condition; ';' is not allowed");
            } else if ((c == '-' && i + 1 < n && text.charAt(i + 1) == '-')
                    || (c == '/' && i + 1 < n && text.charAt(i + 1) == '*')) {
                // It would comment out whatever the planner puts after the filter.
                throw new ConfigException(ORIGIN, key, "comments are not allowed in a row filter");
            } else if (c == '?') {
                throw new ConfigException(ORIGIN, key, "'?' is not allowed; bind principal attributes as :name");
            } else if (c == ':' && i + 1 < n && text.charAt(i + 1) == ':') {
                sql.append("::");
                i += 2;
            } else if (c == ':') {
                Matcher m = IDENTIFIER.matcher(text).region(i + 1, n);
                if (!m.lookingAt()) {
                    throw new ConfigException(ORIGIN, key, "':' must start a placeholder :name where name is an"
                            + " identifier (letters, digits, '_'), at character " + (i + 1));
                }
                attributes.add(m.group());
                sql.append('?');
                i = m.end();
            } else {
                sql.append(c);
                i++;
            }
        }
        return new RowFilter(sql.toString(), attributes);
    }
}
