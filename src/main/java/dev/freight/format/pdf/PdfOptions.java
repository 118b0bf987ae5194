package dev.freight.format.pdf;

import dev.freight.error.Messages;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.ProblemCode;
import dev.freight.format.FormatOptions;
import dev.freight.format.OptionSpec;

import java.util.List;
import java.util.Locale;

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
    public static final int PORTRAIT_MAX_COLUMNS = 6;
    static final int DEFAULT_FONT_SIZE = 8;
    static final int MIN_FONT_SIZE = 5;
    static final int MAX_FONT_SIZE = 16;
    static final int MAX_TITLE = 200;

    static final OptionSpec TITLE = OptionSpec.text("title", null, "report title; default: the dataset name");
    static final OptionSpec ORIENTATION = OptionSpec.choice("orientation", null, List.of("portrait", "landscape"),
            "portrait or landscape; default: landscape above " + PORTRAIT_MAX_COLUMNS + " columns");
    static final OptionSpec PAGE_SIZE = OptionSpec.choice("page_size", "a4", List.of("a4", "letter"), "a4 or letter");
    static final OptionSpec FONT_SIZE = OptionSpec.number("font_size", DEFAULT_FONT_SIZE, MIN_FONT_SIZE, MAX_FONT_SIZE,
            "font size in points, " + MIN_FONT_SIZE + " to " + MAX_FONT_SIZE);

    /** Parses and validates; throws {@link InvalidRequestException} ({@code invalid_option}) naming the option. */
    public static PdfOptions of(FormatOptions options) {
        Object title = options.option(TITLE);
        if (title != null && (!(title instanceof String s) || s.isBlank() || s.length() > MAX_TITLE)) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.title",
                    "title must be a non-empty string of at most " + MAX_TITLE + " characters");
        }
        Boolean landscape = null;
        Object orientation = options.option(ORIENTATION);
        if (orientation != null) {
            landscape = switch (String.valueOf(orientation).toLowerCase(Locale.ROOT)) {
                case "portrait" -> false;
                case "landscape" -> true;
                default -> throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.orientation",
                        "orientation must be portrait or landscape, got '" + Messages.shorten(String.valueOf(orientation)) + "'");
            };
        }
        Object size = options.option(PAGE_SIZE);
        boolean letter = switch (String.valueOf(size).toLowerCase(Locale.ROOT)) {
            case "a4" -> false;
            case "letter" -> true;
            default -> throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.page_size",
                    "page_size must be a4 or letter, got '" + Messages.shorten(String.valueOf(size)) + "'");
        };
        Object font = options.option(FONT_SIZE);
        float fontSize;
        try {
            fontSize = font instanceof Number n ? n.floatValue() : Float.parseFloat(String.valueOf(font).trim());
        } catch (NumberFormatException e) {
            fontSize = Float.NaN;
        }
        if (!(fontSize >= MIN_FONT_SIZE && fontSize <= MAX_FONT_SIZE)) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.font_size", "font_size must be a number of"
                    + " points from " + MIN_FONT_SIZE + " to " + MAX_FONT_SIZE + ", got '"
                    + Messages.shorten(String.valueOf(font)) + "'");
        }
        return new PdfOptions((String) title, landscape, letter, fontSize);
    }

    boolean landscapeFor(int columns) {
        return landscape != null ? landscape : columns > PORTRAIT_MAX_COLUMNS;
    }
}
