package dev.freight.config;

import java.util.Locale;

/**
 * Checks that a configured query is one SELECT or WITH statement. This catches mistakes (a pasted script, an
 * UPDATE) when the config is read; what actually keeps a query from writing is the read-only transaction every
 * export runs in. When in doubt it refuses: backslash escapes and PostgreSQL dollar quoting are not understood,
 * so a {@code ;} inside them is taken as a second statement (which means the query would be rejected, never
 * that a second statement gets through).
 */
final class SelectOnly {

    private SelectOnly() {
    }

    /** What is wrong with the query, or null when it is acceptable. */
    static String problem(String sql) {
        int start = skipSpaceAndComments(sql, 0);
        if (start < 0) return "unterminated /* comment";
        int end = start;
        while (end < sql.length() && Character.isLetter(sql.charAt(end))) end++;
        String first = sql.substring(start, end).toLowerCase(Locale.ROOT);
        if (!first.equals("select") && !first.equals("with")) {
            String shown = first.isEmpty() ? sql.substring(start, Math.min(sql.length(), start + 10)) : first;
            return "must be a single SELECT or WITH query, but starts with '" + shown + "'";
        }
        for (int i = end; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int close = closingQuote(sql, i, c);
                if (close < 0) return "unterminated " + c + " quote starting at character " + (i + 1);
                i = close;
            } else if (isLineComment(sql, i)) {
                int nl = sql.indexOf('\n', i);
                i = nl < 0 ? sql.length() : nl;
            } else if (sql.startsWith("/*", i)) {
                int close = sql.indexOf("*/", i + 2);
                if (close < 0) return "unterminated /* comment starting at character " + (i + 1);
                i = close + 1;
            } else if (c == ';') {
                return "must be a single SELECT or WITH query without ';' (found one at character " + (i + 1) + ")";
            }
        }
        return null;
    }

    /** Index of the first character that is neither white space nor in a comment; -1 in an unterminated one. */
    private static int skipSpaceAndComments(String sql, int from) {
        int i = from;
        while (i < sql.length()) {
            if (Character.isWhitespace(sql.charAt(i))) {
                i++;
            } else if (isLineComment(sql, i)) {
                int nl = sql.indexOf('\n', i);
                i = nl < 0 ? sql.length() : nl + 1;
            } else if (sql.startsWith("/*", i)) {
                int close = sql.indexOf("*/", i + 2);
                if (close < 0) return -1;
                i = close + 2;
            } else {
                break;
            }
        }
        return i;
    }

    /**
     * {@code --} starts a comment only when followed by white space or the end: MySQL reads {@code --x} as two
     * minus signs, so treating it as a comment could hide a {@code ;} from this check.
     */
    private static boolean isLineComment(String sql, int i) {
        return sql.startsWith("--", i) && (i + 2 == sql.length() || Character.isWhitespace(sql.charAt(i + 2)));
    }

    /** The closing quote, a doubled quote being an escaped one; -1 when there is none. */
    private static int closingQuote(String sql, int open, char quote) {
        int i = open + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i;
            }
            i++;
        }
        return -1;
    }
}
