package dev.freight.config;

import dev.freight.source.Dialect;

import java.util.regex.Pattern;

/**
 * JDBC URLs in the config: their dialect, to refuse at start-up what no driver here could open, and the URL with
 * its credentials masked, so that URLs can be printed in records and error messages.
 */
final class JdbcUrls {
    // password=... as a query (&) or H2-style (;) parameter, and user:password@ in the authority part.
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:]*:)[^/@]*@");

    private JdbcUrls() {
    }

    static String redact(String url) {
        if (url == null) return null;
        return USER_INFO.matcher(PASSWORD_PARAMETER.matcher(url).replaceAll("$1***")).replaceAll("$1***@");
    }

    /** The dialect of {@code url}, the value of {@code key}; a URL of no supported database is refused. */
    static Dialect dialect(ConfigValue key, String url) {
        try {
            return Dialect.fromJdbcUrl(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key.origin, key.path, "expected a JDBC URL starting with jdbc:postgresql:,"
                    + " jdbc:mariadb:, jdbc:mysql:, jdbc:h2: or jdbc:sqlite:, got " + ConfigValue.quote(redact(url))
                    + (key.reference == null ? "" : " (from ${env:" + key.reference + "})"));
        }
    }
}
