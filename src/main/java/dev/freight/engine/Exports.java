package dev.freight.engine;

import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.query.ExportRequest;
import dev.freight.query.QueryPlan;
import dev.freight.query.QueryPlanner;
import dev.freight.source.SourceRegistry;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.OptionalLong;

/**
 * Turns an export request into something the engine can run, validating all of it (dataset, columns, filters,
 * format, options) first. The HTTP sync path, the workers and the CLI all go through here, so they accept and
 * refuse exactly the same requests.
 */
public final class Exports {
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** The most rows a PDF report may have unless configured otherwise; larger requests are refused up front. */
    public static final long DEFAULT_PDF_MAX_ROWS = dev.freight.format.PdfFormatWriter.DEFAULT_MAX_ROWS;

    private final SourceRegistry registry;
    private final long pdfMaxRows;
    private final ExportFormat defaultFormat;

    public Exports(SourceRegistry registry) {
        this(registry, DEFAULT_PDF_MAX_ROWS);
    }

    public Exports(SourceRegistry registry, long pdfMaxRows) {
        this(registry, pdfMaxRows, ExportFormat.CSV);
    }

    /** {@code defaultFormat}: the format of requests that name none ({@code exports.default_format}). */
    public Exports(SourceRegistry registry, long pdfMaxRows, ExportFormat defaultFormat) {
        this.registry = registry;
        this.pdfMaxRows = pdfMaxRows;
        this.defaultFormat = defaultFormat;
    }

    /** A validated export, ready to run. */
    public record Prepared(String dataset, ExportEngine.Job job) {
        /** The columns the export writes, in order (the request's, or all it may see when it named none). */
        public java.util.List<String> columnNames() {
            return job.plan().columns().stream().map(dev.freight.source.Column::name).toList();
        }

        public ExportFormat format() {
            return job.format();
        }

        public String contentType() {
            return job.gzip() ? "application/gzip" : job.format().contentType();
        }

        /** {@code <dataset>-<yyyyMMdd-HHmmss>-<id>.<ext>[.gz]}; the dataset part is reduced to safe characters. */
        public String fileName(Instant createdAt, String id) {
            String safe = dataset.replaceAll("[^A-Za-z0-9._-]", "_");
            return safe + "-" + FILE_TIME.format(createdAt) + (id == null ? "" : "-" + id) + "."
                    + job.format().extension() + (job.gzip() ? ".gz" : "");
        }
    }

    public Prepared prepare(ExportRequest request) {
        SourceRegistry.Dataset dataset = registry.resolve(request.dataset());
        ExportFormat format = request.format() == null || request.format().isBlank() ? defaultFormat
                : ExportFormat.fromId(request.format());
        FormatOptions options = FormatOptions.parse(format, request.options());
        QueryPlan plan = new QueryPlanner(dataset.source().catalog(), dataset.source().dialect()).plan(dataset.table(), request);
        ExportEngine.Job job = new ExportEngine.Job(dataset.source(), plan, format, options, request.compress(), pdfMaxRows);
        PdfRowCap.check(job, pdfMaxRows);
        return new Prepared(dataset.name(), job);
    }

    public OptionalLong estimate(Prepared prepared, long cap) {
        return RowEstimator.estimate(prepared.job().source(), prepared.job().plan(), cap);
    }

    /** Whether the export is known to have more than {@code max} rows (see {@link RowEstimator#exceeds}). */
    public boolean exceeds(Prepared prepared, long max) {
        return RowEstimator.exceeds(prepared.job().source(), prepared.job().plan(), max);
    }
}
