package dev.freight.format;

/**
 * OWASP CSV injection defence: a text cell a spreadsheet would run as a formula gets a leading apostrophe, which
 * Excel, LibreOffice and Google Sheets show as text. Numbers are never passed here, so {@code -5} stays a number.
 */
public final class FormulaGuard {
    private FormulaGuard() {
    }

    public static boolean isDangerous(String s) {
        if (s.isEmpty()) return false;
        char c = s.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '\0';
    }

    public static String neutralise(String s) {
        return isDangerous(s) ? "'" + s : s;
    }
}
