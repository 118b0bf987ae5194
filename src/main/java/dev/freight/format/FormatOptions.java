package dev.freight.format;

import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validated format options. Defaults are machine-friendly: comma, header on, empty NULLs, no BOM, CRLF
 * (RFC 4180), formula neutralisation on, ISO dates and timestamps in UTC, plain numbers, true/false. The
 * presentation options ({@code date_format}, {@code timestamp_format}, {@code number_locale}, {@code bool_text})
 * are opt-in and change text only, never typed values (XLSX numbers and dates, Parquet, JSON numbers).
 * Format-specific options (sheet name, compression, page size …) stay in {@link #raw()}; each format validates
 * them up front through {@link ExportFormat#checkOptions}.
 */
public record FormatOptions(char delimiter, boolean header, String nullText, boolean bom, String lineEnding,
                            boolean sanitizeFormulas, ZoneId timeZone, DateTimeFormatter dateFormat,
                            DateTimeFormatter timestampFormat, Locale numberLocale, List<String> boolText,
                            Map<String, Object> raw) {

    /** Options every format takes. */
    static final Set<String> COMMON = Set.of("labels", "time_zone", "date_format", "timestamp_format", "number_locale",
            "null_text", "bool_text");
    static final Set<String> CSV_OPTIONS = union(COMMON, Set.of("delimiter", "header", "bom", "line_ending",
            "sanitize_formulas"));
    static final Set<String> JSON_OPTIONS = COMMON;

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    public FormatOptions {
        raw = raw == null ? Map.of() : Map.copyOf(raw);
        boolText = boolText == null ? null : List.copyOf(boolText);
    }

    public static FormatOptions defaults(ExportFormat format) {
        return parse(format, Map.of());
    }

    public static FormatOptions parse(ExportFormat format, Map<String, Object> raw) {
        for (String key : raw.keySet()) {
            if (!format.accepts(key)) {
                throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options." + key, Messages.unknown("option", key,
                        "for format " + format.id(), new TreeSet<>(format.optionNames())));
            }
        }
        char defaultDelimiter = format == ExportFormat.TSV ? '\t' : ',';
        FormatOptions options = new FormatOptions(
                delimiter(raw.get("delimiter"), defaultDelimiter),
                bool(raw, "header", true),
                string(raw, "null_text", ""),
                bool(raw, "bom", false),
                lineEnding(raw.get("line_ending")),
                bool(raw, "sanitize_formulas", true),
                zone(raw.get("time_zone")),
                pattern(raw, "date_format"),
                pattern(raw, "timestamp_format"),
                locale(raw.get("number_locale")),
                boolText(raw.get("bool_text")),
                raw);
        format.checkOptions(options);
        return options;
    }

    /** A format-specific option as given, or null. */
    public Object option(String key) {
        return raw.get(key);
    }

    private static char delimiter(Object value, char dflt) {
        if (value == null) return dflt;
        String s = String.valueOf(value);
        if (s.equals("\\t") || s.equalsIgnoreCase("tab")) return '\t';
        if (s.length() != 1 || s.charAt(0) == '"' || s.charAt(0) == '\r' || s.charAt(0) == '\n') {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.delimiter", "delimiter must be one character"
                    + " other than a quote or a line break (e.g. \",\", \";\", \"|\", \"tab\"), got '" + Messages.shorten(s) + "'");
        }
        return s.charAt(0);
    }

    private static String lineEnding(Object value) {
        if (value == null) return "\r\n";
        return switch (String.valueOf(value).toLowerCase(Locale.ROOT)) {
            case "crlf", "\r\n" -> "\r\n";
            case "lf", "\n" -> "\n";
            default -> throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.line_ending",
                    "line_ending must be crlf or lf, got '" + Messages.shorten(String.valueOf(value)) + "'");
        };
    }

    private static ZoneId zone(Object value) {
        if (value == null) return ZoneOffset.UTC;
        try {
            return ZoneId.of(String.valueOf(value));
        } catch (DateTimeException e) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.time_zone", "unknown time zone '"
                    + Messages.shorten(String.valueOf(value)) + "'; use an IANA name like Europe/Paris or an offset like +02:00");
        }
    }

    /** A java.time pattern such as {@code dd/MM/yyyy} or {@code yyyy-MM-dd HH:mm}; letters outside quotes only. */
    private static DateTimeFormatter pattern(Map<String, Object> raw, String key) {
        Object v = raw.get(key);
        if (v == null) return null;
        String p = String.valueOf(v);
        try {
            if (p.isBlank() || p.length() > 64) throw new IllegalArgumentException("length");
            DateTimeFormatter f = DateTimeFormatter.ofPattern(p, Locale.ROOT);
            // Tried on a sample now, so that a pattern asking a date for its hour fails here, not on every row.
            if (key.equals("date_format")) {
                f.format(java.time.LocalDate.of(2024, 1, 31));
            } else {
                // Offsets (XXX) are fine; zone names (VV, z) are not: local timestamps carry only an offset.
                f.format(java.time.OffsetDateTime.of(2024, 1, 31, 13, 45, 30, 0, ZoneOffset.UTC));
            }
            return f;
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options." + key, key + " '" + Messages.shorten(p)
                    + "' is not a usable " + (key.equals("date_format") ? "date pattern (date fields only, e.g. dd/MM/yyyy, MMM d, yyyy)"
                    : "date/time pattern (e.g. yyyy-MM-dd HH:mm:ss, dd/MM/yyyy HH:mm XXX; offsets, not zone names)"));
        }
    }

    private static Locale locale(Object value) {
        if (value == null) return null;
        String tag = String.valueOf(value);
        Locale locale = Locale.forLanguageTag(tag.replace('_', '-'));
        boolean known = !locale.getLanguage().isEmpty() && java.util.Arrays.stream(java.text.NumberFormat.getAvailableLocales())
                .anyMatch(l -> l.getLanguage().equals(locale.getLanguage()));
        if (!known) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.number_locale", "unknown number_locale '"
                    + Messages.shorten(tag) + "'; use a language tag like en-US, de-DE or fr-FR");
        }
        return locale;
    }

    /** {@code ["yes", "no"]} or {@code "yes,no"}: the texts for true and false. */
    private static List<String> boolText(Object value) {
        if (value == null) return null;
        List<?> parts = value instanceof List<?> l ? l : List.of(String.valueOf(value).split(",", -1));
        if (parts.size() != 2 || parts.stream().anyMatch(p -> !(p instanceof String s) || s.length() > 20)) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.bool_text",
                    "bool_text must be two texts for true and false, e.g. [\"yes\", \"no\"] or \"yes,no\"");
        }
        return parts.stream().map(String::valueOf).toList();
    }

    private static boolean bool(Map<String, Object> raw, String key, boolean dflt) {
        Object v = raw.get(key);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        String s = String.valueOf(v).toLowerCase(Locale.ROOT);
        if (s.equals("true")) return true;
        if (s.equals("false")) return false;
        throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options." + key, key + " must be true or false, got '"
                + Messages.shorten(String.valueOf(v)) + "'");
    }

    private static String string(Map<String, Object> raw, String key, String dflt) {
        Object v = raw.get(key);
        if (v == null) return dflt;
        if (!(v instanceof String s) || s.length() > 100 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options." + key, key
                    + " must be a string of at most 100 characters without line breaks");
        }
        return s;
    }
}
