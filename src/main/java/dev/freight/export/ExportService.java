package dev.freight.export;

import dev.freight.storage.StorageUnavailableException;
import dev.freight.access.AccessPolicy;
import dev.freight.access.Limits;
import dev.freight.audit.AuditEvent;
import dev.freight.audit.AuditLog;
import dev.freight.auth.Principal;
import dev.freight.engine.CancellationToken;
import dev.freight.engine.Checkpoint;
import dev.freight.engine.Resumption;
import dev.freight.engine.ExportCancelledException;
import dev.freight.engine.ExportEngine;
import dev.freight.engine.ExportFailedException;
import dev.freight.engine.ExportListener;
import dev.freight.engine.ExportPlan;
import dev.freight.engine.ExportResult;
import dev.freight.engine.RowEstimator;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.format.pdf.PdfFormatWriter;
import dev.freight.query.DatasetAccess;
import dev.freight.query.ExportRequest;
import dev.freight.query.QueryPlan;
import dev.freight.query.QueryPlanner;
import dev.freight.source.SourceRegistry;
import dev.freight.source.SourceUnavailableException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The one way to run an export for a principal under their limits. {@link #prepare} validates the whole request
 * (dataset, permissions, columns, filters, format, options) and refuses what is known to pass max_rows or the PDF
 * cap; {@link #run} streams it into a sink under max_rows and max_file_bytes and records its outcome in the audit
 * log and the metrics, exactly once. The sync route, the job workers, the CLI and the preview all go through here,
 * so they accept, refuse, limit and record exports alike.
 */
public final class ExportService {
    /** Who runs a CLI export: the local operator, whom no role restricts. */
    public static final Principal OPERATOR = Principal.admin("operator");

    /** {@code defaultFormat}: of requests that name none; {@code pdfMaxRows}: the most rows of a PDF report. */
    public record Settings(ExportFormat defaultFormat, long pdfMaxRows, long seriesMaxCells) {
        public static final Settings DEFAULTS = new Settings(ExportFormat.CSV, ExportPlan.DEFAULT_PDF_MAX_ROWS);

        public Settings(ExportFormat defaultFormat, long pdfMaxRows) {
            this(defaultFormat, pdfMaxRows, QueryPlanner.DEFAULT_SERIES_MAX_CELLS);
        }
    }

    /** A dataset as one principal may see it. */
    public record Visible(SourceRegistry.Dataset dataset, DatasetAccess access) {
    }

    private final SourceRegistry registry;
    private final AccessPolicy access;
    private final Limits limits;
    private final AuditLog audit;
    private final ExportMetrics metrics;
    private final Settings settings;
    private final ExportEngine engine = new ExportEngine();
    private final Reports reports;
    private final Renderer renderer;

    public ExportService(SourceRegistry registry, AccessPolicy access, Limits limits, AuditLog audit,
                         ExportMetrics metrics, Settings settings) {
        this(registry, access, limits, audit, metrics, settings, Reports.NONE, Renderer.NONE);
    }

    private ExportService(SourceRegistry registry, AccessPolicy access, Limits limits, AuditLog audit,
                          ExportMetrics metrics, Settings settings, Reports reports, Renderer renderer) {
        this.reports = reports;
        this.renderer = renderer;
        this.registry = registry;
        this.access = access;
        this.limits = limits;
        this.audit = audit;
        this.metrics = metrics;
        this.settings = settings;
    }

    /** No roles, no limits, nothing audited: the local operator's CLI, and tests of what an export writes. */
    public static ExportService unrestricted(SourceRegistry registry) {
        return unrestricted(registry, Settings.DEFAULTS);
    }

    public static ExportService unrestricted(SourceRegistry registry, Settings settings) {
        return new ExportService(registry, AccessPolicy.unrestricted(), Limits.unlimited(), AuditLog.NONE,
                ExportMetrics.none(), settings);
    }

    /**
     * This service with the configured reports, each widget's request planned first: a widget that does not plan
     * (unknown dataset or column, bad series) is a {@link dev.freight.config.ConfigException} naming its key.
     */
    public ExportService withReports(java.util.Map<String, dev.freight.config.ReportConfig> configured) {
        ExportService s = new ExportService(registry, access, limits, audit, metrics, settings, new Reports(configured),
                renderer);
        s.reports.validate(s);
        return s;
    }

    /** This service drawing png and pdf_visual with {@code r}. */
    public ExportService withRenderer(Renderer r) {
        return new ExportService(registry, access, limits, audit, metrics, settings, reports, r);
    }

    public Reports reports() {
        return reports;
    }

    public SourceRegistry registry() {
        return registry;
    }

    public Limits limits() {
        return limits;
    }

    public AuditLog audit() {
        return audit;
    }

    public ExportMetrics metrics() {
        return metrics;
    }

    /**
     * Validates what {@code principal} may export of the request and plans it under their max_rows. A dataset they
     * cannot see is refused exactly like one that does not exist. Refuses up front ({@code too_many_rows},
     * {@code too_many_rows_for_pdf}) only an export known to be too big: a row_limit above the cap, or the one
     * bounded count of {@link PreparedExport#rowCount()}; an unknown count refuses nothing, the engine stops at the
     * cap while streaming.
     */
    public PreparedExport prepare(ExportRequest request, Principal principal) {
        PreparedExport prepared = plan(request, principal);
        refuseKnownExcess(prepared);
        return prepared;
    }

    /**
     * The first {@code rows} of a dataset as JSON, as an export of it would write them (same planner, permissions and
     * masks), never more than the principal's max_rows. A look, not an export: its outcome is not audited.
     */
    public PreparedExport preparePreview(String dataset, int rows, Principal principal) {
        long allowed = Math.min(rows, limits.of(principal).maxRows());
        return prepare(ExportRequest.of(dataset, ExportFormat.JSON.id()).withRowLimit(allowed), principal).unaudited();
    }

    /**
     * Where a job's earlier runs left its file ({@code after}, null when none did, with the {@code durable} bytes its
     * store holds) and where this run's checkpoints go.
     */
    public record Progress(Checkpoint after, long durable, Resumption.Marks marks) {
    }

    /**
     * Runs a job accepted earlier: validated again against today's catalog and permissions (a request they now refuse
     * fails, audited like any failed export), but not counted again; the limits are enforced while it streams.
     * {@code retried}: whether a transient failure puts the job back in the queue (then it is not the outcome).
     * When the export can be continued after a stop ({@link Resumption#keyColumn}; for that its rows are ordered by
     * the dataset's key unless the request sorts them otherwise), it takes checkpoints into {@code progress.marks()},
     * and with {@code progress.after()} it continues the file from there: only the rows after the checkpoint's key
     * are read. {@code sink} gets the prepared export (for the file's name and type) and the resumption it writes
     * under: null when the export starts over whenever it runs, not continuing when it starts over now. A null
     * {@code progress}: the job is never continued (resumable jobs are off).
     */
    public ExportResult runAccepted(ExportRequest request, Principal principal, String jobId, boolean retried,
                                     Progress progress, BiFunction<PreparedExport, Resumption, ExportSink> sink,
                                     ExportListener listener, CancellationToken cancel) {
        PreparedExport prepared;
        Resumption resumption;
        try {
            PreparedExport whole = plan(request, principal);
            prepared = whole;
            resumption = null;
            Optional<PreparedExport> ordered = progress == null ? Optional.empty() : orderedByKey(whole, request, principal);
            java.util.OptionalInt key = ordered.map(p -> Resumption.keyColumn(p.plan())).orElse(java.util.OptionalInt.empty());
            if (key.isPresent()) {
                prepared = ordered.get();
                resumption = Resumption.fromStart(key.getAsInt(), progress.marks());
                Checkpoint after = progress.after();
                Long limit = prepared.request().rowLimit();
                if (after != null && (limit == null || limit > after.rows())) {
                    ExportRequest rest = prepared.request()
                            .withFilters(append(prepared.request().filters(), new dev.freight.query.Filter(
                                    prepared.plan().plan().table().primaryKey().get(0), "gt", after.key())))
                            .withRowLimit(limit == null ? null : limit - after.rows());
                    try {
                        prepared = plan(rest, principal).auditedAs(prepared);
                        resumption = resumption.continuing(after, progress.durable());
                    } catch (InvalidRequestException keyRefused) {
                        // The key's value no longer reads back (its type changed): the file starts over.
                    }
                }
            }
            prepared = prepared.forJob(jobId, retried);
        } catch (InvalidRequestException e) {
            auditFailure(AuditEvent.of(AuditEvent.EXPORT_CREATED, principal, request).withJob(jobId), null, e.code(),
                    e.getMessage());
            throw e;
        }
        return run(prepared, sink.apply(prepared, resumption), listener, cancel, resumption);
    }

    /**
     * The request ordered by its dataset's one-column key, when it names no other order and that order is allowed
     * (a role may not sort by a masked key); empty otherwise.
     */
    private Optional<PreparedExport> orderedByKey(PreparedExport whole, ExportRequest request, Principal principal) {
        if (Resumption.keyColumn(whole.plan()).isPresent()) return Optional.of(whole);
        // A series' rows are buckets, not the table's rows by key: it starts over when it runs again.
        if (request.series() != null || whole.visual() != null) return Optional.empty();
        List<String> key = whole.plan().plan().table().primaryKey();
        if (key.size() != 1 || !request.sort().isEmpty()) return Optional.empty();
        try {
            return Optional.of(plan(request.withSort(List.of(new dev.freight.query.SortKey(key.get(0), "asc"))), principal));
        } catch (InvalidRequestException notSortable) {
            return Optional.empty();
        }
    }

    private static <T> List<T> append(List<T> list, T item) {
        List<T> copy = new ArrayList<>(list);
        copy.add(item);
        return copy;
    }

    /** Validation and permissions without the count: also how reports check their widgets. */
    PreparedExport plan(ExportRequest request, Principal principal) {
        ExportFormat format = request.format() == null || request.format().isBlank() ? settings.defaultFormat()
                : ExportFormat.fromId(request.format());
        if (format.visual()) return Visuals.plan(this, request, format, principal, renderer);
        if (request.report() != null || request.widget() != null) {
            throw new InvalidRequestException(ProblemCode.INVALID_VISUAL_TARGET, request.report() != null ? "report" : "widget",
                    "report and widget apply only to the visual formats png and pdf_visual; a report's data is its "
                            + "widgets' requests (GET /api/v1/export/reports/{name})");
        }
        Visible v = resolve(request.dataset(), principal);
        // Options of the planned request: a series adds its time zone as the zone its buckets are written in.
        QueryPlan plan = new QueryPlanner(v.dataset().source().catalog(), v.dataset().source().dialect(),
                settings.seriesMaxCells(), java.time.Clock.systemUTC()).plan(v.dataset().table(), request, v.access());
        FormatOptions options = FormatOptions.parse(format, plan.request().options());
        Limits.Caps caps = limits.of(principal);
        return new PreparedExport(v.dataset().name(), new ExportPlan(v.dataset().source(), plan, format, options,
                request.compress(), settings.pdfMaxRows(), caps.maxRows()), principal, caps);
    }

    private static void refuseKnownExcess(PreparedExport prepared) {
        long maxRows = prepared.caps().maxRows();
        Long rowLimit = prepared.plan().plan().rowLimit();
        if (rowLimit != null && rowLimit > maxRows) {
            throw new InvalidRequestException(ProblemCode.TOO_MANY_ROWS, "row_limit", "row_limit " + rowLimit + " is above the "
                    + "max_rows limit of " + maxRows + " rows; ask for at most " + maxRows + " rows");
        }
        long pdfMaxRows = prepared.plan().pdfMaxRows();
        boolean pdf = prepared.format() == ExportFormat.PDF;
        // A row_limit within a cap bounds the export: nothing to count for that cap. Nor is a count that cannot
        // show more than max_rows (a filtered export under the default max_rows): the engine stops at the cap anyway.
        boolean countForRows = maxRows != Long.MAX_VALUE && rowLimit == null
                && RowEstimator.canExceed(prepared.plan().source(), prepared.plan().plan(), RowEstimator.DEFAULT_CAP, maxRows);
        boolean countForPdf = pdf && (rowLimit == null || rowLimit > pdfMaxRows);
        if (!countForRows && !countForPdf) return;
        var count = prepared.rowCount();
        if (countForRows && count.exceeds(maxRows)) {
            throw new InvalidRequestException(ProblemCode.TOO_MANY_ROWS, null, "this export would have more than the max_rows "
                    + "limit of " + maxRows + " rows; narrow it with filters or a date range, or set row_limit to at most "
                    + maxRows);
        }
        if (countForPdf && count.exceeds(pdfMaxRows)) {
            throw new InvalidRequestException(ProblemCode.TOO_MANY_ROWS_FOR_PDF, "format", PdfFormatWriter.tooManyRows(pdfMaxRows));
        }
    }

    /**
     * Streams the export into {@code sink}, cut off past the principal's max_file_bytes, then commits the sink, or
     * discards it when anything failed or the export was cancelled. The outcome is audited ({@code export_completed}
     * or {@code export_failed}, unless a job's transient failure sends it back to the queue) and measured here and
     * nowhere else. Failures are rethrown for the caller's protocol: a response, a job's retry, an exit code.
     */
    public ExportResult run(PreparedExport export, ExportSink sink, ExportListener listener, CancellationToken cancel) {
        return run(export, sink, listener, cancel, null);
    }

    private ExportResult run(PreparedExport export, ExportSink sink, ExportListener listener, CancellationToken cancel,
                             Resumption resumption) {
        FileSizeCap capped = null;
        boolean continuing = resumption != null && resumption.continues();
        try {
            capped = new FileSizeCap(sink.open(), export.caps().maxFileBytes(), continuing ? resumption.durable() : 0);
            ExportResult result = export.visual() != null ? render(export, capped, cancel)
                    : engine.export(export.plan(), capped, listener, cancel, resumption);
            if (!sink.commit(result)) return result;
            metrics.completed(result.rows(), result.bytes(), result.elapsedNanos());
            if (export.auditEvent() != null) {
                audit.record(export.auditEvent().withAction(AuditEvent.EXPORT_COMPLETED)
                        .withResult(result.rows(), result.bytes()));
            }
            return result;
        } catch (ExportCancelledException e) {
            sink.discard();
            throw e;
        } catch (IOException | RuntimeException e) {
            // The file store's own failure, even through a format writer that wrapped it: the store's words.
            StorageUnavailableException storage = StorageUnavailableException.in(e);
            RuntimeException failure = capped != null && capped.exceeded()
                    // The same export would grow as large again: a failure for good, whatever the writer made of it.
                    ? new ExportFailedException(ProblemCode.FILE_TOO_LARGE.code(), capped.message(export.visual() != null), false, null)
                    : storage != null
                    ? new ExportFailedException(ProblemCode.STORAGE_UNAVAILABLE.code(), storage.getMessage(),
                    storage.isTransient(), storage)
                    : e instanceof IOException io
                    ? new ExportFailedException(ProblemCode.STORAGE_ERROR.code(), "writing the export file failed: " + io.getMessage(), true, io)
                    : (RuntimeException) e;
            if (isTransient(failure) && export.retriedOnTransientFailure()) sink.suspend();
            else sink.discard();
            String code = sink.destinationFailed() ? ProblemCode.CLIENT_DISCONNECTED.code() : code(failure);
            if (!(isTransient(failure) && export.retriedOnTransientFailure()) && export.auditEvent() != null) {
                auditFailure(export.auditEvent(), capped == null ? null : capped.written(), code, message(failure, code));
            }
            throw failure;
        }
    }

    /**
     * Draws a picture: the renderer asks for each widget's data, which is exported here as JSON for the export's
     * principal (planned again, limits applied), not audited or counted on its own: the picture is the export.
     */
    private ExportResult render(PreparedExport export, FileSizeCap out, CancellationToken cancel) throws IOException {
        long started = System.nanoTime();
        String jobId = export.auditEvent() == null ? null : export.auditEvent().jobId();
        // The widgets' queries stop with the render: one still running when the render failed (a render_timeout)
        // has nobody left to read it.
        CancellationToken fetches = new CancellationToken();
        Runnable stop = fetches::cancel;
        cancel.onCancel(stop);
        try {
            renderer.render(export.visual(), export.principal(), jobId, (widget, to) -> {
                PreparedExport data = prepare(widget.data(), export.principal()).unaudited();
                run(data, Sinks.stream(to), ExportListener.NONE, fetches);
            }, out, cancel);
        } finally {
            cancel.remove(stop);
            fetches.cancel();
        }
        out.flush();
        return new ExportResult(0, out.written(), System.nanoTime() - started, ExportResult.Path.CURSOR);
    }

    /**
     * The other picture of a visual job ({@link ExportFormat#otherPicture}: the PDF of a png, the PNG of a
     * pdf_visual), for an email that shows the picture and attaches the PDF. The job's request is planned again in
     * the other format for {@code principal} (today's columns, masks and row filter, as the job's own picture) and
     * drawn into {@code out} by the same renderer, under the same render timeout and max_file_bytes. Options the
     * other format does not take (page_size, orientation of a PDF) are left out. Neither audited nor measured: the
     * job's own file is the export, this a copy of it in another shape. Returns the bytes written; fails as a render
     * does ({@code file_too_large} past max_file_bytes).
     */
    public long renderOtherPicture(ExportRequest request, Principal principal, String jobId, java.io.OutputStream out,
                                   CancellationToken cancel) throws IOException {
        ExportFormat format = ExportFormat.fromId(request.format());
        ExportFormat other = format.otherPicture().orElseThrow(() -> new IllegalArgumentException(
                "format " + format.id() + " is no picture"));
        java.util.Map<String, Object> options = new java.util.LinkedHashMap<>(request.options());
        options.keySet().retainAll(other.optionNames());
        PreparedExport prepared = plan(request.withFormat(other.id()).withOptions(options), principal).forJob(jobId, false);
        FileSizeCap capped = new FileSizeCap(out, prepared.caps().maxFileBytes());
        try {
            return render(prepared, capped, cancel).bytes();
        } catch (IOException | RuntimeException e) {
            if (capped.exceeded()) {
                throw new ExportFailedException(ProblemCode.FILE_TOO_LARGE.code(), capped.message(true), false, null);
            }
            throw e;
        }
    }

    /** The one place an export's failure is audited: after it ran, or when a job's request is refused at run time. */
    private void auditFailure(AuditEvent event, Long bytesWritten, String code, String message) {
        audit.record(event.withAction(AuditEvent.EXPORT_FAILED).withResult(null, bytesWritten).withProblem(code, message));
    }

    /** The problem code an export's failure is reported and audited with. */
    public static String code(RuntimeException e) {
        if (e instanceof ExportFailedException f) return f.code();
        if (e instanceof InvalidRequestException i) return i.code();
        if (e instanceof SourceUnavailableException) return ProblemCode.SOURCE_UNAVAILABLE.code();
        return ProblemCode.INTERNAL_ERROR.code();
    }

    /** Whether trying the same export again may succeed. */
    public static boolean isTransient(RuntimeException e) {
        return e instanceof ExportFailedException f ? f.isTransient() : e instanceof SourceUnavailableException;
    }

    private static String message(RuntimeException failure, String code) {
        // An unexpected failure's message may name internals; the log has it, the audit trail a stable text.
        return "internal_error".equals(code) ? "internal error; the server log has the details" : failure.getMessage();
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
}
