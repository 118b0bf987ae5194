package dev.freight.export;

import dev.freight.access.Limits;
import dev.freight.audit.AuditEvent;
import dev.freight.auth.Principal;
import dev.freight.engine.ExportPlan;
import dev.freight.engine.RowCount;
import dev.freight.engine.RowEstimator;
import dev.freight.format.ExportFormat;
import dev.freight.query.ExportRequest;
import dev.freight.source.Column;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One principal's validated export, ready to run: the engine's plan (max_rows already in it), the principal's caps,
 * what the response or file is called and typed as, the audit event its outcome is recorded under, and its row
 * count, counted at most once however many callers ask ({@link #rowCount()}).
 */
public final class PreparedExport {
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final String dataset;
    private final ExportPlan plan;
    private final Principal principal;
    private final Limits.Caps caps;
    private final AuditEvent audit;
    private final boolean retriedOnTransientFailure;
    private final RowCounter counter;
    /** Null unless a picture: then what it draws, and the request as asked (the plan is its first widget's data). */
    private final VisualTarget visual;
    private final ExportRequest visualRequest;

    PreparedExport(String dataset, ExportPlan plan, Principal principal, Limits.Caps caps) {
        this(dataset, plan, principal, caps, null, null);
    }

    PreparedExport(String dataset, ExportPlan plan, Principal principal, Limits.Caps caps, VisualTarget visual,
                   ExportRequest visualRequest) {
        this.dataset = dataset;
        this.plan = plan;
        this.principal = principal;
        this.caps = caps;
        this.visual = visual;
        this.visualRequest = visualRequest;
        this.audit = AuditEvent.of(AuditEvent.EXPORT_CREATED, principal, request()).withColumns(columnNames());
        this.retriedOnTransientFailure = false;
        this.counter = new RowCounter(plan);
    }

    /** {@code audit}: null when the outcome is not audited. */
    private PreparedExport(PreparedExport of, AuditEvent audit, boolean retriedOnTransientFailure) {
        this.dataset = of.dataset;
        this.plan = of.plan;
        this.principal = of.principal;
        this.caps = of.caps;
        this.audit = audit;
        this.retriedOnTransientFailure = retriedOnTransientFailure;
        this.counter = of.counter;
        this.visual = of.visual;
        this.visualRequest = of.visualRequest;
    }

    /** What a visual export draws; null for an export of rows. */
    public VisualTarget visual() {
        return visual;
    }

    public String dataset() {
        return dataset;
    }

    public ExportPlan plan() {
        return plan;
    }

    public Principal principal() {
        return principal;
    }

    public Limits.Caps caps() {
        return caps;
    }

    public ExportFormat format() {
        return visual != null ? visual.format() : plan.format();
    }

    /** The columns the export writes, in order (the request's, or all it may see when it named none). */
    public List<String> columnNames() {
        return plan.plan().outputColumns().stream().map(Column::name).toList();
    }

    /**
     * The request as it runs: values converted to their columns' types and the format resolved. This, never the raw
     * request, is what a job stores and the audit log records: it always serialises and reads back.
     */
    public ExportRequest request() {
        if (visualRequest != null) return visualRequest;
        return plan.plan().request().withFormat(plan.format().id());
    }

    public String contentType() {
        return plan.gzip() ? "application/gzip" : format().contentType();
    }

    /** {@code <dataset>-<yyyyMMdd-HHmmss>-<id>.<ext>[.gz]}; the dataset part is reduced to safe characters. */
    public String fileName(Instant createdAt, String id) {
        String safe = dataset.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe + "-" + FILE_TIME.format(createdAt) + (id == null ? "" : "-" + id) + "."
                + format().extension() + (plan.gzip() ? ".gz" : "");
    }

    /**
     * The export's rows, counted once (up to {@link RowEstimator#DEFAULT_CAP}, a few seconds at most) and remembered:
     * the limit checks, the choice of delivery and the job's estimate all read this one count.
     */
    public RowCount rowCount() {
        // A picture's rows are its widgets', drawn, not written: nothing to count or show progress of.
        if (visual != null) return RowCount.unknown();
        return counter.get();
    }

    /**
     * The event the outcome is audited under: {@code export_created} of this request with what {@link #audited} added;
     * null for a preview, which is not audited.
     */
    public AuditEvent auditEvent() {
        return audit;
    }

    public PreparedExport audited(UnaryOperator<AuditEvent> change) {
        return new PreparedExport(this, audit == null ? null : change.apply(audit), retriedOnTransientFailure);
    }

    /** A look at the first rows, not an export: nothing is recorded of its outcome. */
    public PreparedExport unaudited() {
        return new PreparedExport(this, null, retriedOnTransientFailure);
    }

    /**
     * A job's run: {@code retried} when a transient failure puts it back in the queue, in which case the failure is
     * not the export's outcome and is not audited.
     */
    public PreparedExport forJob(String jobId, boolean retried) {
        return new PreparedExport(this, audit == null ? null : audit.withJob(jobId), retried);
    }

    /** This export, audited as {@code other} is: a continued job's run is recorded as the job's request, not its rest. */
    PreparedExport auditedAs(PreparedExport other) {
        return new PreparedExport(this, other.audit, retriedOnTransientFailure);
    }

    boolean retriedOnTransientFailure() {
        return retriedOnTransientFailure;
    }

    /** Counts on first use; shared by the copies {@link #audited} and {@link #forJob} make. */
    private static final class RowCounter {
        private final ExportPlan plan;
        private RowCount count;

        RowCounter(ExportPlan plan) {
            this.plan = plan;
        }

        synchronized RowCount get() {
            if (count == null) count = RowEstimator.count(plan.source(), plan.plan(), RowEstimator.DEFAULT_CAP);
            return count;
        }
    }
}
