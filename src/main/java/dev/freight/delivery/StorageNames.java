package dev.freight.delivery;

import dev.freight.error.InvalidRequestException;
import dev.freight.error.ProblemCode;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name template of a storage delivery: placeholders {@code {dataset} {format} {ext} {job} {schedule}
 * {schedule_id} {yyyy} {MM} {dd} {HH} {mm}} (the schedule's name and id, "once" for a one-off export; the date and
 * time of the job's completion, UTC). The name is a relative path of plain
 * segments: no {@code ..}, no leading '/', no '\', so that a copy stays inside its storage target.
 */
public final class StorageNames {
    public static final String DEFAULT = "{dataset}/{yyyy}/{MM}/{dd}/{job}.{ext}";
    static final Set<String> PLACEHOLDERS = Set.of("dataset", "format", "ext", "job", "schedule", "schedule_id", "yyyy",
            "MM", "dd", "HH", "mm");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._=+@-]{1,255}");
    /** Longer paths are refused by file systems and S3 (1,024 bytes a key) alike: the copy could never be made. */
    static final int MAX_LENGTH = 1000;

    private StorageNames() {
    }

    /** Checks a template (InvalidRequestException {@code invalid_delivery_target} naming {@code field}). */
    public static void validate(String template, String field) {
        if (template.length() > MAX_LENGTH) {
            throw invalid(field, "storage name is longer than " + MAX_LENGTH + " characters");
        }
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                throw invalid(field, "unknown placeholder {" + m.group(1) + "} in storage name \"" + template
                        + "\"; expected " + new TreeSet<>(PLACEHOLDERS));
            }
        }
        // Checked with every placeholder standing for a plain value.
        checkPath(PLACEHOLDER.matcher(template).replaceAll("x"), template, field);
    }

    /** The name of one job's copy. Values that are not plain segment characters become '_'. */
    public static String render(String template, Map<String, String> values, ZonedDateTime completedAt) {
        ZonedDateTime t = completedAt.withZoneSameInstant(ZoneOffset.UTC);
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value = switch (key) {
                case "yyyy" -> String.format("%04d", t.getYear());
                case "MM" -> String.format("%02d", t.getMonthValue());
                case "dd" -> String.format("%02d", t.getDayOfMonth());
                case "HH" -> String.format("%02d", t.getHour());
                case "mm" -> String.format("%02d", t.getMinute());
                default -> values.getOrDefault(key, "");
            };
            String safe = value.replaceAll("[^A-Za-z0-9._=+@-]", "_");
            if (safe.isEmpty() || safe.equals(".") || safe.equals("..")) safe = "_";
            m.appendReplacement(out, Matcher.quoteReplacement(safe));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void checkPath(String path, String template, String field) {
        if (path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
            throw invalid(field, "storage name \"" + template + "\" must be a relative file name such as " + DEFAULT);
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..") || !SEGMENT.matcher(segment).matches()) {
                throw invalid(field, "storage name \"" + template + "\": each part between '/' must be 1 to 255 letters, "
                        + "digits, . _ = + @ - or placeholders, and not '.' or '..'");
            }
        }
    }

    private static InvalidRequestException invalid(String field, String message) {
        return new InvalidRequestException(ProblemCode.INVALID_DELIVERY_TARGET, field, message);
    }
}
