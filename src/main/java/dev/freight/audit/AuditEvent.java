package dev.freight.audit;

import dev.freight.auth.Principal;
import dev.freight.error.Messages;
import dev.freight.query.ExportRequest;
import dev.freight.query.Filter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One audited action: who ({@code principal}, {@code role}) did what ({@code action}) to which export (job, dataset,
 * format, columns and the request's filters, ids, date range and row limit), with what result (rows, bytes, or the
 * problem {@code code} and {@code detail}), from where and when. {@code id} is null until the event is stored.
 * Build events with {@link #of} and the {@code with…} methods; the log stamps the time if the event has none.
 */
public record AuditEvent(Long id, Instant at, String principal, String role, String action, String jobId, String dataset,
                         String format, List<String> columns, Map<String, Object> filters, Long rowCount, Long bytes,
                         String clientAddress, String code, String detail) {
    public static final String EXPORT_CREATED = "export_created";
    public static final String EXPORT_REFUSED = "export_refused";
    public static final String EXPORT_COMPLETED = "export_completed";
    public static final String EXPORT_FAILED = "export_failed";
    public static final String EXPORT_DOWNLOADED = "export_downloaded";
    public static final String EXPORT_DELETED = "export_deleted";
    public static final String EXPORT_CANCELLED = "export_cancelled";
    public static final String LINK_CREATED = "link_created";
    /** Every action, in the order of an export's life. */
    public static final List<String> ACTIONS = List.of(EXPORT_CREATED, EXPORT_REFUSED, EXPORT_COMPLETED, EXPORT_FAILED,
            EXPORT_DOWNLOADED, EXPORT_DELETED, EXPORT_CANCELLED, LINK_CREATED);

    public AuditEvent {
        if (action == null || !ACTIONS.contains(action)) {
            throw new IllegalArgumentException(Messages.unknown("audit action", action, ACTIONS));
        }
        columns = columns == null ? List.of() : List.copyOf(columns);
        filters = filters == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(filters));
    }

    /** What was exported: the dataset, or for a picture of a report {@code report:<name>} (it has no one dataset). */
    private static String subject(ExportRequest request) {
        if (request.dataset() != null || request.report() == null) return request.dataset();
        return "report:" + request.report() + (request.widget() == null ? "" : "/" + request.widget());
    }

    /** {@code action} by {@code who} on an export of {@code request} (null when the request could not be read). */
    public static AuditEvent of(String action, Principal who, ExportRequest request) {
        return new AuditEvent(null, null, who == null ? null : who.name(), who == null ? null : who.role(), action, null,
                request == null ? null : subject(request), request == null ? null : request.format(),
                request == null ? List.of() : request.columns(), request == null ? Map.of() : filters(request),
                null, null, null, null, null);
    }

    /**
     * What narrowed the export, as stored in the {@code filters} column: only the parts the request used, so an
     * export of a whole table shows {@code {}}.
     */
    public static Map<String, Object> filters(ExportRequest r) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!r.filters().isEmpty()) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Filter f : r.filters()) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("column", f.column());
                one.put("op", f.op());
                if (f.value() != null) one.put("value", f.value());
                list.add(one);
            }
            m.put("filters", list);
        }
        if (!r.ids().isEmpty()) m.put("ids", r.ids());
        if (r.dateFrom() != null) m.put("date_from", r.dateFrom());
        if (r.dateTo() != null) m.put("date_to", r.dateTo());
        if (r.rowLimit() != null) m.put("row_limit", r.rowLimit());
        if (r.series() != null) m.put("series", r.series().wire());
        return m;
    }

    public AuditEvent withAction(String a) {
        return new AuditEvent(id, at, principal, role, a, jobId, dataset, format, columns, filters, rowCount, bytes,
                clientAddress, code, detail);
    }

    public AuditEvent withJob(String job) {
        return new AuditEvent(id, at, principal, role, action, job, dataset, format, columns, filters, rowCount, bytes,
                clientAddress, code, detail);
    }

    public AuditEvent withFormat(String f) {
        return new AuditEvent(id, at, principal, role, action, jobId, dataset, f, columns, filters, rowCount, bytes,
                clientAddress, code, detail);
    }

    /** The columns actually exported, when the request named none (all). */
    public AuditEvent withColumns(List<String> c) {
        return new AuditEvent(id, at, principal, role, action, jobId, dataset, format, c, filters, rowCount, bytes,
                clientAddress, code, detail);
    }

    public AuditEvent withResult(Long rows, Long byteCount) {
        return new AuditEvent(id, at, principal, role, action, jobId, dataset, format, columns, filters, rows, byteCount,
                clientAddress, code, detail);
    }

    public AuditEvent withProblem(String problemCode, String message) {
        return new AuditEvent(id, at, principal, role, action, jobId, dataset, format, columns, filters, rowCount, bytes,
                clientAddress, problemCode, message);
    }

    public AuditEvent withDetail(String message) {
        return new AuditEvent(id, at, principal, role, action, jobId, dataset, format, columns, filters, rowCount, bytes,
                clientAddress, code, message);
    }

    public AuditEvent from(String address) {
        return new AuditEvent(id, at, principal, role, action, jobId, dataset, format, columns, filters, rowCount, bytes,
                address, code, detail);
    }

    public AuditEvent at(Instant time) {
        return new AuditEvent(id, time, principal, role, action, jobId, dataset, format, columns, filters, rowCount, bytes,
                clientAddress, code, detail);
    }

    /** The event as the API and {@code freight audit --json} show it (snake_case keys, nulls included). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("at", at == null ? null : at.toString());
        m.put("action", action);
        m.put("principal", principal);
        m.put("role", role);
        m.put("job_id", jobId);
        m.put("dataset", dataset);
        m.put("format", format);
        m.put("columns", columns);
        m.put("filters", filters);
        m.put("row_count", rowCount);
        m.put("bytes", bytes);
        m.put("client_address", clientAddress);
        m.put("code", code);
        m.put("detail", detail);
        return m;
    }
}
