package dev.freight.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freight.store.PageCursor;
import dev.freight.store.StoreSql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.freight.store.StoreSql.utc;

/** The audit log in the job store's {@code audit_event} table (migration V5), on H2 or PostgreSQL. */
public final class JdbcAuditLog implements AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcAuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "id, at, principal, role, action, job_id, dataset, format, columns, filters, "
            + "row_count, bytes, client_address, code, detail";

    /** Reading (unlike recording) may fail loudly: answered like any job store outage (503). */
    private final StoreSql sql;
    private final Clock clock;

    public JdbcAuditLog(DataSource pool, Clock clock) {
        this.sql = new StoreSql(pool, "audit log");
        this.clock = clock;
    }

    public JdbcAuditLog(DataSource pool) {
        this(pool, Clock.systemUTC());
    }

    @Override
    public void record(AuditEvent event) {
        // Microseconds: what both databases keep, so a cursor made from a stored row matches it exactly.
        Instant at = (event.at() != null ? event.at() : clock.instant()).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        try {
            sql.update("INSERT INTO audit_event (at, principal, role, action, job_id, dataset, format, columns, filters, "
                            + "row_count, bytes, client_address, code, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    utc(at), cut(event.principal(), 200), cut(event.role(), 100), event.action(), cut(event.jobId(), 40),
                    cut(event.dataset(), 300), cut(event.format(), 20), JSON.writeValueAsString(event.columns()),
                    JSON.writeValueAsString(event.filters()), event.rowCount(), event.bytes(),
                    cut(event.clientAddress(), 100), cut(event.code(), 64), cut(event.detail(), 2000));
        } catch (JsonProcessingException | RuntimeException e) {
            // The export already happened or was refused; losing its record is bad, failing the caller is worse.
            LOG.warn("audit event {} by {} (job {}) could not be recorded: {}", event.action(), event.principal(),
                    event.jobId(), e.getMessage());
        }
    }

    @Override
    public Page find(Query q) {
        StringBuilder select = new StringBuilder("SELECT " + COLUMNS + " FROM audit_event WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        criterion(select, params, "principal = ?", q.principal());
        criterion(select, params, "action = ?", q.action());
        criterion(select, params, "dataset = ?", q.dataset());
        criterion(select, params, "job_id = ?", q.jobId());
        criterion(select, params, "at >= ?", utc(q.from()));
        criterion(select, params, "at < ?", utc(q.to()));
        if (q.cursor() != null) {
            PageCursor after = PageCursor.decode(q.cursor());
            select.append(" AND (at < ? OR (at = ? AND id < ?))");
            params.add(utc(after.at()));
            params.add(utc(after.at()));
            params.add(after.numericId());
        }
        select.append(" ORDER BY at DESC, id DESC LIMIT ?");
        params.add(q.limit() + 1);
        PageCursor.Page<AuditEvent> page = PageCursor.page(sql.query(select.toString(), JdbcAuditLog::read,
                params.toArray()), q.limit(), e -> new PageCursor(e.at(), Long.toString(e.id())));
        return new Page(page.rows(), page.nextCursor());
    }

    private static void criterion(StringBuilder sql, List<Object> params, String condition, Object value) {
        if (value == null) return;
        sql.append(" AND ").append(condition);
        params.add(value);
    }

    private static AuditEvent read(ResultSet rs) throws SQLException {
        return new AuditEvent(rs.getLong("id"), rs.getObject("at", OffsetDateTime.class).toInstant(),
                rs.getString("principal"), rs.getString("role"), rs.getString("action"), rs.getString("job_id"),
                rs.getString("dataset"), rs.getString("format"), columns(rs.getString("columns")),
                filters(rs.getString("filters")), StoreSql.longOrNull(rs, "row_count"), StoreSql.longOrNull(rs, "bytes"),
                rs.getString("client_address"), rs.getString("code"), rs.getString("detail"));
    }

    private static List<String> columns(String json) {
        if (json == null) return List.of();
        try {
            return JSON.readValue(json, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }

    private static Map<String, Object> filters(String json) {
        if (json == null) return Map.of();
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private static String cut(String s, int max) {
        if (s == null || s.length() <= max) return s;
        return s.substring(0, max - 3) + "...";
    }
}
