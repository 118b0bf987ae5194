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
import java.util.TreeSet;

/**
 * Validated format options. Defaults are machine-friendly: comma, header on, empty NULLs, no BOM, CRLF
 * (RFC 4180), formula neutralisation on, ISO dates and timestamps in UTC, plain numbers, true/false. The
 * presentation options ({@code date_format}, {@code timestamp_format}, {@code number_locale}, {@code bool_text})
 * are opt-in and change text only, never typed values (XLSX numbers and dates, Parquet, JSON numbers).
 * Format-specific options (sheet name, compression, page size …) stay in {@link #raw()}; each format validates
 * them up front through {@link FormatDescriptor#checkOptions()}. Every option's name, type, default and meaning is
 * declared once as an {@link OptionSpec}: the common ones here, each format's own in its descriptor.
 */
public record FormatOptions(char delimiter, boolean header, String nullText, boolean bom, String lineEnding,
                            boolean sanitizeFormulas, ZoneId timeZone, DateTimeFormatter dateFormat,
                            DateTimeFormatter timestampFormat, Locale numberLocale, List<String> boolText,
                            Map<String, Object> raw) {

    public static final OptionSpec LABELS = OptionSpec.of("labels", OptionType.LABELS, Map.of(),
            "header names by column, e.g. {\"created_at\": \"Created\"}");
    public static final OptionSpec TIME_ZONE = OptionSpec.text("time_zone", "UTC",
            "zone timestamps are shown in: IANA name or offset");
    public static final OptionSpec DATE_FORMAT = OptionSpec.text("date_format", null,
            "java.time pattern for dates, e.g. dd/MM/yyyy (text only)");
    public static final OptionSpec TIMESTAMP_FORMAT = OptionSpec.text("timestamp_format", null,
            "java.time pattern for timestamps, e.g. dd/MM/yyyy HH:mm XXX (text only)");
    public static final OptionSpec NUMBER_LOCALE = OptionSpec.text("number_locale", null,
            "language tag for number text, e.g. de-DE (text only)");
    public static final OptionSpec NULL_TEXT = OptionSpec.text("null_text", "", "text written for NULL");
    public static final OptionSpec BOOL_TEXT = OptionSpec.of("bool_text", OptionType.STRING_LIST, null,
            "texts for true and false, e.g. [\"yes\", \"no\"] (text only)");
    /** Options every format takes. */
    public static final List<OptionSpec> COMMON = List.of(LABELS, TIME_ZONE, DATE_FORMAT, TIMESTAMP_FORMAT,
            NUMBER_LOCALE, NULL_TEXT, BOOL_TEXT);

    // Parsed here as well, but only the formats that declare them take them (CSV and TSV; XLSX takes header).
    public static final OptionSpec DELIMITER = OptionSpec.text("delimiter", ",",
            "field separator: one character, or \"tab\"");
    public static final OptionSpec HEADER = OptionSpec.bool("header", true, "write a header row");
    public static final OptionSpec BOM = OptionSpec.bool("bom", false,
            "start with a UTF-8 byte order mark (helps Excel)");
    public static final OptionSpec LINE_ENDING = OptionSpec.choice("line_ending", "crlf", List.of("crlf", "lf"),
            "crlf (RFC 4180) or lf");
    public static final OptionSpec SANITIZE_FORMULAS = OptionSpec.bool("sanitize_formulas", true,
            "prefix ' to text starting with tab, CR, or = + - @ (or ＝ ＋ － ＠) after any blanks; quote text"
                    + " with one behind , ; or tab (CSV injection protection)");

    /** A format's own options followed by {@link #COMMON}: the order forms show them in. */
    public static List<OptionSpec> withCommon(OptionSpec... own) {
        List<OptionSpec> all = new java.util.ArrayList<>(List.of(own));
        all.addAll(COMMON);
        return List.copyOf(all);
    }

    public FormatOptions {
        raw = raw == null ? Map.of() : Map.copyOf(raw);
        boolText = boolText == null ? null : List.copyOf(boolText);
    }

    public static FormatOptions defaults(ExportFormat format) {
        return parse(format, Map.of());
    }

    public static FormatOptions parse(ExportFormat format, Map<String, Object> raw) {
        return parse(format.descriptor(), raw);
    }

    /**
     * Refuses options the format does not take, parses the common ones, then has the format check its own. An
     * absent option (or a null one) takes the default the format declares for it, so a declared default is the
     * value the writer uses.
     */
    public static FormatOptions parse(FormatDescriptor format, Map<String, Object> raw) {
        for (String key : raw.keySet()) {
            if (!format.accepts(key)) {
                throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options." + key, Messages.unknown("option", key,
                        "for format " + format.id(), new TreeSet<>(format.optionNames())));
            }
        }
        FormatOptions options = new FormatOptions(
                delimiter(given(raw, format.option(DELIMITER.name()).orElse(DELIMITER))),
                bool(raw, HEADER),
                string(raw, NULL_TEXT),
                bool(raw, BOM),
                lineEnding(given(raw, LINE_ENDING)),
                bool(raw, SANITIZE_FORMULAS),
                zone(given(raw, TIME_ZONE)),
                pattern(raw, DATE_FORMAT),
                pattern(raw, TIMESTAMP_FORMAT),
                locale(given(raw, NUMBER_LOCALE)),
                boolText(given(raw, BOOL_TEXT)),
                raw);
        format.checkOptions().apply(options);
        return options;
    }

    /** A format-specific option as given, or null. */
    public Object option(String key) {
        return raw.get(key);
    }

    /** A format-specific option as given, else its declared default (which may be null). */
    public Object option(OptionSpec spec) {
        return given(raw, spec);
    }

    private static Object given(Map<String, Object> raw, OptionSpec spec) {
        Object v = raw.get(spec.name());
        return v != null ? v : spec.defaultValue();
    }

    private static char delimiter(Object value) {
        String s = String.valueOf(value);
        if (s.equals("\\t") || s.equalsIgnoreCase("tab")) return '\t';
        if (s.length() != 1 || s.charAt(0) == '"' || s.charAt(0) == '\r' || s.charAt(0) == '\n') {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.delimiter", "delimiter must be one character"
                    + " other than a quote or a line break (e.g. \",\", \";\", \"|\", \"tab\"), got '" + Messages.shorten(s) + "'");
        }
        return s.charAt(0);
    }

    private static String lineEnding(Object value) {
        return switch (String.valueOf(value).toLowerCase(Locale.ROOT)) {
            case "crlf", "\r\n" -> "\r\n";
            case "lf", "\n" -> "\n";
            default -> throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.line_ending",
                    "line_ending must be crlf or lf, got '" + Messages.shorten(String.valueOf(value)) + "'");
        };
    }

    /** Normalised: "UTC", "Z" and "+00:00" are all {@link ZoneOffset#UTC}, so each takes the same paths. */
    private static ZoneId zone(Object value) {
        try {
            return ZoneId.of(String.valueOf(value)).normalized();
        } catch (DateTimeException e) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.time_zone", "unknown time zone '"
                    + Messages.shorten(String.valueOf(value)) + "'; use an IANA name like Europe/Paris or an offset like +02:00");
        }
    }

    /** A java.time pattern such as {@code dd/MM/yyyy} or {@code yyyy-MM-dd HH:mm}; letters outside quotes only. */
    private static DateTimeFormatter pattern(Map<String, Object> raw, OptionSpec spec) {
        String key = spec.name();
        Object v = given(raw, spec);
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

    private static boolean bool(Map<String, Object> raw, OptionSpec spec) {
        String key = spec.name();
        Object v = given(raw, spec);
        if (v instanceof Boolean b) return b;
        String s = String.valueOf(v).toLowerCase(Locale.ROOT);
        if (s.equals("true")) return true;
        if (s.equals("false")) return false;
        throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options." + key, key + " must be true or false, got '"
                + Messages.shorten(String.valueOf(v)) + "'");
    }

    private static String string(Map<String, Object> raw, OptionSpec spec) {
        String key = spec.name();
        Object v = given(raw, spec);
        if (!(v instanceof String s) || s.length() > 100 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options." + key, key
                    + " must be a string of at most 100 characters without line breaks");
        }
        return s;
    }

}
