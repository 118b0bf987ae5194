package dev.freight.format;

import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;

import java.util.Locale;
import java.util.Set;

/**
 * The PDF format's own options, validated up front.
 * <ul>
 *   <li>{@code title}: the report's title, at most 200 characters; default the dataset name.</li>
 *   <li>{@code orientation}: {@code portrait} or {@code landscape}; default landscape when the report has more
 *   than {@value #PORTRAIT_MAX_COLUMNS} columns, portrait otherwise.</li>
 *   <li>{@code page_size}: {@code a4} (default) or {@code letter}.</li>
 *   <li>{@code font_size}: body text size in points, {@value #MIN_FONT_SIZE} to {@value #MAX_FONT_SIZE};
 *   default {@value #DEFAULT_FONT_SIZE}.</li>
 * </ul>
 */
public record PdfOptions(String title, Boolean landscape, boolean letter, float fontSize) {
    public static final Set<String> NAMES = Set.of("title", "orientation", "page_size", "font_size");
    static final Set<String> ALL = FormatOptions.union(FormatOptions.COMMON, NAMES);
    public static final int PORTRAIT_MAX_COLUMNS = 6;
    static final float DEFAULT_FONT_SIZE = 8f;
    static final float MIN_FONT_SIZE = 5f;
    static final float MAX_FONT_SIZE = 16f;
    static final int MAX_TITLE = 200;

    /** Parses and validates; throws {@link InvalidRequestException} ({@code invalid_option}) naming the option. */
    public static PdfOptions of(FormatOptions options) {
        Object title = options.option("title");
        if (title != null && (!(title instanceof String s) || s.isBlank() || s.length() > MAX_TITLE)) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.title",
                    "title must be a non-empty string of at most " + MAX_TITLE + " characters");
        }
        Boolean landscape = null;
        Object orientation = options.option("orientation");
        if (orientation != null) {
            landscape = switch (String.valueOf(orientation).toLowerCase(Locale.ROOT)) {
                case "portrait" -> false;
                case "landscape" -> true;
                default -> throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.orientation",
                        "orientation must be portrait or landscape, got '" + Messages.shorten(String.valueOf(orientation)) + "'");
            };
        }
        boolean letter = false;
        Object size = options.option("page_size");
        if (size != null) {
            letter = switch (String.valueOf(size).toLowerCase(Locale.ROOT)) {
                case "a4" -> false;
                case "letter" -> true;
                default -> throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.page_size",
                        "page_size must be a4 or letter, got '" + Messages.shorten(String.valueOf(size)) + "'");
            };
        }
        float fontSize = DEFAULT_FONT_SIZE;
        Object font = options.option("font_size");
        if (font != null) {
            try {
                fontSize = font instanceof Number n ? n.floatValue() : Float.parseFloat(String.valueOf(font).trim());
            } catch (NumberFormatException e) {
                fontSize = Float.NaN;
            }
            if (!(fontSize >= MIN_FONT_SIZE && fontSize <= MAX_FONT_SIZE)) {
                throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.font_size", "font_size must be a number of"
                        + " points from " + (int) MIN_FONT_SIZE + " to " + (int) MAX_FONT_SIZE + ", got '"
                        + Messages.shorten(String.valueOf(font)) + "'");
            }
        }
        return new PdfOptions((String) title, landscape, letter, fontSize);
    }

    boolean landscapeFor(int columns) {
        return landscape != null ? landscape : columns > PORTRAIT_MAX_COLUMNS;
    }
}
