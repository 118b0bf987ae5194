package dev.freight.http;

import dev.freight.delivery.DeliveryRecord;
import dev.freight.job.Job;
import dev.freight.query.ExportRequest;
import dev.freight.query.Filter;
import dev.freight.query.SortKey;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A job as the API shows it: exactly the fields of DESIGN.md §2, snake_case, timestamps ISO-8601 in UTC. */
final class JobJson {
    private JobJson() {
    }

    /** The job with its delivery log ({@code deliveries}, empty when nothing was to be delivered). */
    static Map<String, Object> of(Job job, List<DeliveryRecord> deliveries) {
        ExportRequest r = job.request();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", job.id());
        m.put("status", job.status().wireName());
        m.putAll(request(r));
        m.put("owner", job.owner());
        m.put("total_rows", job.totalRows());
        m.put("processed_rows", job.processedRows());
        m.put("progress", job.progress());
        m.put("row_count", job.rowCount());
        m.put("file_name", job.fileName());
        m.put("file_size_bytes", job.fileSizeBytes());
        m.put("content_type", job.contentType());
        m.put("error_code", job.errorCode());
        m.put("error_message", job.errorMessage());
        m.put("attempts", job.attempts());
        m.put("created_at", ts(job.createdAt()));
        m.put("started_at", ts(job.startedAt()));
        m.put("completed_at", ts(job.completedAt()));
        m.put("expires_at", ts(job.expiresAt()));
        m.put("schedule_id", job.scheduleId());
        m.put("condition", job.plan().condition());
        m.put("condition_met", job.conditionMet());
        m.put("deliveries", deliveries.stream().map(JobJson::delivery).toList());
        return m;
    }

    static Map<String, Object> delivery(DeliveryRecord d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", d.event());
        m.put("type", d.type());
        m.put("target", d.target());
        m.put("status", d.status());
        m.put("attempts", d.attempts());
        m.put("last_status", d.lastStatus());
        m.put("last_error", d.lastError());
        m.put("last_attempt_at", ts(d.lastAttemptAt()));
        m.put("next_attempt_at", DeliveryRecord.PENDING.equals(d.status()) ? ts(d.nextAttemptAt()) : null);
        return m;
    }

    /** The fields of an export request, as a job shows them; a schedule shows its request the same way. */
    static Map<String, Object> request(ExportRequest r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", r.dataset());
        m.put("format", r.format());
        m.put("columns", r.columns());
        m.put("filters", filters(r.filters()));
        m.put("sort", sort(r.sort()));
        m.put("row_limit", r.rowLimit());
        m.put("ids", r.ids());
        m.put("date_from", r.dateFrom());
        m.put("date_to", r.dateTo());
        if (r.series() != null) m.put("series", r.series().wire());
        if (r.report() != null) m.put("report", r.report());
        if (r.widget() != null) m.put("widget", r.widget());
        m.put("compress", r.compress());
        m.put("options", r.options());
        return m;
    }

    /** A progress event: small, sent up to a few times a second. */
    static Map<String, Object> progress(Job job) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", job.id());
        m.put("status", job.status().wireName());
        m.put("processed_rows", job.processedRows());
        m.put("total_rows", job.totalRows());
        m.put("progress", job.progress());
        return m;
    }

    static Map<String, Object> fileReady(Job job) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", job.id());
        m.put("file_name", job.fileName());
        m.put("file_size_bytes", job.fileSizeBytes());
        m.put("content_type", job.contentType());
        m.put("row_count", job.rowCount());
        m.put("expires_at", ts(job.expiresAt()));
        m.put("download_url", location(job.id()) + "/download");
        return m;
    }

    static String location(String id) {
        return FreightServer.API + "/export/jobs/" + id;
    }

    private static List<Map<String, Object>> filters(List<Filter> filters) {
        return filters.stream().map(f -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("column", f.column());
            m.put("op", f.op());
            m.put("value", f.value());
            return m;
        }).toList();
    }

    private static List<Map<String, Object>> sort(List<SortKey> sort) {
        return sort.stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("column", s.column());
            m.put("dir", s.dir());
            return m;
        }).toList();
    }

    static String ts(Instant i) {
        return i == null ? null : i.toString();
    }
}
