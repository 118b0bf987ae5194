package dev.freight.format.csv;

import dev.freight.format.FormatDescriptor;
import dev.freight.format.FormatOptions;
import dev.freight.format.FormatProvider;
import dev.freight.format.OptionSpec;

import java.util.List;
import java.util.Set;

/** CSV and TSV: the same writer and options, TSV with a tab for delimiter. */
public final class CsvFormats implements FormatProvider {
    public static final FormatDescriptor CSV = descriptor("csv", "text/csv; charset=utf-8", FormatOptions.DELIMITER);
    public static final FormatDescriptor TSV = descriptor("tsv", "text/tab-separated-values; charset=utf-8",
            FormatOptions.DELIMITER.withDefault("\t"));

    private static FormatDescriptor descriptor(String id, String contentType, OptionSpec delimiter) {
        return new FormatDescriptor(id, id, contentType, true,
                FormatOptions.withCommon(delimiter, FormatOptions.HEADER, FormatOptions.BOM, FormatOptions.LINE_ENDING,
                        FormatOptions.SANITIZE_FORMULAS),
                Set.of(), options -> null,
                (out, columns, labels, options, context) -> new CsvFormatWriter(out, columns, labels, options));
    }

    @Override
    public List<FormatDescriptor> formats() {
        return List.of(CSV, TSV);
    }
}
