package dev.freight.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text cells that a spreadsheet might import as a formula, or nearly: the OWASP set, the same after blank or
 * invisible characters, their full-width forms, and formulas behind a character some importers split cells at.
 * One list for the LibreOffice evidence, the unit tests of both CSV paths and the PostgreSQL golden tests, so the
 * evidence and the byte-for-byte checks cover the same cells.
 */
public final class FormulaCandidates {
    private FormulaCandidates() {
    }

    /**
     * Each candidate with the field Freight writes for it in a comma-separated file with formula neutralisation on,
     * spelled out by hand rather than computed, so that a wrong rule cannot agree with itself.
     */
    public static final Map<String, String> CSV_FIELD = fields(
            "=1+1", "'=1+1",
            "+1+1", "'+1+1",
            "-1+1", "'-1+1",
            "@SUM(1,1)", "\"'@SUM(1,1)\"",
            "\t=1+1", "\"'\t=1+1\"",
            "\r=1+1", "\"'\r=1+1\"",
            "\n=1+1", "\"'\n=1+1\"",
            " =1+1", "' =1+1",
            "  =1+1", "'  =1+1",
            "\u00a0=1+1", "'\u00a0=1+1",
            "\u2003=1+1", "'\u2003=1+1",
            "\u3000=1+1", "'\u3000=1+1",
            "\u200b=1+1", "'\u200b=1+1",
            "\ufeff=1+1", "'\ufeff=1+1",
            "\uff1d1+1", "'\uff1d1+1",
            "\uff0b1+1", "'\uff0b1+1",
            "\uff0d1+1", "'\uff0d1+1",
            "\uff20SUM(1,1)", "\"'\uff20SUM(1,1)\"",
            " \uff1d1+1", "' \uff1d1+1",
            "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
            "-5", "'-5",
            "+5", "'+5",
            " -5", "' -5",
            "'=1+1", "'=1+1",
            "a;=1+1", "\"a;=1+1\"",
            "a,=1+1", "\"a,=1+1\"",
            "a\t=1+1", "\"a\t=1+1\"",
            "a; =1+1", "\"a; =1+1\"",
            "a;\uff1d1+1", "\"a;\uff1d1+1\"",
            "#a;=1+1", "\"#a;=1+1\"",
            "a;b", "a;b",
            "a - b", "a - b",
            "\u3000x", "\u3000x",
            "plain text", "plain text");

    public static final List<String> ALL = List.copyOf(CSV_FIELD.keySet());

    private static Map<String, String> fields(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) map.put(pairs[i], pairs[i + 1]);
        return java.util.Collections.unmodifiableMap(map);
    }

    /** The candidate spelled so that blanks and invisible characters show in a Markdown table. */
    public static String show(String text) {
        StringBuilder b = new StringBuilder("`");
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                case '\n' -> b.append("\\n");
                case ' ' -> b.append('␠');
                case '|' -> b.append("\\|");
                default -> {
                    if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.getType(c) == Character.FORMAT) {
                        b.append(String.format("\\u%04x", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.append('`').toString();
    }

    /**
     * How PostgreSQL's COPY (FORMAT csv) writes a text value: quoted when empty or holding the delimiter, a quote
     * or a line break, or when it is the end-of-data marker.
     */
    public static String copyField(String value, char delimiter) {
        if (value == null) return "";
        boolean quote = value.isEmpty() || value.indexOf(delimiter) >= 0 || value.indexOf('"') >= 0
                || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.equals("\\.");
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
