package dev.freight.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 30d}, combined as {@code 1h30m}, or
 * ISO-8601 such as {@code PT30S}) and sizes ({@code 1024}, {@code 512KB}, {@code 1MiB}, {@code 2GB}: KB, MB, GB,
 * TB are powers of 1000, KiB, MiB, GiB, TiB powers of 1024, as on disk labels and in {@code ls -h} respectively).
 * A bare number is a size in bytes but never a duration: {@code 30} could mean seconds or milliseconds.
 */
public final class Units {
    public static final String DURATION_FORMS = "a duration like 500ms, 30s, 5m, 24h, 30d or PT30S";
    public static final String SIZE_FORMS = "a size like 1048576, 512KB, 1MB, 1MiB or 2GB";

    private static final Pattern DURATION_PART = Pattern.compile("\\G\\s*(\\d{1,15})\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*([a-z]*)");

    private Units() {
    }

    /** The duration, or null when the text is not one. */
    public static Duration duration(String text) {
        String s = text.trim();
        if (s.isEmpty()) return null;
        try {
            if (s.charAt(0) == 'P' || s.charAt(0) == 'p') return Duration.parse(s);
            Matcher m = DURATION_PART.matcher(s);
            Duration total = Duration.ZERO;
            int end = 0;
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
                end = m.end();
            }
            return end == s.length() && end > 0 ? total : null;
        } catch (DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }

    /** The size in bytes, or null when the text is not one (or does not fit a long). */
    public static Long size(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) return null;
        long unit = switch (m.group(2)) {
            case "", "b" -> 1L;
            case "kb" -> 1_000L;
            case "mb" -> 1_000_000L;
            case "gb" -> 1_000_000_000L;
            case "tb" -> 1_000_000_000_000L;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            case "tib" -> 1L << 40;
            default -> -1L;
        };
        if (unit < 0) return null;
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** The shortest way to write a duration back in the config's own notation, for messages. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0 && ms > 0) return ms / 86_400_000L + "d";
        if (ms % 3_600_000L == 0 && ms > 0) return ms / 3_600_000L + "h";
        if (ms % 60_000L == 0 && ms > 0) return ms / 60_000L + "m";
        if (ms % 1_000L == 0) return ms / 1_000L + "s";
        return ms + "ms";
    }
}
