package dev.freight.access;

import dev.freight.auth.Principal;
import dev.freight.config.LimitsConfig;
import dev.freight.config.RoleConfig;
import dev.freight.config.RolesConfig;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Per-principal rate limits and caps: the config's {@code limits} (defaults for every role, admin included) and
 * each role's {@code roles.<role>.limits} (overrides, key by key).
 *
 * <p>The hourly export budget is a token bucket per principal name, held in this node's memory: with several API
 * nodes a principal may create up to that many times {@code exports_per_hour}. Buckets left untouched for an hour
 * are full again, indistinguishable from a new one, and are dropped once the map grows, so it stays bounded.
 */
public final class Limits {
    /** Buckets kept before idle ones are dropped; far above the number of API keys any deployment has. */
    static final int MAX_BUCKETS = 10_000;
    private static final Duration REFILL_PERIOD = Duration.ofHours(1);

    /** The effective caps of one role. */
    public record Caps(long exportsPerHour, int concurrentJobs, long maxRows, long maxFileBytes, long maxRequestBytes) {
        public static final Caps DEFAULTS = of(LimitsConfig.DEFAULTS, Long.MAX_VALUE);
        public static final Caps NONE = new Caps(Long.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
                Long.MAX_VALUE);

        public Caps {
            if (exportsPerHour < 1 || concurrentJobs < 1 || maxRows < 1 || maxFileBytes < 1 || maxRequestBytes < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }

        /** The caps the config sets, {@code max_request_bytes} at most {@code serverMaxRequestBytes}. */
        static Caps of(LimitsConfig c, long serverMaxRequestBytes) {
            return new Caps(c.exportsPerHour(), c.concurrentJobs(), c.maxRows(), c.maxFileBytes(),
                    Math.min(c.maxRequestBytes(), serverMaxRequestBytes));
        }

        boolean ratesLimited() {
            return exportsPerHour != Long.MAX_VALUE;
        }
    }

    private static final Limits UNLIMITED = new Limits(Caps.NONE, Map.of(), System::nanoTime);

    private final Caps defaults;
    private final Map<String, Caps> byRole;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Budget> budgets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> syncInFlight = new ConcurrentHashMap<>();

    /** {@code lastUsed}: in the meter's nanoseconds. */
    private record Budget(Bucket bucket, long capacity, AtomicLong lastUsed) {
    }

    /** {@code nanoTime}: the clock the buckets refill by (tests pass their own to step through an hour). */
    public Limits(Caps defaults, Map<String, Caps> byRole, LongSupplier nanoTime) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.byRole = Map.copyOf(byRole);
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** No limits at all: for tests and tools that are not about limits. */
    public static Limits unlimited() {
        return UNLIMITED;
    }

    /** Every principal at the built-in defaults. */
    public static Limits defaults(long serverMaxRequestBytes) {
        return fromConfig(LimitsConfig.DEFAULTS, RolesConfig.NONE, serverMaxRequestBytes);
    }

    /**
     * The config's {@code limits} and the limits of each role that sets its own. {@code max_request_bytes} never
     * exceeds the server's own {@code serverMaxRequestBytes}.
     */
    public static Limits fromConfig(LimitsConfig limits, RolesConfig roles, long serverMaxRequestBytes) {
        return fromConfig(limits, roles, serverMaxRequestBytes, System::nanoTime);
    }

    public static Limits fromConfig(LimitsConfig limits, RolesConfig roles, long serverMaxRequestBytes,
                                    LongSupplier nanoTime) {
        Map<String, Caps> byRole = new HashMap<>();
        for (RoleConfig role : roles.roles().values()) {
            role.limits().ifPresent(l -> byRole.put(role.name(), Caps.of(l, serverMaxRequestBytes)));
        }
        return new Limits(Caps.of(limits, serverMaxRequestBytes), byRole, nanoTime);
    }

    /** The caps of the principal's role: its own overrides, else the defaults. */
    public Caps of(Principal principal) {
        return byRole.getOrDefault(principal.role(), defaults);
    }

    /**
     * Takes one export from the principal's hourly budget. Empty when it was there; otherwise how long until the
     * next one is (nothing is taken then).
     */
    public Optional<Duration> tryStartExport(Principal principal) {
        Caps caps = of(principal);
        if (!caps.ratesLimited()) return Optional.empty();
        long now = nanoTime.getAsLong();
        Budget budget = budgets.compute(principal.name(), (name, existing) ->
                existing != null && existing.capacity() == caps.exportsPerHour() ? existing : newBudget(caps.exportsPerHour(), now));
        budget.lastUsed().set(now);
        ConsumptionProbe probe = budget.bucket().tryConsumeAndReturnRemaining(1);
        if (budgets.size() > MAX_BUCKETS) evictIdle(now);
        return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    /** Gives back an export taken by {@link #tryStartExport} for a request refused after all (nothing was created). */
    public void refundExport(Principal principal) {
        Budget budget = budgets.get(principal.name());
        if (budget != null) budget.bucket().addTokens(1);
    }

    private Budget newBudget(long capacity, long now) {
        TimeMeter meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return nanoTime.getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        Bucket bucket = Bucket.builder()
                .addLimit(limit -> limit.capacity(capacity).refillGreedy(capacity, REFILL_PERIOD))
                .withCustomTimePrecision(meter)
                .build();
        return new Budget(bucket, capacity, new AtomicLong(now));
    }

    /**
     * Drops buckets unused for a whole refill period (full again, so nothing is forgotten); if that is not enough,
     * the least recently used, whose principals get a fresh budget.
     */
    private void evictIdle(long now) {
        budgets.entrySet().removeIf(e -> now - e.getValue().lastUsed().get() >= REFILL_PERIOD.toNanos());
        if (budgets.size() <= MAX_BUCKETS) return;
        // Down to 90 %, so that a crowd of principals does not make every request sort the whole map.
        int excess = budgets.size() - MAX_BUCKETS * 9 / 10;
        budgets.entrySet().stream()
                .sorted(Comparator.comparingLong(e -> e.getValue().lastUsed().get()))
                .limit(excess)
                .map(Map.Entry::getKey)
                .toList()
                .forEach(budgets::remove);
    }

    /** How many principals have an hourly budget in memory (for tests of the bound). */
    int budgetsHeld() {
        return budgets.size();
    }

    /**
     * Counts an export in flight for the principal until the returned handle is closed: a sync export while it
     * streams, an async one from admission until its job is stored. They count toward {@code concurrent_jobs} on
     * this node like pending and running jobs do, so two requests admitted at once both see each other.
     */
    public SyncSlot startSync(Principal principal) {
        syncInFlight.merge(principal.name(), 1, Integer::sum);
        return new SyncSlot(principal.name());
    }

    /** Exports of the principal in flight on this node right now (see {@link #startSync}). */
    public int syncInFlight(Principal principal) {
        return syncInFlight.getOrDefault(principal.name(), 0);
    }

    /** A sync export in flight; closing it (once) ends it. */
    public final class SyncSlot implements AutoCloseable {
        private final String name;
        private boolean closed;

        private SyncSlot(String name) {
            this.name = name;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            // Removed at zero so that the map holds only principals with an export running.
            syncInFlight.computeIfPresent(name, (k, n) -> n <= 1 ? null : n - 1);
        }
    }
}
