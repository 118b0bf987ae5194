package dev.freight.engine;

import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.query.DatasetAccess;
import dev.freight.query.ExportRequest;
import dev.freight.error.InvalidRequestException;
import dev.freight.query.QueryPlan;
import dev.freight.query.QueryPlanner;
import dev.freight.access.AccessPolicy;
import dev.freight.auth.Principal;
import dev.freight.source.SourceRegistry;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    private final AccessPolicy access;

    public Exports(SourceRegistry registry) {
        this(registry, DEFAULT_PDF_MAX_ROWS);
    }

    public Exports(SourceRegistry registry, long pdfMaxRows) {
        this(registry, pdfMaxRows, ExportFormat.CSV);
    }

    /** {@code defaultFormat}: the format of requests that name none ({@code exports.default_format}). */
    public Exports(SourceRegistry registry, long pdfMaxRows, ExportFormat defaultFormat) {
        this(registry, pdfMaxRows, defaultFormat, AccessPolicy.unrestricted());
    }

    /** {@code access}: what each principal may export ({@link #prepare(ExportRequest, Principal)}). */
    public Exports(SourceRegistry registry, long pdfMaxRows, ExportFormat defaultFormat, AccessPolicy access) {
        this.registry = registry;
        this.pdfMaxRows = pdfMaxRows;
        this.defaultFormat = defaultFormat;
        this.access = access;
    }

    /** A dataset as one principal may see it. */
    public record Visible(SourceRegistry.Dataset dataset, DatasetAccess access) {
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

        /**
         * The request as it runs: values converted to their columns' types and the format resolved. This, never
         * the raw request, is what a job stores and the audit log records: it always serialises and reads back.
         */
        public ExportRequest request() {
            return job.plan().request().withFormat(job.format().id());
        }

        /** The same export, stopped with {@code too_many_rows} past {@code n} rows. */
        public Prepared withMaxRows(long n) {
            return new Prepared(dataset, job.withMaxRows(n));
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

    /** Unrestricted: the local operator's CLI export. */
    public Prepared prepare(ExportRequest request) {
        return prepare(request, registry.resolve(request.dataset()), DatasetAccess.FULL);
    }

    /**
     * Prepares what {@code principal} may export of the request; a dataset invisible to them is refused exactly like
     * one that does not exist, listing only the datasets they see.
     */
    public Prepared prepare(ExportRequest request, Principal principal) {
        Visible v = resolve(request.dataset(), principal);
        return prepare(request, v.dataset(), v.access());
    }

    private Prepared prepare(ExportRequest request, SourceRegistry.Dataset dataset, DatasetAccess datasetAccess) {
        ExportFormat format = request.format() == null || request.format().isBlank() ? defaultFormat
                : ExportFormat.fromId(request.format());
        FormatOptions options = FormatOptions.parse(format, request.options());
        QueryPlan plan = new QueryPlanner(dataset.source().catalog(), dataset.source().dialect())
                .plan(dataset.table(), request, datasetAccess);
        ExportEngine.Job job = new ExportEngine.Job(dataset.source(), plan, format, options, request.compress(), pdfMaxRows);
        PdfRowCap.check(job, pdfMaxRows);
        return new Prepared(dataset.name(), job);
    }

    /** The dataset and the principal's access to it, or the same refusal as for a dataset that does not exist. */
    public Visible resolve(String name, Principal principal) {
        AccessPolicy.Access view = access.forPrincipal(principal);
        if (view.unrestricted()) return new Visible(registry.resolve(name), DatasetAccess.FULL);
        boolean missing = name == null || name.isBlank();
        if (!missing && view.sees(name)) {
            try {
                SourceRegistry.Dataset d = registry.resolve(name);
                Optional<DatasetAccess> a = view.dataset(d.name(), d.table());
                if (a.isPresent()) return new Visible(d, a.get());
            } catch (InvalidRequestException unknown) {
                // refused below, with the principal's choices only
            }
        }
        List<String> names = datasetNames(principal);
        throw new InvalidRequestException(missing ? ProblemCode.MISSING_DATASET : ProblemCode.UNKNOWN_DATASET, "dataset",
                missing ? Messages.required("dataset", names) : Messages.unknown("dataset", name, names));
    }

    /** The names of the datasets {@code principal} may see, in the registry's order. */
    public List<String> datasetNames(Principal principal) {
        AccessPolicy.Access view = access.forPrincipal(principal);
        List<String> names = new ArrayList<>();
        for (String n : registry.datasetNames()) if (view.sees(n)) names.add(n);
        return names;
    }

    /** Every dataset {@code principal} may see, with their access to it (datasets dropped meanwhile are skipped). */
    public List<Visible> visibleDatasets(Principal principal) {
        AccessPolicy.Access view = access.forPrincipal(principal);
        List<Visible> result = new ArrayList<>();
        for (String n : registry.datasetNames()) {
            if (!view.sees(n)) continue;
            SourceRegistry.Dataset d;
            try {
                d = registry.resolve(n);
            } catch (InvalidRequestException droppedSinceListed) {
                continue;
            }
            view.dataset(d.name(), d.table()).ifPresent(a -> result.add(new Visible(d, a)));
        }
        return result;
    }

    public OptionalLong estimate(Prepared prepared, long cap) {
        return RowEstimator.estimate(prepared.job().source(), prepared.job().plan(), cap);
    }

    /** Whether the export is known to have more than {@code max} rows (see {@link RowEstimator#exceeds}). */
    public boolean exceeds(Prepared prepared, long max) {
        return RowEstimator.exceeds(prepared.job().source(), prepared.job().plan(), max);
    }
}
