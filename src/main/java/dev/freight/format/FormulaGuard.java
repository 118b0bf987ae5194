package dev.freight.format;

/**
 * CSV injection defence for CSV/TSV text cells (and header labels); numbers are never passed here, so {@code -5}
 * from a numeric column stays a number. Two measures, each given for Java strings (the CSV writer) and for UTF-8
 * bytes (PostgreSQL's COPY rewriter) over the same character sets, so both paths write the same bytes:
 * <ul>
 *   <li>{@link #isDangerous}: a leading {@code '} (which Excel, LibreOffice and Google Sheets read as "text")
 *   when the cell starts with tab, CR or NUL (OWASP), or when its first character that is not blank is one of
 *   {@code = + - @} or their full-width forms {@code ＝ ＋ － ＠}. LibreOffice 7.4 runs {@code " =1+1"} as a
 *   formula once "Trim spaces" is ticked; what Excel and Google Sheets trim or fold is unknown, so every Unicode
 *   blank and the invisible U+200B/U+FEFF are skipped, and the full-width signs count as well
 *   (scripts/formula-evidence.sh, README "Formula-looking text").</li>
 *   <li>{@link #hidesFormulaAfterSplit}: the cell is quoted when a {@code , ; tab} inside it is followed by such a
 *   formula start. LibreOffice's Open dialog splits at all three by default, and Excel splits at its locale's
 *   list separator; an unquoted {@code a;=1+1} becomes a cell {@code =1+1}, where no leading apostrophe helps.</li>
 * </ul>
 */
public final class FormulaGuard {
    private FormulaGuard() {
    }

    public static boolean isDangerous(String s) {
        if (s.isEmpty()) return false;
        char first = s.charAt(0);
        if (first == '\t' || first == '\r' || first == '\0') return true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isFormulaStart(c)) return true;
            if (!isBlank(c)) return false;
        }
        return false;
    }

    public static String neutralise(String s) {
        return isDangerous(s) ? "'" + s : s;
    }

    /** Whether a {@code , ; tab} in the text is followed, after blanks, by a formula start. */
    public static boolean hidesFormulaAfterSplit(String s) {
        // Most cells hold no separator at all: three quick searches settle those before the scan below.
        if (s.indexOf(',') < 0 && s.indexOf(';') < 0 && s.indexOf('\t') < 0) return false;
        boolean afterSplit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (afterSplit && isFormulaStart(c)) return true;
            if (c == ',' || c == ';' || c == '\t') {
                afterSplit = true;
            } else if (!isBlank(c)) {
                afterSplit = false;
            }
        }
        return false;
    }

    /** {@link #isDangerous(String)} over the UTF-8 bytes {@code [from, to)} of one value. */
    public static boolean isDangerous(byte[] utf8, int from, int to) {
        if (from >= to) return false;
        byte first = utf8[from];
        if (first == '\t' || first == '\r' || first == 0) return true;
        int i = from;
        while (i < to) {
            int c = codePointAt(utf8, i, to);
            if (isFormulaStart(c)) return true;
            if (!isBlank(c)) return false;
            i += utf8Length(c);
        }
        return false;
    }

    /** {@link #hidesFormulaAfterSplit(String)} over the UTF-8 bytes {@code [from, to)} of one value. */
    public static boolean hidesFormulaAfterSplit(byte[] utf8, int from, int to) {
        boolean afterSplit = false;
        int i = from;
        while (i < to) {
            byte b = utf8[i];
            if (b >= 0) {
                // ASCII, the bulk of most text: no decoding.
                if (afterSplit && isFormulaStart(b)) return true;
                if (b == ',' || b == ';' || b == '\t') {
                    afterSplit = true;
                } else if (!isBlank(b)) {
                    afterSplit = false;
                }
                i++;
                continue;
            }
            int c = codePointAt(utf8, i, to);
            if (afterSplit && isFormulaStart(c)) return true;
            if (!isBlank(c)) afterSplit = false;
            i += utf8Length(c);
        }
        return false;
    }

    private static boolean isFormulaStart(int c) {
        return c == '=' || c == '+' || c == '-' || c == '@'
                || c == '\uff1d' || c == '\uff0b' || c == '\uff0d' || c == '\uff20';
    }

    /** Unicode White_Space, plus the zero-width space and BOM, which a reader cannot see either. */
    private static boolean isBlank(int c) {
        if (c > ' ' && c < '\u0085') return false;  // printable ASCII, most of any text, first
        return (c >= '\t' && c <= '\r') || c == ' ' || c == '\u0085' || c == '\u00a0' || c == '\u1680'
                || (c >= '\u2000' && c <= '\u200b') || c == '\u2028' || c == '\u2029' || c == '\u202f'
                || c == '\u205f' || c == '\u3000' || c == '\ufeff';
    }

    /**
     * The code point at {@code i}, or -1 for a byte that does not start a complete sequence of at most three
     * bytes: every character the rule looks for is in the BMP, so anything else simply ends a scan.
     */
    private static int codePointAt(byte[] b, int i, int to) {
        int b0 = b[i] & 0xFF;
        if (b0 < 0x80) return b0;
        if (b0 >= 0xC2 && b0 < 0xE0 && i + 1 < to) return (b0 & 0x1F) << 6 | (b[i + 1] & 0x3F);
        if (b0 >= 0xE0 && b0 < 0xF0 && i + 2 < to) {
            return (b0 & 0x0F) << 12 | (b[i + 1] & 0x3F) << 6 | (b[i + 2] & 0x3F);
        }
        return -1;
    }

    private static int utf8Length(int c) {
        return c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
}
