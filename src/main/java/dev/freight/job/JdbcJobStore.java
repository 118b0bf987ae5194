package dev.freight.job;

import dev.freight.error.IdempotencyKeyReusedException;
import dev.freight.error.ProblemCode;
import dev.freight.query.ExportRequestJson;
import dev.freight.auth.Principal;
import dev.freight.delivery.DeliveryEvent;
import dev.freight.delivery.DeliveryPlan;
import dev.freight.delivery.DeliveryPlans;
import dev.freight.delivery.DeliveryTarget;
import dev.freight.delivery.DeliveryRecord;
import dev.freight.store.DatabaseClock;
import dev.freight.store.JobStoreDatabase;
import dev.freight.store.PageCursor;
import dev.freight.store.StoreException;
import dev.freight.store.StoreSql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.freight.store.StoreSql.instant;
import static dev.freight.store.StoreSql.longOrNull;
import static dev.freight.store.StoreSql.utc;

/**
 * The job store on the {@link JobStoreDatabase} (H2 embedded by default, PostgreSQL to scale out). Claims use
 * {@code SELECT … FOR UPDATE SKIP LOCKED} so that any number of workers on any number of nodes never take the same
 * job twice.
 */
public final class JdbcJobStore implements JobStore {
    /**
     * The processed rows of a job that starts another attempt: 0, unless it holds a checkpoint, which its next attempt
     * continues from (its progress then goes on from there, not back to 0 and up again).
     */
    private static final String ROWS_AT_RESTART = "CASE WHEN checkpoint IS NULL THEN 0 ELSE processed_rows END";
    private static final String COLUMNS = "id, owner, idempotency_key, request, status, total_rows, processed_rows, "
            + "row_count, file_name, file_size_bytes, content_type, error_code, error_message, attempts, max_attempts, "
            + "cancel_requested, downloaded, created_at, started_at, completed_at, expires_at, run_after, locked_by, "
            + "locked_until, owner_role, owner_attributes, delivery_plan, schedule_id, condition_met";

    static final String WORKER_LOST = ProblemCode.WORKER_LOST.code();
    static final String WORKER_LOST_MESSAGE = "the worker running this job stopped responding and no attempts are left";
    private static final Logger LOG = LoggerFactory.getLogger(JdbcJobStore.class);

    private final JobStoreDatabase database;
    private final StoreSql sql;
    private final Clock clock;

    /** How long a sync export counts without being renewed: a node that dies stops counting within this. */
    static final Duration SYNC_LEASE = Duration.ofSeconds(30);

    private final boolean postgres;
    private final java.util.concurrent.locks.ReentrantLock localAdmission = new java.util.concurrent.locks.ReentrantLock();
    /** This store's name in the rows of the sync exports it admitted. */
    private final String node = "node-" + JobIds.next();
    private final LeaseRenewal syncRenewal;
    private final JobSignals signals;

    /** The jobs on {@code database}, which this store owns from now on: {@link #close()} closes it. */
    public JdbcJobStore(JobStoreDatabase database) {
        this(database, true);
    }

    /** {@code listen}: on PostgreSQL, whether this node hears the others' announcements at once (else it polls). */
    public JdbcJobStore(JobStoreDatabase database, boolean listen) {
        this.database = database;
        this.sql = database.sql("jobs");
        this.clock = database.clock();
        this.postgres = database.kind() == JobStoreDatabase.Kind.POSTGRESQL;
        this.syncRenewal = new LeaseRenewal("freight-sync-renewal", SYNC_LEASE.dividedBy(3), this::renewSyncExports);
        this.signals = new JobSignals(database, listen);
    }

    @Override
    public JobSignals signals() {
        return signals;
    }

    /** {@code changed}, passed through, after announcing {@code kind} of the job when it is true. */
    private boolean announced(boolean changed, JobSignals.Kind kind, String id) {
        if (changed) signals.announce(kind, id);
        return changed;
    }

