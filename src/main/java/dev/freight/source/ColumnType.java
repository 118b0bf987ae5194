package dev.freight.source;

/**
 * What a column holds, as far as exporting is concerned. Every JDBC type a source reports is mapped to one
 * of these once, from the catalog, so the engine and the writers never guess from values.
 */
public enum ColumnType {
    INTEGER("integer"),
    DECIMAL("decimal"),
    FLOAT("float"),
    BOOLEAN("boolean"),
    STRING("string"),
    DATE("date"),
    TIME("time"),
    TIMESTAMP("timestamp"),
    TIMESTAMP_TZ("timestamptz"),
    BINARY("binary"),
    /** JSON, arrays, intervals, UUIDs and anything else the database can render as text. */
    TEXT_LIKE("text");

    private final String wireName;

    ColumnType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean isNumeric() {
        return this == INTEGER || this == DECIMAL || this == FLOAT;
    }

    public boolean isTemporal() {
        return this == DATE || this == TIME || this == TIMESTAMP || this == TIMESTAMP_TZ;
    }

    public boolean isText() {
        return this == STRING || this == TEXT_LIKE;
    }
}
