package dev.freight.format.xlsx;

import dev.freight.format.FormatDescriptor;
import dev.freight.format.FormatOptions;
import dev.freight.format.FormatProvider;

import java.util.List;

/** XLSX: a streamed workbook, already a zip (so not compressible), with a header row and a sheet name. */
public final class XlsxFormat implements FormatProvider {
    public static final FormatDescriptor XLSX = new FormatDescriptor("xlsx", "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false,
            FormatOptions.withCommon(FormatOptions.HEADER, XlsxOptions.SHEET_NAME), XlsxOptions.RETIRED,
            XlsxOptions::check, XlsxFormatWriter::new);

    @Override
    public List<FormatDescriptor> formats() {
        return List.of(XLSX);
    }
}