    /** Another {@link #SYNC_LEASE} for these sync exports of this node, from now. */
    void renewSyncExports(List<String> ids) {
        if (ids.isEmpty()) return;
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) in.append(i == 0 ? "?" : ", ?");
        List<Object> params = new ArrayList<>();
        params.add(utc(now().plus(SYNC_LEASE)));
        params.addAll(ids);
        sql.update("UPDATE sync_export SET expires_at = ? WHERE id IN (" + in + ")", params.toArray());
    }

    /** {@link JobStoreDatabase#open Opens the database} and the jobs on it. */
    public static JdbcJobStore open(String url, String user, String password, int poolSize, Clock localClock) {
        return open(url, user, password, poolSize, localClock, true);
    }

    public static JdbcJobStore open(String url, String user, String password, int poolSize, Clock localClock,
                                    boolean listen) {
        return new JdbcJobStore(JobStoreDatabase.open(url, user, password, poolSize, localClock), listen);
    }

    /**
     * The job store's connection pool, for the tables that live beside the jobs (API keys, audit log). Owned by
     * this store: closed with it, never by the borrower.
     */
    public javax.sql.DataSource dataSource() {
        return database.dataSource();
    }

    /** The job store's {@link DatabaseClock}, see {@link JobStoreDatabase#clock()}. */
    @Override
    public Clock clock() {
        return clock;
    }

    private Instant now() {
        return clock.instant();
    }

    @Override
    public Created create(NewJob n) {
        if (n.idempotencyKey() != null) {
            Optional<Job> existing = byIdempotencyKey(n.owner().name(), n.idempotencyKey());
            if (existing.isPresent()) return repeated(existing.get(), n);
        }
        String id = JobIds.next();
        Instant now = now();
        String insert = "INSERT INTO export_job (id, owner, idempotency_key, request, dataset, format, status, total_rows, "
                + "max_attempts, created_at, run_after, updated_at, owner_role, owner_attributes, delivery_plan, schedule_id) "
                + "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try {
            admitted(n.owner().name(), n.admission(), c -> StoreSql.update(c, insert, id, n.owner().name(),
                    n.idempotencyKey(), ExportRequestJson.write(n.request()),
                    // A report's picture has no one dataset: the column (a label for people) names the report.
                    n.request().dataset() != null ? n.request().dataset() : "report:" + n.request().report()
                            + (n.request().widget() == null ? "" : "/" + n.request().widget()),
                    n.request().format(), n.totalRows(), n.maxAttempts(), utc(now), utc(now), utc(now),
                    n.owner().role(), n.owner().attributesJson(),
                    n.plan() == DeliveryPlan.NONE ? null : DeliveryPlans.toJson(n.plan()), n.scheduleId()));
        } catch (StoreException e) {
            // Two requests with the same key raced: the unique constraint let one win; return the winner's job.
            if (n.idempotencyKey() != null && StoreSql.isUniqueViolation(e)) {
                return repeated(byIdempotencyKey(n.owner().name(), n.idempotencyKey()).orElseThrow(() -> e), n);
            }
            throw e;
        }
        signals.announce(JobSignals.Kind.QUEUED, id);
        return new Created(get(id).orElseThrow(), true);
    }

    @Override
    public SyncSlot admitSync(Principal owner, Admission admission) {
        String id = JobIds.next();
        // Only concurrent_jobs counts exports in flight: under a budget alone nothing needs to be recorded.
        boolean counted = admission.maxActive() != Integer.MAX_VALUE;
        admitted(owner.name(), admission, c -> {
            if (!counted) return 0;
            Instant now = now();
            StoreSql.update(c, "DELETE FROM sync_export WHERE owner = ? AND expires_at <= ?", owner.name(), utc(now));
            return StoreSql.update(c, "INSERT INTO sync_export (id, owner, node, expires_at) VALUES (?, ?, ?, ?)", id,
                    owner.name(), node, utc(now.plus(SYNC_LEASE)));
        });
        if (!counted) return () -> { };
        syncRenewal.add(id);
        return new SyncSlot() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (closed) return;
                closed = true;
                syncRenewal.remove(id);
                try {
                    sql.update("DELETE FROM sync_export WHERE id = ?", id);
                } catch (StoreException e) {
                    LOG.warn("a finished sync export stays counted toward concurrent_jobs until its lease ends ({}): {}",
                            SYNC_LEASE, e.getMessage());
                }
            }
        };
    }

    /**
     * Runs {@code insert} in the transaction that admits it under the owner's caps: one owner's admissions queue
     * behind a lock (PostgreSQL: a transaction-scoped advisory lock, so every node of the cluster takes the same one;
     * H2 serves one node, so a lock of this process does), count and take, then insert; twenty parallel creates with
     * a limit of two admit two, on one node or spread over several. A refusal, or a failed insert, rolls back what
     * was taken.
     */
    private <T> T admitted(String owner, Admission admission, StoreSql.Work<T> insert) {
        boolean locallyLocked = admission.limited() && !postgres;
        if (locallyLocked) localAdmission.lock();
        try {
            return sql.inTransaction(c -> {
                if (admission.limited()) admit(c, owner, admission);
                return insert.run(c);
            });
        } finally {
            if (locallyLocked) localAdmission.unlock();
        }
    }

    /** Concurrency first, so that a request refused for it takes nothing from the budget. */
    private void admit(Connection c, String owner, Admission admission) throws SQLException {
        if (postgres) StoreSql.query(c, "SELECT pg_advisory_xact_lock(?)", rs -> null, admissionLockKey(owner));
        Instant now = now();
        if (admission.maxActive() != Integer.MAX_VALUE) {
            long active = countActive(c, owner, now);
            if (active >= admission.maxActive()) throw new TooManyJobsException(active, admission.maxActive());
        }
        if (admission.exportsPerHour() != Long.MAX_VALUE) takeFromBudget(c, owner, admission.exportsPerHour(), now);
    }

    private static long countActive(Connection c, String owner, Instant now) throws SQLException {
        return StoreSql.queryOne(c, "SELECT (SELECT COUNT(*) FROM export_job WHERE owner = ? AND status IN "
                        + "('pending', 'running')) + (SELECT COUNT(*) FROM sync_export WHERE owner = ? AND expires_at > ?)",
                rs -> rs.getLong(1), owner, owner, utc(now)).orElseThrow();
    }

    /**
     * One export from the owner's hourly budget, or {@link RateLimitedException}. A budget kept for another
     * capacity (the config changed) starts full at the new one.
     */
    private static void takeFromBudget(Connection c, String owner, long capacity, Instant now) throws SQLException {
        Optional<TokenBucket> stored = StoreSql.queryOne(c, "SELECT capacity, tokens, refilled_at FROM export_budget "
                + "WHERE owner = ?", rs -> new TokenBucket(rs.getLong(1), rs.getDouble(2), instant(rs, "refilled_at")), owner);
        TokenBucket bucket = stored.filter(b -> b.capacity() == capacity).orElseGet(() -> TokenBucket.full(capacity, now))
                .refilledAt(now);
        if (!bucket.hasOne()) throw new RateLimitedException(capacity, bucket.untilNext());
        TokenBucket taken = bucket.takeOne();
        if (stored.isPresent()) {
            StoreSql.update(c, "UPDATE export_budget SET capacity = ?, tokens = ?, refilled_at = ? WHERE owner = ?",
                    taken.capacity(), taken.tokens(), utc(taken.at()), owner);
        } else {
            StoreSql.update(c, "INSERT INTO export_budget (owner, capacity, tokens, refilled_at) VALUES (?, ?, ?, ?)",
                    owner, taken.capacity(), taken.tokens(), utc(taken.at()));
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
        // Where the file goes is part of the request: the same export announced elsewhere is another request.
        if (!ExportRequestJson.sameRequest(existing.request(), n.request()) || !existing.plan().equals(n.plan())) {
            throw new IdempotencyKeyReusedException(n.idempotencyKey(), existing.id());
        }
        return new Created(existing, false);
    }

    private Optional<Job> byIdempotencyKey(String owner, String key) {
        return sql.queryOne("SELECT " + COLUMNS + " FROM export_job WHERE owner = ? AND idempotency_key = ?",
                JdbcJobStore::read, owner, key);
    }

    @Override
    public Optional<Job> get(String id) {
        return sql.queryOne("SELECT " + COLUMNS + " FROM export_job WHERE id = ?", JdbcJobStore::read, id);
    }

    @Override
    public Optional<String> checkpoint(String id) {
        return sql.queryOne("SELECT checkpoint FROM export_job WHERE id = ?",
                rs -> Optional.ofNullable(rs.getString(1)), id).flatMap(c -> c);
    }

    @Override
    public Page list(String owner, JobStatus status, String cursor, int limit) {
        StringBuilder select = new StringBuilder("SELECT " + COLUMNS + " FROM export_job WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (owner != null) {
            select.append(" AND owner = ?");
            params.add(owner);
        }
        if (status != null) {
            select.append(" AND status = ?");
            params.add(status.wireName());
        }
        if (cursor != null) {
            PageCursor after = PageCursor.decode(cursor);
            select.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
            params.add(utc(after.at()));
            params.add(utc(after.at()));
            params.add(after.id());
        }
        select.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        params.add(limit + 1);
        PageCursor.Page<Job> page = PageCursor.page(sql.query(select.toString(), JdbcJobStore::read, params.toArray()),
                limit, job -> new PageCursor(job.createdAt(), job.id()));
        return new Page(page.rows(), page.nextCursor());
    }

    @Override
    public Optional<Job> claim(String workerId, Duration lease) {
        Instant now = now();
        Job[] before = new Job[1];
        Optional<Job> claimed = sql.inTransaction(c -> {
            Optional<Job> due = StoreSql.queryOne(c, "SELECT " + COLUMNS + " FROM export_job WHERE "
                    + "(status = 'pending' AND run_after <= ?) OR (status = 'running' AND locked_until < ? AND attempts < max_attempts) "
                    + "ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED", JdbcJobStore::read, utc(now), utc(now));
            if (due.isEmpty()) return Optional.empty();
            before[0] = due.get();
            String id = due.get().id();
            StoreSql.update(c, "UPDATE export_job SET status = 'running', locked_by = ?, locked_until = ?, "
                    + "attempts = attempts + 1, started_at = COALESCE(started_at, ?), processed_rows = " + ROWS_AT_RESTART + ", updated_at = ? "
                    + "WHERE id = ?", workerId, utc(now.plus(lease)), utc(now), utc(now), id);
            // Read back on the same connection: borrowing a second one while holding this could exhaust the pool.
            return StoreSql.queryOne(c, "SELECT " + COLUMNS + " FROM export_job WHERE id = ?", JdbcJobStore::read, id);
        });
        claimed.ifPresent(j -> signals.announce(JobSignals.Kind.CHANGED, j.id()));
        if (claimed.isPresent() && before[0].status() == JobStatus.RUNNING) {
            // Only the claim still knows the worker that died: the update replaced it.
            Job lost = before[0];
            LOG.warn("job {} taken over by worker {}: worker {} stopped renewing its lease, which lapsed at {}; attempt {} "
                    + "of {} starts", lost.id(), workerId, lost.lockedBy(), lost.lockedUntil(), claimed.get().attempts(),
                    lost.maxAttempts());
        }
        return claimed;
    }

    @Override
    public Heartbeat heartbeat(String id, String workerId, Duration lease, long processedRows, String checkpoint) {
        Instant now = now();
        int updated = sql.update("UPDATE export_job SET locked_until = ?, processed_rows = ?, checkpoint = ?, updated_at = ? "
                + "WHERE id = ? AND locked_by = ? AND status = 'running'", utc(now.plus(lease)), processedRows, checkpoint,
                utc(now), id, workerId);
        if (updated == 0) return Heartbeat.LEASE_LOST;
        signals.announce(JobSignals.Kind.CHANGED, id);
        return get(id).map(j -> j.cancelRequested() ? Heartbeat.CANCEL_REQUESTED : Heartbeat.OK).orElse(Heartbeat.LEASE_LOST);
    }

    @Override
    public boolean complete(String id, String workerId, long rowCount, String fileName, long fileSizeBytes,
                            String contentType, Instant expiresAt, Boolean conditionMet) {
        Instant now = now();
        return announced(sql.inTransaction(c -> {
            if (StoreSql.update(c, "UPDATE export_job SET status = 'completed', row_count = ?, processed_rows = ?, file_name = ?, "
                            + "file_size_bytes = ?, content_type = ?, completed_at = ?, expires_at = ?, error_code = NULL, "
                            + "error_message = NULL, locked_by = NULL, locked_until = NULL, condition_met = ?, updated_at = ? "
                            + "WHERE id = ? AND locked_by = ? AND status = 'running'",
                    rowCount, rowCount, fileName, fileSizeBytes, contentType, utc(now), utc(expiresAt), conditionMet,
                    utc(now), id, workerId) != 1) {
                return false;
            }
            if (!Boolean.FALSE.equals(conditionMet)) queueDeliveries(c, id, DeliveryEvent.COMPLETED, now);
            return true;
        }), JobSignals.Kind.CHANGED, id);
    }

    /**
     * Queues the deliveries of the job's plan that {@code event} concerns, as rows of export_delivery due now, in
     * the transaction that changed the job: a delivery is queued exactly when its job changes, whichever node does
     * it (the unique (job, event, seq) makes a second try a no-op).
     */
    private static void queueDeliveries(Connection c, String id, DeliveryEvent event, Instant now) throws SQLException {
        Optional<String> stored = StoreSql.queryOne(c, "SELECT delivery_plan FROM export_job WHERE id = ?",
                rs -> Optional.ofNullable(rs.getString(1)), id).flatMap(plan -> plan);
        if (stored.isEmpty()) return;
        List<DeliveryTarget> targets = DeliveryPlans.fromJson(stored.get()).targets();
        for (int seq = 0; seq < targets.size(); seq++) {
            DeliveryTarget t = targets.get(seq);
            if (!event.concerns(t)) continue;
            StoreSql.update(c, "INSERT INTO export_delivery (id, job_id, seq, event, type, target, spec, status, attempts, "
                    + "created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)", JobIds.next(), id, seq,
                    event.wire(), t.type(), truncate(t.describe()), DeliveryPlans.toJson(new DeliveryPlan(List.of(t), null)),
                    utc(now), utc(now));
        }
    }

    @Override
    public boolean retryLater(String id, String workerId, String errorCode, String errorMessage, Instant runAfter) {
        return announced(sql.update("UPDATE export_job SET status = 'pending', error_code = ?, error_message = ?, run_after = ?, "
                        + "locked_by = NULL, locked_until = NULL, updated_at = ? WHERE id = ? AND locked_by = ? AND status = 'running'",
                errorCode, truncate(errorMessage), utc(runAfter), utc(now()), id, workerId) == 1, JobSignals.Kind.CHANGED, id);
    }

    @Override
    public boolean fail(String id, String workerId, String errorCode, String errorMessage) {
        Instant now = now();
        return announced(sql.inTransaction(c -> {
            if (StoreSql.update(c, "UPDATE export_job SET status = 'failed', error_code = ?, error_message = ?, completed_at = ?, "
                            + "locked_by = NULL, locked_until = NULL, updated_at = ? WHERE id = ? AND locked_by = ? AND status = 'running'",
                    errorCode, truncate(errorMessage), utc(now), utc(now), id, workerId) != 1) {
                return false;
            }
            queueDeliveries(c, id, DeliveryEvent.FAILED, now);
            return true;
        }), JobSignals.Kind.CHANGED, id);
    }

    @Override
    public boolean markCancelled(String id, String workerId) {
        return announced(sql.update("UPDATE export_job SET status = 'cancelled', completed_at = ?, locked_by = NULL, "
                + "locked_until = NULL, updated_at = ? WHERE id = ? AND locked_by = ? AND status = 'running'", utc(now()),
                utc(now()), id, workerId) == 1, JobSignals.Kind.CHANGED, id);
    }

    @Override
    public boolean release(String id, String workerId) {
        // Queued again: a node that is not stopping takes it now.
        return announced(sql.update("UPDATE export_job SET status = 'pending', attempts = attempts - 1, locked_by = NULL, "
                + "locked_until = NULL, processed_rows = " + ROWS_AT_RESTART + ", updated_at = ? WHERE id = ? AND locked_by = ? AND status = 'running'",
                utc(now()), id, workerId) == 1, JobSignals.Kind.QUEUED, id);
    }

    @Override
    public CancelOutcome requestCancel(String id) {
        Instant now = now();
        if (sql.update("UPDATE export_job SET status = 'cancelled', completed_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
                utc(now), utc(now), id) == 1) {
            signals.announce(JobSignals.Kind.CHANGED, id);
            return CancelOutcome.CANCELLED;
        }
        if (sql.update("UPDATE export_job SET cancel_requested = TRUE, updated_at = ? WHERE id = ? AND status = 'running'",
                utc(now), id) == 1) {
            signals.announce(JobSignals.Kind.CANCEL, id);
            return CancelOutcome.CANCEL_REQUESTED;
        }
        return get(id).isPresent() ? CancelOutcome.ALREADY_FINISHED : CancelOutcome.NOT_FOUND;
    }

    @Override
    public Set<String> cancelRequested(Collection<String> ids) {
        if (ids.isEmpty()) return Set.of();
        return new HashSet<>(sql.query("SELECT id FROM export_job WHERE cancel_requested = TRUE AND status = 'running' "
                + "AND id IN (" + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")", rs -> rs.getString(1),
                ids.toArray()));
    }

    @Override
    public void markDownloaded(String id) {
        sql.update("UPDATE export_job SET downloaded = TRUE, updated_at = ? WHERE id = ?", utc(now()), id);
    }

    @Override
    public List<Job> dueForExpiry(Instant now, int limit) {
        return sql.query("SELECT " + COLUMNS + " FROM export_job WHERE status = 'completed' AND expires_at <= ? "
                + "ORDER BY expires_at LIMIT ?", JdbcJobStore::read, utc(now), limit);
    }

    @Override
    public boolean markExpired(String id) {
        Instant now = now();
        return announced(sql.inTransaction(c -> {
            if (StoreSql.update(c, "UPDATE export_job SET status = 'expired', updated_at = ? WHERE id = ? AND status = "
                    + "'completed'", utc(now), id) != 1) {
                return false;
            }
            // Only the jobs whose completion was delivered tell that their file is gone.
            boolean delivered = StoreSql.queryOne(c, "SELECT condition_met FROM export_job WHERE id = ?",
                    rs -> !Boolean.FALSE.equals(rs.getObject(1, Boolean.class)), id).orElse(false);
            if (delivered) queueDeliveries(c, id, DeliveryEvent.EXPIRED, now);
            return true;
        }), JobSignals.Kind.CHANGED, id);
    }

    @Override
    public List<Job> failExhaustedLeases() {
        Instant now = now();
        List<Job> failed = sql.inTransaction(c -> {
            List<Job> lost = StoreSql.query(c, "SELECT " + COLUMNS + " FROM export_job WHERE status = 'running' "
                    + "AND locked_until < ? AND attempts >= max_attempts FOR UPDATE SKIP LOCKED", JdbcJobStore::read, utc(now));
            for (Job job : lost) {
                StoreSql.update(c, "UPDATE export_job SET status = 'failed', error_code = ?, error_message = ?, "
                        + "completed_at = ?, locked_by = NULL, locked_until = NULL, updated_at = ? WHERE id = ?",
                        WORKER_LOST, WORKER_LOST_MESSAGE, utc(now), utc(now), job.id());
                queueDeliveries(c, job.id(), DeliveryEvent.FAILED, now);
            }
            return lost;
        });
        for (Job job : failed) signals.announce(JobSignals.Kind.CHANGED, job.id());
        return failed;
    }

    @Override
    public List<String> purge(Instant cutoff, int limit) {
        List<String> ids = new ArrayList<>();
        for (Job j : sql.query("SELECT " + COLUMNS + " FROM export_job WHERE status IN ('completed', 'failed', 'cancelled', "
                + "'expired') AND created_at < ? ORDER BY created_at LIMIT ?", JdbcJobStore::read, utc(cutoff), limit)) {
            if (sql.update("DELETE FROM export_job WHERE id = ?", j.id()) == 1) {
                ids.add(j.id());
                sql.update("DELETE FROM export_delivery WHERE job_id = ?", j.id());
            }
        }
        sql.update("DELETE FROM export_job_deleted WHERE deleted_at < ?", utc(cutoff));
        // A budget untouched for a whole refill period is full again, the same as no row at all.
        sql.update("DELETE FROM export_budget WHERE refilled_at < ?", utc(now().minus(TokenBucket.REFILL_PERIOD)));
        sql.update("DELETE FROM sync_export WHERE expires_at < ?", utc(now()));
        return ids;
    }

    @Override
    public boolean delete(String id) {
        return announced(sql.inTransaction(c -> {
            Optional<Job> job = StoreSql.queryOne(c, "SELECT " + COLUMNS + " FROM export_job WHERE id = ? FOR UPDATE",
                    JdbcJobStore::read, id);
            if (job.isEmpty()) return false;
            StoreSql.update(c, "DELETE FROM export_job WHERE id = ?", id);
            StoreSql.update(c, "DELETE FROM export_delivery WHERE job_id = ?", id);
            StoreSql.update(c, "INSERT INTO export_job_deleted (id, owner, deleted_at) VALUES (?, ?, ?)", id,
                    job.get().owner(), utc(now()));
            return true;
        }), JobSignals.Kind.CHANGED, id);
    }

    @Override
    public Optional<String> deletedOwner(String id) {
        return sql.queryOne("SELECT owner FROM export_job_deleted WHERE id = ?", rs -> rs.getString(1), id);
    }

    @Override
    public Map<JobStatus, Long> countByStatus() {
        Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus s : JobStatus.values()) counts.put(s, 0L);
        for (Map.Entry<String, Long> row : sql.query("SELECT status, COUNT(*) FROM export_job GROUP BY status",
                rs -> Map.entry(rs.getString(1), rs.getLong(2)))) {
            JobStatus.fromWire(row.getKey()).ifPresent(st -> counts.put(st, row.getValue()));
        }
        return counts;
    }

    private static final String DELIVERY_COLUMNS = "id, job_id, event, type, target, status, attempts, last_status, "
            + "last_error, created_at, last_attempt_at, next_attempt_at";

    @Override
    public List<DeliveryRecord> deliveryLog(String jobId) {
        return sql.query("SELECT " + DELIVERY_COLUMNS + " FROM export_delivery WHERE job_id = ? ORDER BY created_at, "
                + "event, seq", JdbcJobStore::readDelivery, jobId);
    }

    @Override
    public Map<String, List<DeliveryRecord>> deliveryLogs(Collection<String> jobIds) {
        if (jobIds.isEmpty()) return Map.of();
        Map<String, List<DeliveryRecord>> out = new java.util.HashMap<>();
        for (DeliveryRecord r : sql.query("SELECT " + DELIVERY_COLUMNS + " FROM export_delivery WHERE job_id IN ("
                + String.join(", ", Collections.nCopies(jobIds.size(), "?")) + ") ORDER BY created_at, event, seq",
                JdbcJobStore::readDelivery, jobIds.toArray())) {
            out.computeIfAbsent(r.jobId(), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    /** A row of export_delivery as the log shows it. */
    public static DeliveryRecord readDelivery(ResultSet rs) throws SQLException {
        int status = rs.getInt("last_status");
        Integer lastStatus = rs.wasNull() ? null : status;
        return new DeliveryRecord(rs.getString("id"), rs.getString("job_id"), rs.getString("event"), rs.getString("type"),
                rs.getString("target"), rs.getString("status"), rs.getInt("attempts"), lastStatus,
                rs.getString("last_error"), instant(rs, "created_at"), instant(rs, "last_attempt_at"),
                instant(rs, "next_attempt_at"));
    }

    @Override
    public long countActive(String owner) {
        return sql.withConnection(c -> countActive(c, owner, now()));
    }

    @Override
    public Optional<Instant> oldestPendingCreatedAt() {
        return sql.queryOne("SELECT MIN(created_at) FROM export_job WHERE status = 'pending'",
                rs -> Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant))
                .orElseThrow();
    }

    @Override
    public void close() {
        signals.close();
        syncRenewal.close();
        try {
            // Whatever sync export is still open here ends with this node: it must not count until its lease ends.
            sql.update("DELETE FROM sync_export WHERE node = ?", node);
        } catch (StoreException e) {
            LOG.debug("sync exports of node {} not removed at close: {}", node, e.getMessage());
        }
        database.close();
    }

    private static String truncate(String s) {
        if (s == null) return null;
        return s.length() <= 2000 ? s : s.substring(0, 1997) + "...";
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
                readAttributes(rs.getString("owner_attributes")), DeliveryPlans.fromJson(rs.getString("delivery_plan")),
                rs.getString("schedule_id"), (Boolean) rs.getObject("condition_met", Boolean.class));
    }

    private static Map<String, String> readAttributes(String json) throws SQLException {
        try {
            return Principal.attributesFromJson(json);
        } catch (IllegalArgumentException e) {
            throw new SQLException("export_job.owner_attributes: " + e.getMessage(), e);
        }
    }

}
