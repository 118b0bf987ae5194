package dev.freight.format;

import java.util.List;
import java.util.Objects;

/**
 * One option a format takes, as declared by the format: its name, type, default (the value the writer uses when
 * the option is absent, or null when there is none to state, e.g. "the dataset name"), its choices (choice options
 * only), its bounds (number and size options, when bounded) and a one-line description. {@code GET /export/formats},
 * the OpenAPI document and the web UI's option form are made from these.
 */
public record OptionSpec(String name, OptionType type, Object defaultValue, List<String> choices, Long min, Long max,
                         String description) {
    public OptionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        choices = choices == null ? List.of() : List.copyOf(choices);
        if (choices.isEmpty() == (type == OptionType.CHOICE)) {
            throw new IllegalArgumentException(name + ": choices are for choice options, and they need some");
        }
        if ((min != null || max != null) && type != OptionType.NUMBER && type != OptionType.SIZE) {
            throw new IllegalArgumentException(name + ": bounds are for number and size options");
        }
        if (defaultValue != null && !fits(type, defaultValue, choices, min, max)) {
            throw new IllegalArgumentException(name + ": default " + defaultValue + " is not a " + type.wireName()
                    + " option's value");
        }
    }

    private static boolean fits(OptionType type, Object value, List<String> choices, Long min, Long max) {
        return switch (type) {
            case STRING -> value instanceof String;
            case BOOLEAN -> value instanceof Boolean;
            case NUMBER, SIZE -> value instanceof Number n && (type == OptionType.NUMBER || n.doubleValue() % 1 == 0)
                    && (min == null || n.doubleValue() >= min) && (max == null || n.doubleValue() <= max);
            case CHOICE -> choices.contains(value);
            case LABELS -> value instanceof java.util.Map<?, ?>;
            case STRING_LIST -> value instanceof List<?>;
        };
    }

    public static OptionSpec text(String name, String defaultValue, String description) {
        return new OptionSpec(name, OptionType.STRING, defaultValue, null, null, null, description);
    }

    public static OptionSpec bool(String name, boolean defaultValue, String description) {
        return new OptionSpec(name, OptionType.BOOLEAN, defaultValue, null, null, null, description);
    }

    public static OptionSpec choice(String name, String defaultValue, List<String> choices, String description) {
        return new OptionSpec(name, OptionType.CHOICE, defaultValue, choices, null, null, description);
    }

    public static OptionSpec number(String name, Number defaultValue, long min, long max, String description) {
        return new OptionSpec(name, OptionType.NUMBER, defaultValue, null, min, max, description);
    }

    public static OptionSpec size(String name, long defaultValue, long min, long max, String description) {
        return new OptionSpec(name, OptionType.SIZE, defaultValue, null, min, max, description);
    }

    /** An option of another {@code type} (labels, string_list) without bounds or choices. */
    public static OptionSpec of(String name, OptionType type, Object defaultValue, String description) {
        return new OptionSpec(name, type, defaultValue, null, null, null, description);
    }

    /** The same option with another default (TSV's delimiter is a tab). */
    public OptionSpec withDefault(Object newDefault) {
        return new OptionSpec(name, type, newDefault, choices, min, max, description);
    }
}
