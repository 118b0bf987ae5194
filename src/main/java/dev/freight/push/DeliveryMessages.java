package dev.freight.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.freight.delivery.DeliveryEvent;
import dev.freight.job.Job;
import dev.freight.query.ExportRequest;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What a delivery says: the webhook event's JSON, an email's subject and text. */
final class DeliveryMessages {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** A download link and when it stops working; null values when there is none (a failed or expired job). */
    record Link(String url, Instant expiresAt) {
        static final Link NONE = new Link(null, null);
    }

    /**
     * What the email of a completed job carries: the name of the picture shown in it and of the file attached (null
     * for none), and notes on what it leaves out and why.
     */
    record Contents(String shown, String attached, java.util.List<String> notes) {
        static final Contents NONE = new Contents(null, null, java.util.List.of());

        Contents {
            notes = java.util.List.copyOf(notes);
        }
    }

    private DeliveryMessages() {
    }

    /**
     * The Standard Webhooks payload: {@code {"type": "export.completed", "timestamp": …, "data": {"job": {…},
     * "download_url": …, "download_expires_at": …}}}.
     */
    static byte[] webhookBody(DeliveryEvent event, Job job, Link link, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("job", job(job));
        data.put("download_url", link.url());
        data.put("download_expires_at", ts(link.expiresAt()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", event.wire());
        body.put("timestamp", ts(now));
        body.put("data", data);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a webhook body: " + e.getMessage(), e);
        }
    }

    static Map<String, Object> job(Job job) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", job.id());
        m.put("status", job.status().wireName());
        m.put("dataset", job.request().dataset());
        // A picture of a report has no dataset: the report (and widget) say what it is, as in the job's JSON.
        if (job.request().report() != null) m.put("report", job.request().report());
        if (job.request().widget() != null) m.put("widget", job.request().widget());
        m.put("format", job.request().format());
        m.put("owner", job.owner());
        m.put("schedule_id", job.scheduleId());
        m.put("row_count", job.rowCount());
        m.put("file_name", job.fileName());
        m.put("file_size_bytes", job.fileSizeBytes());
        m.put("content_type", job.contentType());
        m.put("error_code", job.errorCode());
        m.put("error_message", job.errorMessage());
        m.put("condition", job.plan().condition());
        m.put("condition_met", job.conditionMet());
        m.put("created_at", ts(job.createdAt()));
        m.put("completed_at", ts(job.completedAt()));
        m.put("expires_at", ts(job.expiresAt()));
        return m;
    }

    /**
     * The subject asked for, its placeholders filled ({dataset} {format} {rows} {status} {job} {schedule}; {dataset}
     * of a report's picture is {@code <report>[-<widget>]}, as in its file name; {schedule}: {@code schedule}, the
     * schedule's name, empty for a one-off export), or ours.
     */
    static String subject(String asked, DeliveryEvent event, Job job, String schedule) {
        if (asked != null) {
            return asked.replace("{dataset}", fileStem(job.request())).replace("{format}", String.valueOf(job.request().format()))
                    .replace("{rows}", job.rowCount() == null ? "" : Long.toString(job.rowCount()))
                    .replace("{status}", job.status().wireName()).replace("{job}", job.id())
                    .replace("{schedule}", schedule == null ? "" : schedule);
        }
        String of = "Freight: " + what(job) + (picture(job) ? " " + job.request().format() : " export");
        return switch (event) {
            case COMPLETED -> of + " ready" + (picture(job) ? "" : " (" + rows(job.rowCount()) + ")");
            case FAILED -> of + " failed";
            case EXPIRED -> of + " expired";
        };
    }

    /** What a job exported: its dataset, or the report (and widget) a picture draws. */
    static String what(Job job) {
        var r = job.request();
        if (r.report() != null) return "report " + r.report() + (r.widget() == null ? "" : " widget " + r.widget());
        return r.dataset();
    }

    /** A picture's rows are its widgets', drawn, not written: it has no row count to tell. */
    static boolean picture(Job job) {
        return "png".equals(job.request().format()) || "pdf_visual".equals(job.request().format());
    }

    /** The text of an email: what {@code contents} carries, else {@code link} leads to the job's file. */
    static String emailText(DeliveryEvent event, Job job, Link link, Contents contents, String schedule) {
        StringBuilder t = new StringBuilder();
        String what = "The " + job.request().format() + " export of " + what(job);
        if (event == DeliveryEvent.FAILED) {
            t.append(what).append(" failed: ").append(job.errorCode()).append(": ").append(job.errorMessage()).append("\n");
        } else {
            t.append(what).append(" is ready: ").append(picture(job) ? "" : rows(job.rowCount()) + ", ")
                    .append(size(job.fileSizeBytes() == null ? 0 : job.fileSizeBytes())).append(".\n\n");
            if (contents.shown() != null) t.append("The picture is shown in this email: ").append(contents.shown()).append("\n");
            if (contents.attached() != null) t.append("The file is attached: ").append(contents.attached()).append("\n");
            if (link.url() != null) {
                t.append("Download it (until ").append(ts(link.expiresAt())).append("):\n").append(link.url()).append("\n");
            }
            for (String note : contents.notes()) t.append("\n").append(note).append("\n");
        }
        t.append("\nJob: ").append(job.id());
        if (job.scheduleId() != null) {
            t.append("\nSchedule: ").append(schedule == null || schedule.equals(job.scheduleId()) ? job.scheduleId()
                    : schedule + " (" + job.scheduleId() + ")");
        }
        if (job.plan().condition() != null) {
            t.append("\nCondition: ").append(job.plan().condition()).append(Boolean.TRUE.equals(job.conditionMet())
                    ? " (met)" : "");
        }
        return t.append("\n").toString();
    }

    /** What was exported, as a file name's stem: the dataset, or a picture's {@code <report>[-<widget>]}. */
    static String fileStem(ExportRequest r) {
        if (r.dataset() != null || r.report() == null) return String.valueOf(r.dataset());
        return r.report() + (r.widget() == null ? "" : "-" + r.widget());
    }

    static String rows(Long n) {
        if (n == null) return "? rows";
        return String.format(Locale.ROOT, "%,d row%s", n, n == 1 ? "" : "s");
    }

    /** Bytes in the units of 1000, as a person reads them: 950 B, 12.3 kB, 4.5 MB. */
    static String size(long bytes) {
        if (bytes < 1000) return bytes + " B";
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = bytes;
        int i = -1;
        while (v >= 1000 && i < units.length - 1) {
            v /= 1000;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    static String ts(Instant i) {
        return i == null ? null : i.toString();
    }
}
