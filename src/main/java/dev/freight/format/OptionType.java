package dev.freight.format;

/**
 * What a format option takes, as {@code GET /export/formats} and the OpenAPI document name it. The wire names are
 * a contract with clients that build forms from them.
 */
public enum OptionType {
    /** Free text (each option says what it must look like: a pattern, a zone, one character …). */
    STRING("string"),
    BOOLEAN("boolean"),
    /** A number, not necessarily whole, within {@link OptionSpec#min()} and {@link OptionSpec#max()}. */
    NUMBER("number"),
    /** A whole number of bytes within {@link OptionSpec#min()} and {@link OptionSpec#max()}. */
    SIZE("size"),
    /** One of {@link OptionSpec#choices()} (matched without regard to case). */
    CHOICE("choice"),
    /** An object mapping column names to header labels. */
    LABELS("labels"),
    /** A list of texts, or the same as one comma-separated text. */
    STRING_LIST("string_list");

    private final String wireName;

    OptionType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
