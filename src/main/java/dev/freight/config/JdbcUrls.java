package dev.freight.config;

import java.util.regex.Pattern;

/** Masks credentials that a JDBC URL may carry, so that URLs can be printed in records and error messages. */
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
}
