package dev.freight.format;

import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;

import java.util.Locale;
import java.util.Set;

/**
 * The options of the XLSX format: the common ones, {@code header} (parsed by {@link FormatOptions} like for CSV),
 * and {@code sheet_name}. Also the sheet-name rules Excel enforces: at most 31 characters, none of
 * {@code [ ] : * ? / \}, not starting or ending with an apostrophe, not blank, not "History".
 */
final class XlsxOptions {
    static final String SHEET_NAME = "sheet_name";
    static final Set<String> NAMES = FormatOptions.union(FormatOptions.COMMON, Set.of("header", SHEET_NAME));
    /**
     * Accepted (and still validated) but without effect: an XLSX text cell is never a formula, so there is nothing
     * to neutralise. Not advertised; kept so that requests, schedules and retries made before still run.
     */
    static final Set<String> RETIRED = Set.of("sanitize_formulas");
    static final int MAX_SHEET_NAME = 31;
    private static final String FORBIDDEN = "[]:*?/\\";

    private XlsxOptions() {
    }

    /** Validates {@code sheet_name} up front; {@code header} is checked by the parser. */
    static void check(FormatOptions options) {
        Object value = options.option(SHEET_NAME);
        if (value == null) return;
        String problem = value instanceof String s ? problem(s) : "must be a string";
        if (problem != null) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options." + SHEET_NAME, "sheet_name "
                    + (value instanceof String s ? "'" + Messages.shorten(s) + "' " : "") + problem
                    + " (Excel's rules: 1 to 31 characters, none of [ ] : * ? / \\, no apostrophe first or last)");
        }
    }

    private static String problem(String name) {
        if (name.isBlank()) return "must not be blank";
        if (name.length() > MAX_SHEET_NAME) return "is longer than 31 characters";
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (FORBIDDEN.indexOf(c) >= 0) return "contains '" + c + "'";
            if (Character.isISOControl(c)) return "contains a control character";
        }
        if (name.startsWith("'") || name.endsWith("'")) return "starts or ends with an apostrophe";
        if (name.equalsIgnoreCase("History")) return "is reserved by Excel";
        return null;
    }

    /** The user's {@code sheet_name} (already valid), else the dataset name made valid, else "Export". */
    static String sheetName(FormatOptions options, WriterContext context) {
        Object given = options.option(SHEET_NAME);
        if (given != null) return (String) given;
        return sanitise(context == null ? null : context.dataset());
    }

    /** A name made acceptable to Excel: forbidden and control characters become '_', trimmed to 31 characters. */
    static String sanitise(String name) {
        if (name == null) return "Export";
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            b.append(FORBIDDEN.indexOf(c) >= 0 || Character.isISOControl(c) ? '_' : c);
        }
        String s = b.toString().strip();
        while (s.startsWith("'")) s = s.substring(1);
        while (s.endsWith("'")) s = s.substring(0, s.length() - 1);
        s = truncate(s, MAX_SHEET_NAME).strip();
        if (s.isEmpty() || s.toLowerCase(Locale.ROOT).equals("history")) return s.isEmpty() ? "Export" : s + "_";
        return s;
    }

    /** Sheet {@code n} (1-based): the base name, then "name (2)", "name (3)" … shortened to stay within 31 characters. */
    static String nthSheetName(String base, int n) {
        if (n == 1) return base;
        String suffix = " (" + n + ")";
        String head = truncate(base, MAX_SHEET_NAME - suffix.length()).stripTrailing();
        while (head.endsWith("'")) head = head.substring(0, head.length() - 1);
        return head + suffix;
    }

    /** At most {@code max} chars, without cutting a surrogate pair in two. */
    private static String truncate(String s, int max) {
        if (s.length() <= max) return s;
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }
}
