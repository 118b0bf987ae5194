package dev.freight.format.parquet;

import dev.freight.format.FormatDescriptor;
import dev.freight.format.FormatOptions;
import dev.freight.format.FormatProvider;

import java.util.List;
import java.util.Set;

/** Parquet: a typed, columnar file, compressed inside (so not compressible again). */
public final class ParquetFormat implements FormatProvider {
    public static final FormatDescriptor PARQUET = new FormatDescriptor("parquet", "parquet",
            "application/vnd.apache.parquet", false,
            FormatOptions.withCommon(ParquetOptions.COMPRESSION, ParquetOptions.ROW_GROUP_SIZE), Set.of(),
            ParquetOptions::of,
            (out, columns, labels, options, context) -> new ParquetFormatWriter(out, columns, labels, options));

    @Override
    public List<FormatDescriptor> formats() {
        return List.of(PARQUET);
    }
}
