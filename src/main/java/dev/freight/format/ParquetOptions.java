package dev.freight.format;

import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;

/**
 * The Parquet-specific options, read from {@link FormatOptions#raw()}:
 * <ul>
 *   <li>{@code compression}: {@code snappy} (default), {@code zstd}, {@code gzip} or {@code none}.</li>
 *   <li>{@code row_group_size}: bytes buffered in memory before a row group is written, an integer from
 *       1 MiB to 128 MiB; default {@value #DEFAULT_ROW_GROUP_SIZE} (16 MiB). parquet-java holds a whole row group
 *       in memory before writing it, so this bounds the heap an export needs, per concurrent export. Measured on
 *       2M rows (5 columns, ~96 MiB of Parquet): 16 MiB runs in -Xmx64m; 32 MiB needs about -Xmx80m and fails in
 *       64m. Readers (DuckDB, Spark, Arrow) handle row groups of this size without trouble.</li>
 * </ul>
 * The presentation options (number_locale, bool_text, date_format …) are accepted, as for every format, but do not
 * change Parquet's typed values.
 */
public record ParquetOptions(CompressionCodecName codec, long rowGroupSize) {
    public static final int DEFAULT_ROW_GROUP_SIZE = 16 * 1024 * 1024;
    public static final long MIN_ROW_GROUP_SIZE = 1024 * 1024;
    public static final long MAX_ROW_GROUP_SIZE = 128L * 1024 * 1024;

    static final Set<String> OPTION_NAMES = FormatOptions.union(FormatOptions.COMMON,
            Set.of("compression", "row_group_size"));

    /** Validates the options up front; throws {@link InvalidRequestException} with code invalid_option. */
    public static ParquetOptions of(FormatOptions options) {
        return new ParquetOptions(codec(options.option("compression")), rowGroupSize(options.option("row_group_size")));
    }

    static void check(FormatOptions options) {
        of(options);
    }

    private static CompressionCodecName codec(Object value) {
        if (value == null) return CompressionCodecName.SNAPPY;
        String s = value instanceof String text ? text.trim().toLowerCase(Locale.ROOT) : "";
        return switch (s) {
            case "snappy" -> CompressionCodecName.SNAPPY;
            case "zstd" -> CompressionCodecName.ZSTD;
            case "gzip" -> CompressionCodecName.GZIP;
            case "none" -> CompressionCodecName.UNCOMPRESSED;
            default -> throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.compression",
                    "compression must be one of snappy, zstd, gzip, none, got '"
                            + Messages.shorten(String.valueOf(value)) + "'");
        };
    }

    private static long rowGroupSize(Object value) {
        if (value == null) return DEFAULT_ROW_GROUP_SIZE;
        long bytes;
        try {
            BigDecimal number = value instanceof Number n ? new BigDecimal(n.toString())
                    : value instanceof String s ? new BigDecimal(s.trim()) : null;
            if (number == null) throw new NumberFormatException();
            bytes = number.longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            bytes = -1;
        }
        if (bytes < MIN_ROW_GROUP_SIZE || bytes > MAX_ROW_GROUP_SIZE) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.row_group_size",
                    "row_group_size must be a whole number of bytes from " + MIN_ROW_GROUP_SIZE + " (1 MiB) to "
                            + MAX_ROW_GROUP_SIZE + " (128 MiB), got '" + Messages.shorten(String.valueOf(value)) + "'");
        }
        return bytes;
    }
}
