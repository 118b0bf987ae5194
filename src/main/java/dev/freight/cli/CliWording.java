package dev.freight.cli;

import dev.freight.error.InvalidRequestException;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Errors of {@code freight export} in the CLI's words. The planner, the format options and the engine refuse a
 * request by its API field ({@code row_limit}, {@code filters[0].value}, {@code options.delimiter}, …), which a user
 * who typed {@code --limit}, {@code --where} or {@code -O} never saw: the message names the flag instead, as a
 * prefix unless it already does.
 */
final class CliWording {
    /** API words that the messages themselves use, longest first so that "date_from/date_to" wins over "date_from". */
    private static final Map<String, String> IN_TEXT = new java.util.LinkedHashMap<>();

    static {
        IN_TEXT.put("date_from/date_to", "--from/--to");
        IN_TEXT.put("date_from", "--from");
        IN_TEXT.put("date_to", "--to");
        IN_TEXT.put("row_limit", "--limit");
        IN_TEXT.put("compress: true", "--gzip");
        IN_TEXT.put("[low, high]", "low,high");
    }

    /** Fields of the CLI's own checks, whose messages already quote the value given ("cannot write 'x.csv'"). */
    private static final java.util.Set<String> OWN_FIELDS = java.util.Set.of("output", "source");

    private static final Pattern ROOT = Pattern.compile("^([a-z_]+)(?:[\\[.](.*))?$");

    private CliWording() {
    }

    /**
     * The flag that sets an API field, e.g. {@code filters[2].op} → {@code --where}, {@code options.bom} →
     * {@code -O bom}; null for a field the CLI has no flag for. Every field the export path can name: see the
     * {@code new InvalidRequestException} calls of query, format, engine and this package.
     */
    static String flagOf(String field) {
        if (field == null) return null;
        Matcher m = ROOT.matcher(field);
        if (!m.matches()) return null;
        String rest = m.group(2);
        return switch (m.group(1)) {
            case "dataset" -> "--table";
            case "format" -> "--format";
            case "columns" -> "--columns";
            case "filters", "where" -> "--where";
            case "sort" -> "--sort";
            case "row_limit" -> "--limit";
            case "ids" -> "--ids";
            case "date_from" -> "--from";
            case "date_to" -> "--to";
            case "compress" -> "--gzip";
            case "options" -> rest == null ? "-O" : rest.equals("labels") || rest.startsWith("labels.") ? "--label" : "-O " + rest;
            case "output" -> "-o";
            case "progress" -> "--progress";
            case "source" -> "--source";
            case "series" -> "--series";
            default -> null;
        };
    }

    /** The one-line message for the user: API words replaced by flags, and the flag at fault named first. */
    static String message(InvalidRequestException e) {
        String text = String.valueOf(e.getMessage());
        for (Map.Entry<String, String> word : IN_TEXT.entrySet()) {
            text = text.replaceAll("(?<![\\w-])" + Pattern.quote(word.getKey()) + "(?![\\w])",
                    Matcher.quoteReplacement(word.getValue()));
        }
        // series.granularity, series.measures[0].column … are keys of --series.
        text = text.replaceAll("(?<![\\w-])series\\.(measures|group_by)(\\[\\d+])?(\\.[a-z_]+)?", "--series "
                + "$1$2").replace("--series measures", "--series measure").replaceAll("(?<![\\w-])series\\.([a-z_]+)", "--series $1");
        String flag = e.field() == null || OWN_FIELDS.contains(e.field()) ? null : flagOf(e.field());
        if (flag == null || Pattern.compile("(?<![\\w-])" + Pattern.quote(flag) + "(?![\\w-])").matcher(text).find()) {
            return text;
        }
        return flag + ": " + text;
    }
}
