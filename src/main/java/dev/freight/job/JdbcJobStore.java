package dev.freight.job;

import dev.freight.error.IdempotencyKeyReusedException;
import dev.freight.error.ProblemCode;
import dev.freight.store.StoreException;
import dev.freight.store.DatabaseClock;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.freight.query.ExportRequestJson;
import dev.freight.auth.Principal;
import dev.freight.source.Dialect;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The job store on H2 (embedded default) or PostgreSQL (scale-out), created by Flyway migrations. Claims use
 * {@code SELECT … FOR UPDATE SKIP LOCKED} so that any number of workers on any number of nodes never take the same
 * job twice.
 */
public final class JdbcJobStore implements JobStore {
    private static final String COLUMNS = "id, owner, idempotency_key, request, status, total_rows, processed_rows, "
            + "row_count, file_name, file_size_bytes, content_type, error_code, error_message, attempts, max_attempts, "
            + "cancel_requested, downloaded, created_at, started_at, completed_at, expires_at, run_after, locked_by, "
            + "locked_until, owner_role, owner_attributes";

    static final String WORKER_LOST = ProblemCode.WORKER_LOST.code();
    static final String WORKER_LOST_MESSAGE = "the worker running this job stopped responding and no attempts are left";
    private static final Logger LOG = LoggerFactory.getLogger(JdbcJobStore.class);

    private final HikariDataSource pool;
    private final Clock clock;

    private final boolean postgres;
    private final java.util.concurrent.locks.ReentrantLock localAdmission = new java.util.concurrent.locks.ReentrantLock();

    private JdbcJobStore(HikariDataSource pool, Clock localClock, boolean postgres) {
        this.pool = pool;
        this.clock = new DatabaseClock(pool, localClock);
        this.postgres = postgres;
    }

