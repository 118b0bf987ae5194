package dev.freight.source;

/** One column of a dataset as the database catalog describes it. */
public record Column(String name, ColumnType type, String sqlTypeName, int jdbcType, boolean nullable,
                     int precision, int scale) {

    public String describeType() {
        return type.wireName() + " (" + sqlTypeName + ")";
    }
}
