package dev.freight.format.visual;

import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.format.FormatOptions;
import dev.freight.format.OptionSpec;

import java.util.List;
import java.util.Locale;

/**
 * Options of png and pdf_visual, validated up front. {@code chart} applies to an ad-hoc series chart (a report's
 * widgets have their own); {@code width}/{@code height} are the browser's viewport in CSS pixels (a PNG is
 * width × device_scale by height × device_scale pixels); {@code page_size}/{@code orientation} only to pdf_visual.
 */
public record VisualOptions(String chart, int width, int height, int deviceScale, int padding, boolean dark,
                            boolean letter, boolean landscape) {
    public static final int MIN_WIDTH = 200;
    public static final int MAX_SIDE = 4096;
    public static final int MIN_HEIGHT = 150;
    /** Device pixels across: from 8192 on, Chromium's capture comes back a single colour. */
    public static final int MAX_DEVICE_WIDTH = 8192;

    static final OptionSpec CHART = OptionSpec.choice("chart", "line", List.of("line", "area", "bar", "stacked_bar"),
            "chart of an ad-hoc series: line, area, bar or stacked_bar");
    static final OptionSpec WIDTH = OptionSpec.number("width", 1280, MIN_WIDTH, MAX_SIDE, "viewport width in CSS pixels");
    static final OptionSpec HEIGHT = OptionSpec.number("height", 800, MIN_HEIGHT, MAX_SIDE, "viewport height in CSS pixels");
    static final OptionSpec DEVICE_SCALE = OptionSpec.number("device_scale", 1, 1, 2,
            "device pixels per CSS pixel, 1 or 2 (a PNG of width 600 at 2 is 1200 pixels wide)");
    static final OptionSpec PADDING = OptionSpec.number("padding", 16, 0, 200, "space around the page in CSS pixels");
    static final OptionSpec THEME = OptionSpec.choice("theme", "light", List.of("light", "dark"), "light or dark");
    static final OptionSpec PAGE_SIZE = OptionSpec.choice("page_size", "a4", List.of("a4", "letter"), "paper: a4 or letter");
    static final OptionSpec ORIENTATION = OptionSpec.choice("orientation", "landscape", List.of("portrait", "landscape"),
            "paper orientation");

    /** Parses and validates; throws {@link InvalidRequestException} ({@code invalid_option}) naming the option. */
    public static VisualOptions of(FormatOptions options) {
        String chart = choice(options, CHART);
        int width = integer(options, WIDTH);
        int height = integer(options, HEIGHT);
        int scale = integer(options, DEVICE_SCALE);
        int padding = integer(options, PADDING);
        if (width * scale >= MAX_DEVICE_WIDTH) {
            // Headless Chromium (software compositing) captures a page this wide as a uniform colour: refused here
            // rather than after two renders end in blank_render.
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.width", "width × device_scale must be "
                    + "below " + MAX_DEVICE_WIDTH + " pixels (a wider page is drawn blank): at device_scale " + scale
                    + " the width is at most " + ((MAX_DEVICE_WIDTH - 1) / scale) + ", got " + width);
        }
        boolean dark = choice(options, THEME).equals("dark");
        boolean letter = choice(options, PAGE_SIZE).equals("letter");
        boolean landscape = choice(options, ORIENTATION).equals("landscape");
        return new VisualOptions(chart, width, height, scale, padding, dark, letter, landscape);
    }

    private static String choice(FormatOptions options, OptionSpec spec) {
        Object v = options.option(spec);
        String s = String.valueOf(v).toLowerCase(Locale.ROOT);
        if (!(v instanceof String) || !spec.choices().contains(s)) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options." + spec.name(), spec.name()
                    + " must be one of " + String.join(", ", spec.choices()) + ", got '" + Messages.shorten(String.valueOf(v)) + "'");
        }
        return s;
    }

    private static int integer(FormatOptions options, OptionSpec spec) {
        Object v = options.option(spec);
        if (v instanceof String s && s.trim().matches("[0-9]{1,6}")) v = Long.parseLong(s.trim());   // -O width=600
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || n.longValue() < spec.min() || n.longValue() > spec.max()) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options." + spec.name(), spec.name()
                    + " must be a whole number from " + spec.min() + " to " + spec.max() + ", got '"
                    + Messages.shorten(String.valueOf(v)) + "'");
        }
        return n.intValue();
    }
}
