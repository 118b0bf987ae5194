package dev.freight.format;

import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The formats Freight writes, with their file extension, content type and the options each accepts. */
public enum ExportFormat {
    CSV("csv", "csv", "text/csv; charset=utf-8", true, FormatOptions.CSV_OPTIONS),
    TSV("tsv", "tsv", "text/tab-separated-values; charset=utf-8", true, FormatOptions.CSV_OPTIONS),
    JSON("json", "json", "application/json", true, FormatOptions.JSON_OPTIONS),
    NDJSON("ndjson", "ndjson", "application/x-ndjson", true, FormatOptions.JSON_OPTIONS),
    XLSX("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false, XlsxOptions.NAMES),
    PARQUET("parquet", "parquet", "application/vnd.apache.parquet", false, ParquetOptions.OPTION_NAMES),
    PDF("pdf", "pdf", "application/pdf", false, PdfOptions.ALL);

    private final String id;
    private final String extension;
    private final String contentType;
    private final boolean compressible;
    private final Set<String> optionNames;

    ExportFormat(String id, String extension, String contentType, boolean compressible, Set<String> optionNames) {
        this.id = id;
        this.extension = extension;
        this.contentType = contentType;
        this.compressible = compressible;
        this.optionNames = optionNames;
    }

    public String id() {
        return id;
    }

    public String extension() {
        return extension;
    }

    public String contentType() {
        return contentType;
    }

    /** Whether {@code compress: true} makes sense; already-compressed formats refuse it. */
    public boolean compressible() {
        return compressible;
    }

    public Set<String> optionNames() {
        return optionNames;
    }

    /** Whether a request may carry {@code key}: one of {@link #optionNames()}, or one kept only for old requests. */
    public boolean accepts(String key) {
        return optionNames.contains(key) || this == XLSX && XlsxOptions.RETIRED.contains(key);
    }

    public static ExportFormat fromId(String id) {
        if (id == null || id.isBlank()) return CSV;
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.id.equals(wanted)).findFirst()
                .orElseThrow(() -> new InvalidRequestException(ProblemCode.UNKNOWN_FORMAT, "format",
                        Messages.unknown("format", id, choices())));
    }

    public static String choices() {
        return Arrays.stream(values()).map(ExportFormat::id).collect(Collectors.joining(", "));
    }

    /** Validates this format's own options (in {@link FormatOptions#raw()}) before anything runs. */
    void checkOptions(FormatOptions options) {
        switch (this) {
            case PARQUET -> ParquetOptions.check(options);
            case XLSX -> XlsxOptions.check(options);
            case PDF -> PdfOptions.of(options);
            default -> { }
        }
    }

    public FormatWriter writer(java.io.OutputStream out, java.util.List<dev.freight.source.Column> columns,
                               java.util.List<String> labels, FormatOptions options, WriterContext context) {
        // context: used by the formats that show more than rows (a report's title block).
        return switch (this) {
            case CSV, TSV -> new CsvFormatWriter(out, columns, labels, options);
            case JSON -> new JsonFormatWriter(out, columns, labels, options, false);
            case NDJSON -> new JsonFormatWriter(out, columns, labels, options, true);
            case PARQUET -> new ParquetFormatWriter(out, columns, labels, options);
            case XLSX -> new XlsxFormatWriter(out, columns, labels, options, context);
            case PDF -> new PdfFormatWriter(out, columns, labels, options, context);
        };
    }
}