    /** {@code localClock}: the node's own clock, only compared with the job store's to warn of a skew. */
    public static JdbcJobStore open(String url, String user, String password, int poolSize, Clock localClock) {
        Dialect dialect = Dialect.fromJdbcUrl(url);
        if (dialect != Dialect.H2 && dialect != Dialect.POSTGRESQL) {
            throw new IllegalArgumentException("job_store.url must be an H2 or PostgreSQL JDBC URL, got " + dialect.id());
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("freight-jobstore");
        config.setJdbcUrl(url);
        if (user != null) config.setUsername(user);
        if (password != null) config.setPassword(password);
        config.setMaximumPoolSize(Math.max(2, poolSize));
        config.setInitializationFailTimeout(1);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/jobstore/" + dialect.id())
                    .table("freight_schema_history").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new JdbcJobStore(pool, localClock, dialect == Dialect.POSTGRESQL);
    }

    /**
     * The job store's connection pool, for the tables that live beside the jobs (API keys, audit log). Owned by
     * this store: closed with it, never by the borrower.
     */
    public javax.sql.DataSource dataSource() {
        return pool;
    }

    /**
     * The job store's clock ({@link DatabaseClock}): every time the store writes or compares comes from it, and the
     * workers and the sweeper of a node use it for the times they hand the store (run_after, expires_at).
     */
    public Clock clock() {
        return clock;
    }

    private Instant now() {
        return clock.instant();
    }

    private static OffsetDateTime ts(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    @Override
    public Created create(NewJob n) {
        if (n.idempotencyKey() != null) {
            Optional<Job> existing = byIdempotencyKey(n.owner().name(), n.idempotencyKey());
            if (existing.isPresent()) return repeated(existing.get(), n);
        }
        String id = JobIds.next();
        Instant now = now();
        String sql = "INSERT INTO export_job (id, owner, idempotency_key, request, dataset, format, status, total_rows, "
                + "max_attempts, created_at, run_after, updated_at, owner_role, owner_attributes) "
                + "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)";
        boolean limited = n.maxActive() != Integer.MAX_VALUE;
        // H2 serves one node: a lock of this process orders one store's creates (see admit for PostgreSQL).
        boolean locallyLocked = limited && !postgres;
        if (locallyLocked) localAdmission.lock();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (limited) admit(c, n);
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    s.setString(1, id);
                    s.setString(2, n.owner().name());
                    s.setString(3, n.idempotencyKey());
                    s.setString(4, ExportRequestJson.write(n.request()));
                    s.setString(5, n.request().dataset());
                    s.setString(6, n.request().format());
                    s.setObject(7, n.totalRows());
                    s.setInt(8, n.maxAttempts());
                    s.setObject(9, ts(now));
                    s.setObject(10, ts(now));
                    s.setObject(11, ts(now));
                    s.setString(12, n.owner().role());
                    s.setString(13, n.owner().attributesJson());
                    s.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            // Two requests with the same key raced: the unique constraint let one win; return the winner's job.
            if (n.idempotencyKey() != null && isUniqueViolation(e)) {
                return repeated(byIdempotencyKey(n.owner().name(), n.idempotencyKey()).orElseThrow(() -> failure(e)), n);
            }
            throw failure(e);
        } finally {
            if (locallyLocked) localAdmission.unlock();
        }
        return new Created(get(id).orElseThrow(), true);
    }

    /**
     * concurrent_jobs, counted and taken in the inserting transaction: one owner's creates queue behind a lock
     * (PostgreSQL: a transaction-scoped advisory lock, so every node of the cluster takes the same one; H2 serves
     * one node, so a lock of this process does), and twenty parallel creates with a limit of two admit two.
     */
    private void admit(Connection c, NewJob n) throws SQLException {
        if (postgres) {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, admissionLockKey(n.owner().name()));
                lock.executeQuery().close();
            }
        }
        checkActive(c, n);
    }

    private static void checkActive(Connection c, NewJob n) throws SQLException {
        long active = countActive(c, n.owner().name()) + n.alsoActive();
        if (active >= n.maxActive()) throw new TooManyJobsException(active, n.maxActive());
    }

    private static long countActive(Connection c, String owner) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT COUNT(*) FROM export_job WHERE owner = ? AND status IN ('pending', 'running')")) {
            s.setString(1, owner);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A 64-bit advisory lock key per owner. */
    private static long admissionLockKey(String owner) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(("freight-admission:" + owner).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(d).getLong();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The job an earlier request with the same key created, if this request is the same one. */
    private static Created repeated(Job existing, NewJob n) {
        if (!ExportRequestJson.sameRequest(existing.request(), n.request())) {
            throw new IdempotencyKeyReusedException(n.idempotencyKey(), existing.id());
        }
        return new Created(existing, false);
    }

    private static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    private Optional<Job> byIdempotencyKey(String owner, String key) {
        return queryOne("SELECT " + COLUMNS + " FROM export_job WHERE owner = ? AND idempotency_key = ?", owner, key);
    }

    @Override
    public Optional<Job> get(String id) {
        return queryOne("SELECT " + COLUMNS + " FROM export_job WHERE id = ?", id);
    }

    @Override
    public Page list(String owner, JobStatus status, String cursor, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM export_job WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (owner != null) {
            sql.append(" AND owner = ?");
            params.add(owner);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            params.add(status.wireName());
        }
        if (cursor != null) {
            Cursor c = Cursor.decode(cursor);
            sql.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
            params.add(ts(c.createdAt()));
            params.add(ts(c.createdAt()));
            params.add(c.id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        params.add(limit + 1);
        List<Job> jobs = query(sql.toString(), params.toArray());
        String next = null;
        if (jobs.size() > limit) {
            jobs = jobs.subList(0, limit);
            Job last = jobs.get(limit - 1);
            next = new Cursor(last.createdAt(), last.id()).encode();
        }
        return new Page(List.copyOf(jobs), next);
    }

    /** Opaque to clients; a tampered cursor is a 400, not a crash. */
    record Cursor(Instant createdAt, String id) {
        String encode() {
            String raw = createdAt.getEpochSecond() + "." + createdAt.getNano() + ":" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int colon = raw.indexOf(':');
                int dot = raw.indexOf('.');
                Instant at = Instant.ofEpochSecond(Long.parseLong(raw.substring(0, dot)),
                        Long.parseLong(raw.substring(dot + 1, colon)));
                return new Cursor(at, raw.substring(colon + 1));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("invalid cursor '" + cursor + "'");
            }
        }
    }

    @Override
    public Optional<Job> claim(String workerId, Duration lease) {
        Instant now = now();
        Job[] before = new Job[1];
        Optional<Job> claimed = inTransaction(c -> {
            Optional<Job> due = queryOne(c, "SELECT " + COLUMNS + " FROM export_job WHERE "
                    + "(status = 'pending' AND run_after <= ?) OR (status = 'running' AND locked_until < ? AND attempts < max_attempts) "
                    + "ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED", ts(now), ts(now));
            if (due.isEmpty()) return Optional.empty();
            before[0] = due.get();
            String id = due.get().id();
            try (PreparedStatement s = c.prepareStatement("UPDATE export_job SET status = 'running', locked_by = ?, "
                    + "locked_until = ?, attempts = attempts + 1, started_at = COALESCE(started_at, ?), processed_rows = 0, "
                    + "updated_at = ? WHERE id = ?")) {
                s.setString(1, workerId);
                s.setObject(2, ts(now.plus(lease)));
                s.setObject(3, ts(now));
                s.setObject(4, ts(now));
                s.setString(5, id);
                s.executeUpdate();
            }
            // Read back on the same connection: borrowing a second one while holding this could exhaust the pool.
            return queryOne(c, "SELECT " + COLUMNS + " FROM export_job WHERE id = ?", id);
        });
        if (claimed.isPresent() && before[0].status() == JobStatus.RUNNING) {
            // Only the claim still knows the worker that died: the update replaced it.
            Job lost = before[0];
            LOG.warn("job {} taken over by worker {}: worker {} stopped renewing its lease, which lapsed at {}; attempt {} "
                    + "of {} starts", lost.id(), workerId, lost.lockedBy(), lost.lockedUntil(), claimed.get().attempts(),
                    lost.maxAttempts());
        }
        return claimed;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    private <T> T inTransaction(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public Heartbeat heartbeat(String id, String workerId, Duration lease, long processedRows) {
        Instant now = now();
        int updated = update("UPDATE export_job SET locked_until = ?, processed_rows = ?, updated_at = ? "
                + "WHERE id = ? AND locked_by = ? AND status = 'running'", ts(now.plus(lease)), processedRows, ts(now), id, workerId);
        if (updated == 0) return Heartbeat.LEASE_LOST;
        return get(id).map(j -> j.cancelRequested() ? Heartbeat.CANCEL_REQUESTED : Heartbeat.OK).orElse(Heartbeat.LEASE_LOST);
    }

    @Override
    public boolean complete(String id, String workerId, long rowCount, String fileName, long fileSizeBytes,
                            String contentType, Instant expiresAt) {
        Instant now = now();
        return update("UPDATE export_job SET status = 'completed', row_count = ?, processed_rows = ?, file_name = ?, "
                        + "file_size_bytes = ?, content_type = ?, completed_at = ?, expires_at = ?, error_code = NULL, "
                        + "error_message = NULL, locked_by = NULL, locked_until = NULL, updated_at = ? "
                        + "WHERE id = ? AND locked_by = ? AND status = 'running'",
                rowCount, rowCount, fileName, fileSizeBytes, contentType, ts(now), ts(expiresAt), ts(now), id, workerId) == 1;
    }

    @Override
    public boolean retryLater(String id, String workerId, String errorCode, String errorMessage, Instant runAfter) {
        return update("UPDATE export_job SET status = 'pending', error_code = ?, error_message = ?, run_after = ?, "
                        + "locked_by = NULL, locked_until = NULL, updated_at = ? WHERE id = ? AND locked_by = ? AND status = 'running'",
                errorCode, truncate(errorMessage), ts(runAfter), ts(now()), id, workerId) == 1;
    }

    @Override
    public boolean fail(String id, String workerId, String errorCode, String errorMessage) {
        return update("UPDATE export_job SET status = 'failed', error_code = ?, error_message = ?, completed_at = ?, "
                        + "locked_by = NULL, locked_until = NULL, updated_at = ? WHERE id = ? AND locked_by = ? AND status = 'running'",
                errorCode, truncate(errorMessage), ts(now()), ts(now()), id, workerId) == 1;
    }

    @Override
    public boolean markCancelled(String id, String workerId) {
        return update("UPDATE export_job SET status = 'cancelled', completed_at = ?, locked_by = NULL, locked_until = NULL, "
                + "updated_at = ? WHERE id = ? AND locked_by = ? AND status = 'running'", ts(now()), ts(now()), id, workerId) == 1;
    }

    @Override
    public boolean release(String id, String workerId) {
        return update("UPDATE export_job SET status = 'pending', attempts = attempts - 1, locked_by = NULL, locked_until = NULL, "
                + "processed_rows = 0, updated_at = ? WHERE id = ? AND locked_by = ? AND status = 'running'", ts(now()), id, workerId) == 1;
    }

    @Override
    public CancelOutcome requestCancel(String id) {
        Instant now = now();
        if (update("UPDATE export_job SET status = 'cancelled', completed_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
                ts(now), ts(now), id) == 1) {
            return CancelOutcome.CANCELLED;
        }
        if (update("UPDATE export_job SET cancel_requested = TRUE, updated_at = ? WHERE id = ? AND status = 'running'",
                ts(now), id) == 1) {
            return CancelOutcome.CANCEL_REQUESTED;
        }
        return get(id).isPresent() ? CancelOutcome.ALREADY_FINISHED : CancelOutcome.NOT_FOUND;
    }

    @Override
    public Set<String> cancelRequested(Collection<String> ids) {
        if (ids.isEmpty()) return Set.of();
        String sql = "SELECT id FROM export_job WHERE cancel_requested = TRUE AND status = 'running' AND id IN ("
                + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")";
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            for (String id : ids) s.setString(i++, id);
            Set<String> requested = new HashSet<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) requested.add(rs.getString(1));
            }
            return requested;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public void markDownloaded(String id) {
        update("UPDATE export_job SET downloaded = TRUE, updated_at = ? WHERE id = ?", ts(now()), id);
    }

    @Override
    public List<Job> dueForExpiry(Instant now, int limit) {
        return query("SELECT " + COLUMNS + " FROM export_job WHERE status = 'completed' AND expires_at <= ? "
                + "ORDER BY expires_at LIMIT ?", ts(now), limit);
    }

    @Override
    public boolean markExpired(String id) {
        return update("UPDATE export_job SET status = 'expired', updated_at = ? WHERE id = ? AND status = 'completed'",
                ts(now()), id) == 1;
    }

    @Override
    public List<Job> failExhaustedLeases() {
        Instant now = now();
        return inTransaction(c -> {
            List<Job> lost = query(c, "SELECT " + COLUMNS + " FROM export_job "
                    + "WHERE status = 'running' AND locked_until < ? AND attempts >= max_attempts FOR UPDATE SKIP LOCKED", ts(now));
            for (Job job : lost) {
                try (PreparedStatement s = c.prepareStatement("UPDATE export_job SET status = 'failed', error_code = ?, "
                        + "error_message = ?, completed_at = ?, locked_by = NULL, locked_until = NULL, updated_at = ? WHERE id = ?")) {
                    s.setString(1, WORKER_LOST);
                    s.setString(2, WORKER_LOST_MESSAGE);
                    s.setObject(3, ts(now));
                    s.setObject(4, ts(now));
                    s.setString(5, job.id());
                    s.executeUpdate();
                }
            }
            return lost;
        });
    }

    @Override
    public List<String> purge(Instant cutoff, int limit) {
        List<String> ids = new ArrayList<>();
        for (Job j : query("SELECT " + COLUMNS + " FROM export_job WHERE status IN ('completed', 'failed', 'cancelled', 'expired') "
                + "AND created_at < ? ORDER BY created_at LIMIT ?", ts(cutoff), limit)) {
            if (update("DELETE FROM export_job WHERE id = ?", j.id()) == 1) ids.add(j.id());
        }
        update("DELETE FROM export_job_deleted WHERE deleted_at < ?", ts(cutoff));
        return ids;
    }

    @Override
    public boolean delete(String id) {
        return inTransaction(c -> {
            Optional<Job> job = queryOne(c, "SELECT " + COLUMNS + " FROM export_job WHERE id = ? FOR UPDATE", id);
            if (job.isEmpty()) return false;
            try (PreparedStatement s = c.prepareStatement("DELETE FROM export_job WHERE id = ?")) {
                s.setString(1, id);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO export_job_deleted (id, owner, deleted_at) VALUES (?, ?, ?)")) {
                s.setString(1, id);
                s.setString(2, job.get().owner());
                s.setObject(3, ts(now()));
                s.executeUpdate();
            }
            return true;
        });
    }

    @Override
    public Optional<String> deletedOwner(String id) {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT owner FROM export_job_deleted WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public Map<JobStatus, Long> countByStatus() {
        Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus s : JobStatus.values()) counts.put(s, 0L);
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT status, COUNT(*) FROM export_job GROUP BY status"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) JobStatus.fromWire(rs.getString(1)).ifPresent(st -> {
                try {
                    counts.put(st, rs.getLong(2));
                } catch (SQLException e) {
                    throw failure(e);
                }
            });
        } catch (SQLException e) {
            throw failure(e);
        }
        return counts;
    }

    @Override
    public long countActive(String owner) {
        try (Connection c = pool.getConnection()) {
            return countActive(c, owner);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public Optional<Instant> oldestPendingCreatedAt() {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT MIN(created_at) FROM export_job WHERE status = 'pending'"); ResultSet rs = s.executeQuery()) {
            rs.next();
            OffsetDateTime t = rs.getObject(1, OffsetDateTime.class);
            return Optional.ofNullable(t).map(OffsetDateTime::toInstant);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    private static String truncate(String s) {
        if (s == null) return null;
        return s.length() <= 2000 ? s : s.substring(0, 1997) + "...";
    }

    private Optional<Job> queryOne(String sql, Object... params) {
        try (Connection c = pool.getConnection()) {
            return queryOne(c, sql, params);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static Optional<Job> queryOne(Connection c, String sql, Object... params) throws SQLException {
        List<Job> jobs = query(c, sql, params);
        return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(0));
    }

    private List<Job> query(String sql, Object... params) {
        try (Connection c = pool.getConnection()) {
            return query(c, sql, params);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static List<Job> query(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) s.setObject(i + 1, params[i]);
            List<Job> jobs = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) jobs.add(read(rs));
            }
            return jobs;
        }
    }

    private int update(String sql, Object... params) {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) s.setObject(i + 1, params[i]);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static Job read(ResultSet rs) throws SQLException {
        return new Job(rs.getString("id"), rs.getString("owner"), rs.getString("idempotency_key"),
                ExportRequestJson.read(rs.getString("request")), JobStatus.fromWire(rs.getString("status")).orElseThrow(),
                longOrNull(rs, "total_rows"), rs.getLong("processed_rows"), longOrNull(rs, "row_count"),
                rs.getString("file_name"), longOrNull(rs, "file_size_bytes"), rs.getString("content_type"),
                rs.getString("error_code"), rs.getString("error_message"), rs.getInt("attempts"), rs.getInt("max_attempts"),
                rs.getBoolean("cancel_requested"), rs.getBoolean("downloaded"), instant(rs, "created_at"),
                instant(rs, "started_at"), instant(rs, "completed_at"), instant(rs, "expires_at"), instant(rs, "run_after"),
                rs.getString("locked_by"), instant(rs, "locked_until"), rs.getString("owner_role"),
                readAttributes(rs.getString("owner_attributes")));
    }

    private static Map<String, String> readAttributes(String json) {
        try {
            return Principal.attributesFromJson(json);
        } catch (IllegalArgumentException e) {
            throw new StoreException("job store: owner_attributes: " + e.getMessage(), e);
        }
    }

    private static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static StoreException failure(SQLException e) {
        return new StoreException("job store: " + e.getMessage(), e);
    }

}
