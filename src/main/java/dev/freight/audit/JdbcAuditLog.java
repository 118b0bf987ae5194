package dev.freight.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The audit log in the job store's {@code audit_event} table (migration V5), on H2 or PostgreSQL. */
public final class JdbcAuditLog implements AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcAuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "id, at, principal, role, action, job_id, dataset, format, columns, filters, "
            + "row_count, bytes, client_address, code, detail";

    private final DataSource pool;
    private final Clock clock;

    public JdbcAuditLog(DataSource pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    public JdbcAuditLog(DataSource pool) {
        this(pool, Clock.systemUTC());
    }

    @Override
    public void record(AuditEvent event) {
        // Microseconds: what both databases keep, so a cursor made from a stored row matches it exactly.
        Instant at = (event.at() != null ? event.at() : clock.instant()).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        String sql = "INSERT INTO audit_event (at, principal, role, action, job_id, dataset, format, columns, filters, "
                + "row_count, bytes, client_address, code, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, at.atOffset(ZoneOffset.UTC));
            s.setString(2, cut(event.principal(), 200));
            s.setString(3, cut(event.role(), 100));
            s.setString(4, event.action());
            s.setString(5, cut(event.jobId(), 40));
            s.setString(6, cut(event.dataset(), 300));
            s.setString(7, cut(event.format(), 20));
            s.setString(8, JSON.writeValueAsString(event.columns()));
            s.setString(9, JSON.writeValueAsString(event.filters()));
            setLong(s, 10, event.rowCount());
            setLong(s, 11, event.bytes());
            s.setString(12, cut(event.clientAddress(), 100));
            s.setString(13, cut(event.code(), 64));
            s.setString(14, cut(event.detail(), 2000));
            s.executeUpdate();
        } catch (SQLException | JsonProcessingException | RuntimeException e) {
            // The export already happened or was refused; losing its record is bad, failing the caller is worse.
            LOG.warn("audit event {} by {} (job {}) could not be recorded: {}", event.action(), event.principal(),
                    event.jobId(), e.getMessage());
        }
    }

    @Override
    public Page find(Query q) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_event WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        criterion(sql, params, "principal = ?", q.principal());
        criterion(sql, params, "action = ?", q.action());
        criterion(sql, params, "dataset = ?", q.dataset());
        criterion(sql, params, "job_id = ?", q.jobId());
        criterion(sql, params, "at >= ?", q.from() == null ? null : q.from().atOffset(ZoneOffset.UTC));
        criterion(sql, params, "at < ?", q.to() == null ? null : q.to().atOffset(ZoneOffset.UTC));
        if (q.cursor() != null) {
            Cursor c = Cursor.decode(q.cursor());
            OffsetDateTime at = c.at().atOffset(ZoneOffset.UTC);
            sql.append(" AND (at < ? OR (at = ? AND id < ?))");
            params.add(at);
            params.add(at);
            params.add(c.id());
        }
        sql.append(" ORDER BY at DESC, id DESC LIMIT ?");
        params.add(q.limit() + 1);
        List<AuditEvent> events = new ArrayList<>();
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) s.setObject(i + 1, params.get(i));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) events.add(read(rs));
            }
        } catch (SQLException e) {
            // Reading (unlike recording) may fail loudly: answered like any job store outage (503).
            throw new dev.freight.store.StoreException("job store (audit log): " + e.getMessage(), e);
        }
        String next = null;
        if (events.size() > q.limit()) {
            events = events.subList(0, q.limit());
            AuditEvent last = events.get(q.limit() - 1);
            next = new Cursor(last.at(), last.id()).encode();
        }
        return new Page(events, next);
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
                filters(rs.getString("filters")), longOrNull(rs, "row_count"), longOrNull(rs, "bytes"),
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

    private static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static void setLong(PreparedStatement s, int index, Long value) throws SQLException {
        if (value == null) s.setNull(index, Types.BIGINT);
        else s.setLong(index, value);
    }

    private static String cut(String s, int max) {
        if (s == null || s.length() <= max) return s;
        return s.substring(0, max - 3) + "...";
    }

    /** Position after the last event of a page; opaque to clients, a tampered one is refused. */
    record Cursor(Instant at, long id) {
        String encode() {
            String raw = at.getEpochSecond() + "." + at.getNano() + ":" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int dot = raw.indexOf('.');
                int colon = raw.indexOf(':');
                Instant at = Instant.ofEpochSecond(Long.parseLong(raw.substring(0, dot)),
                        Long.parseLong(raw.substring(dot + 1, colon)));
                return new Cursor(at, Long.parseLong(raw.substring(colon + 1)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("invalid cursor");
            }
        }
    }
}
