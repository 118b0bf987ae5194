package dev.freight.format;

import dev.freight.query.InvalidRequestException;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validated format options. Defaults are machine-friendly: comma, header on, empty NULLs, no BOM, CRLF
 * (RFC 4180), formula neutralisation on, timestamps in UTC.
 */
public record FormatOptions(char delimiter, boolean header, String nullText, boolean bom, String lineEnding,
                            boolean sanitizeFormulas, ZoneId timeZone) {

    static final Set<String> CSV_OPTIONS = Set.of("labels", "delimiter", "header", "null_text", "bom", "line_ending",
            "sanitize_formulas", "time_zone");
    static final Set<String> JSON_OPTIONS = Set.of("labels", "time_zone");

    public static FormatOptions defaults(ExportFormat format) {
        return parse(format, Map.of());
    }

    public static FormatOptions parse(ExportFormat format, Map<String, Object> raw) {
        for (String key : raw.keySet()) {
            if (!format.optionNames().contains(key)) {
                throw new InvalidRequestException("invalid_option", "options." + key, "unknown option '"
                        + shorten(key) + "' for format " + format.id() + "; options: "
                        + String.join(", ", new TreeSet<>(format.optionNames())));
            }
        }
        char defaultDelimiter = format == ExportFormat.TSV ? '\t' : ',';
        return new FormatOptions(
                delimiter(raw.get("delimiter"), defaultDelimiter),
                bool(raw, "header", true),
                string(raw, "null_text", ""),
                bool(raw, "bom", false),
                lineEnding(raw.get("line_ending")),
                bool(raw, "sanitize_formulas", true),
                zone(raw.get("time_zone")));
    }

    private static char delimiter(Object value, char dflt) {
        if (value == null) return dflt;
        String s = String.valueOf(value);
        if (s.equals("\\t") || s.equalsIgnoreCase("tab")) return '\t';
        if (s.length() != 1 || s.charAt(0) == '"' || s.charAt(0) == '\r' || s.charAt(0) == '\n') {
            throw new InvalidRequestException("invalid_option", "options.delimiter", "delimiter must be one character"
                    + " other than a quote or a line break (e.g. \",\", \";\", \"|\", \"tab\"), got '" + shorten(s) + "'");
        }
        return s.charAt(0);
    }

    private static String lineEnding(Object value) {
        if (value == null) return "\r\n";
        return switch (String.valueOf(value).toLowerCase(Locale.ROOT)) {
            case "crlf", "\r\n" -> "\r\n";
            case "lf", "\n" -> "\n";
            default -> throw new InvalidRequestException("invalid_option", "options.line_ending",
                    "line_ending must be crlf or lf, got '" + shorten(String.valueOf(value)) + "'");
        };
    }

    private static ZoneId zone(Object value) {
        if (value == null) return ZoneOffset.UTC;
        try {
            return ZoneId.of(String.valueOf(value));
        } catch (DateTimeException e) {
            throw new InvalidRequestException("invalid_option", "options.time_zone", "unknown time zone '"
                    + shorten(String.valueOf(value)) + "'; use an IANA name like Europe/Paris or an offset like +02:00");
        }
    }

    private static boolean bool(Map<String, Object> raw, String key, boolean dflt) {
        Object v = raw.get(key);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        String s = String.valueOf(v).toLowerCase(Locale.ROOT);
        if (s.equals("true")) return true;
        if (s.equals("false")) return false;
        throw new InvalidRequestException("invalid_option", "options." + key, key + " must be true or false, got '"
                + shorten(String.valueOf(v)) + "'");
    }

    private static String string(Map<String, Object> raw, String key, String dflt) {
        Object v = raw.get(key);
        if (v == null) return dflt;
        if (!(v instanceof String s) || s.length() > 100 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            throw new InvalidRequestException("invalid_option", "options." + key, key
                    + " must be a string of at most 100 characters without line breaks");
        }
        return s;
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
