package dev.freight.error;

import java.util.Collection;

/**
 * The wording of error messages, in one place: how a value the caller sent is quoted back ({@link #shorten}), how
 * the valid choices are listed ({@link #choices}), and the one sentence for a name Freight does not know
 * ({@link #unknown}): {@code unknown format 'xml'; formats: csv, ndjson, json}.
 */
public final class Messages {
    /** The most characters of a caller's value that a message quotes back; a longer value ends in "...". */
    public static final int MAX_QUOTED = 80;
    /** The most choices a message lists; a longer list ends in "…, (N in all)". */
    public static final int MAX_CHOICES = 30;
    /** The most characters of choices a message lists, whatever their number (names may be long). */
    public static final int MAX_CHOICES_LENGTH = 400;

    private Messages() {
    }

    /**
     * {@code value} as a message may quote it: at most {@link #MAX_QUOTED} characters (the start of a longer one and
     * "..."), a surrogate pair never cut in two, and no character that could forge a log line or reorder the text
     * around it (line breaks, other control characters, bidirectional overrides): those are written as {@code \n},
     * {@code \r}, {@code \t} or {@code \}{@code uXXXX}. Null is "null".
     */
    public static String shorten(Object value) {
        String s = String.valueOf(value);
        StringBuilder whole = new StringBuilder();
        if (visible(s, MAX_QUOTED, whole) == s.length()) return whole.toString();
        StringBuilder head = new StringBuilder();
        visible(s, MAX_QUOTED - 3, head);
        return head.append("...").toString();
    }

    /** Appends the visible form of {@code s} while it fits in {@code budget}; returns how many chars were taken. */
    private static int visible(String s, int budget, StringBuilder out) {
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            String piece = hidden(cp) ? escape(cp) : new String(Character.toChars(cp));
            if (out.length() + piece.length() > budget) break;
            out.append(piece);
            i += Character.charCount(cp);
        }
        return i;
    }

    private static boolean hidden(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || cp == 0x061C || cp == 0x200E || cp == 0x200F || cp >= 0x202A && cp <= 0x202E
                || cp >= 0x2066 && cp <= 0x2069;
    }

    private static String escape(int cp) {
        return switch (cp) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> String.format("\\u%04X", cp);
        };
    }

    /**
     * The valid choices for a message: "a, b, c"; "(none)"; or as many as fit in {@link #MAX_CHOICES} names and
     * {@link #MAX_CHOICES_LENGTH} characters, then "…, (N in all)".
     */
    public static String choices(Collection<?> names) {
        if (names.isEmpty()) return "(none)";
        StringBuilder list = new StringBuilder();
        int shown = 0;
        for (Object name : names) {
            String s = String.valueOf(name);
            if (shown == MAX_CHOICES || shown > 0 && list.length() + 2 + s.length() > MAX_CHOICES_LENGTH) break;
            if (shown++ > 0) list.append(", ");
            list.append(s);
        }
        return shown == names.size() ? list.toString() : list + ", … (" + names.size() + " in all)";
    }

    /** {@code unknown dataset 'ordrs'; datasets: customers, orders}. */
    public static String unknown(String what, Object wrong, Collection<?> available) {
        return unknown(what, wrong, choices(available));
    }

    /** As {@link #unknown(String, Object, Collection)}, with the choices already listed (an enum's {@code choices()}). */
    public static String unknown(String what, Object wrong, String choices) {
        return "unknown " + what + " '" + shorten(wrong) + "'; " + plural(what) + ": " + choices;
    }

    /** With where it was looked for: {@code unknown column 'nope' in dataset 'orders'; columns: id, status}. */
    public static String unknown(String what, Object wrong, String where, Collection<?> available) {
        return "unknown " + what + " '" + shorten(wrong) + "' " + where + "; " + plural(what) + ": "
                + choices(available);
    }

    /** A name that is missing altogether: {@code dataset is required; datasets: customers, orders}. */
    public static String required(String what, Collection<?> available) {
        return what + " is required; " + plural(what) + ": " + choices(available);
    }

    /** "dataset" → "datasets", "status" → "statuses", "delivery" → "deliveries". */
    static String plural(String noun) {
        int n = noun.length();
        if (noun.endsWith("s") || noun.endsWith("x") || noun.endsWith("ch") || noun.endsWith("sh")) return noun + "es";
        if (n > 1 && noun.endsWith("y") && "aeiou".indexOf(noun.charAt(n - 2)) < 0) {
            return noun.substring(0, n - 1) + "ies";
        }
        return noun + "s";
    }
}
