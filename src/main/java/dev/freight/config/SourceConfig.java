package dev.freight.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A named JDBC connection. Its tables and views become datasets when a name matches one of the {@code include}
 * glob patterns and none of the {@code exclude} ones (see {@link #includes(String, String)}).
 */
public record SourceConfig(String name, String url, Optional<String> user, Optional<Secret> password, int poolSize,
                           List<String> include, List<String> exclude) {

    public SourceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }

    /**
     * Whether a catalog table is exposed. Patterns use {@code *} (any run of characters, dots included) and
     * {@code ?} (one character), ignore case, and are tried against both the bare table name and
     * {@code schema.table}: {@code orders} matches that table in any schema, {@code sales.*} every table of
     * {@code sales}, {@code *} everything.
     */
    public boolean includes(String schema, String table) {
        List<String> names = schema == null || schema.isEmpty() ? List.of(table) : List.of(table, schema + "." + table);
        return matchesAny(include, names) && !matchesAny(exclude, names);
    }

    private static boolean matchesAny(List<String> patterns, List<String> names) {
        for (String pattern : patterns) {
            for (String name : names) {
                if (glob(pattern.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT))) return true;
            }
        }
        return false;
    }

    /** Wildcard match with backtracking to the last {@code *}; linear for the short names a catalog has. */
    static boolean glob(String pattern, String name) {
        int p = 0;
        int n = 0;
        int star = -1;
        int starMatch = 0;
        while (n < name.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == name.charAt(n))) {
                p++;
                n++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                starMatch = n;
            } else if (star >= 0) {
                p = star + 1;
                n = ++starMatch;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') p++;
        return p == pattern.length();
    }

    /** The URL may carry a password parameter; it is masked like the password itself. */
    @Override
    public String toString() {
        return "SourceConfig[name=" + name + ", url=" + JdbcUrls.redact(url) + ", user=" + user + ", password="
                + password + ", poolSize=" + poolSize + ", include=" + include + ", exclude=" + exclude + "]";
    }
}
