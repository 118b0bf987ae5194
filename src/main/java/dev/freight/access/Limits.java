package dev.freight.access;

import dev.freight.auth.Principal;
import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.config.ConfigException;
import dev.freight.config.RawSection;
import dev.freight.config.Units;
import dev.freight.error.Messages;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
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
    public static final String EXPORTS_PER_HOUR = "exports_per_hour";
    public static final String CONCURRENT_JOBS = "concurrent_jobs";
    public static final String MAX_ROWS = "max_rows";
    public static final String MAX_FILE_BYTES = "max_file_bytes";
    public static final String MAX_REQUEST_BYTES = "max_request_bytes";
    static final List<String> KEYS = List.of(EXPORTS_PER_HOUR, CONCURRENT_JOBS, MAX_ROWS, MAX_FILE_BYTES,
            MAX_REQUEST_BYTES);

    /** Buckets kept before idle ones are dropped; far above the number of API keys any deployment has. */
    static final int MAX_BUCKETS = 10_000;
    private static final Duration REFILL_PERIOD = Duration.ofHours(1);
    private static final String ORIGIN = "configuration";

    /** The effective caps of one role. */
    public record Caps(long exportsPerHour, int concurrentJobs, long maxRows, long maxFileBytes, long maxRequestBytes) {
        public static final Caps DEFAULTS = new Caps(60, 5, 100_000_000L, 10L << 30, 1L << 20);
        public static final Caps NONE = new Caps(Long.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
                Long.MAX_VALUE);

        public Caps {
            if (exportsPerHour < 1 || concurrentJobs < 1 || maxRows < 1 || maxFileBytes < 1 || maxRequestBytes < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
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
        return fromConfig(new RawSection(null), new RawSection(null), serverMaxRequestBytes);
    }

    /**
     * Reads {@code limits} and the {@code limits} key of each role (the rest of {@code roles} belongs to the
     * access policy). {@code max_request_bytes} never exceeds the server's own {@code serverMaxRequestBytes}.
     */
    public static Limits fromConfig(RawSection limits, RawSection roles, long serverMaxRequestBytes) {
        return fromConfig(limits, roles, serverMaxRequestBytes, System::nanoTime);
    }

    public static Limits fromConfig(RawSection limits, RawSection roles, long serverMaxRequestBytes, LongSupplier nanoTime) {
        Caps base = capped(parse(limits.node(), "limits", Caps.DEFAULTS), serverMaxRequestBytes);
        Map<String, Caps> byRole = new HashMap<>();
        JsonNode rolesNode = roles.node();
        if (rolesNode.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = rolesNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> role = it.next();
                JsonNode roleLimits = role.getValue() == null ? null : role.getValue().get("limits");
                if (roleLimits == null || roleLimits.isNull()) continue;
                byRole.put(role.getKey(), capped(parse(roleLimits, "roles." + role.getKey() + ".limits", base),
                        serverMaxRequestBytes));
            }
        }
        return new Limits(base, byRole, nanoTime);
    }

    private static Caps capped(Caps c, long serverMax) {
        return new Caps(c.exportsPerHour(), c.concurrentJobs(), c.maxRows(), c.maxFileBytes(),
                Math.min(c.maxRequestBytes(), serverMax));
    }

    private static Caps parse(JsonNode node, String path, Caps fallback) {
        if (node.isTextual() && node.textValue().isEmpty()) return fallback;
        if (!node.isObject()) throw new ConfigException(ORIGIN, path, "expected a mapping of " + String.join(", ", KEYS));
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new ConfigException(ORIGIN, path + "." + key, "unknown limit; limits: " + String.join(", ", KEYS));
            }
        }
        return new Caps(
                integer(node, path, EXPORTS_PER_HOUR, fallback.exportsPerHour(), Integer.MAX_VALUE),
                (int) integer(node, path, CONCURRENT_JOBS, fallback.concurrentJobs(), 100_000),
                integer(node, path, MAX_ROWS, fallback.maxRows(), Long.MAX_VALUE - 1),
                size(node, path, MAX_FILE_BYTES, fallback.maxFileBytes()),
                size(node, path, MAX_REQUEST_BYTES, fallback.maxRequestBytes()));
    }

    private static String text(JsonNode node, String path, String key, String expected) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isValueNode()) throw new ConfigException(ORIGIN, path + "." + key, "expected " + expected);
        String s = v.asText().strip();
        return s.isEmpty() ? null : s;
    }

    private static long integer(JsonNode node, String path, String key, long fallback, long max) {
        String expected = "a positive integer (at most " + max + ")";
        String s = text(node, path, key, expected);
        if (s == null) return fallback;
        try {
            long n = Long.parseLong(s.replace("_", ""));
            if (n >= 1 && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new ConfigException(ORIGIN, path + "." + key, "expected " + expected + ", got \"" + Messages.shorten(s) + "\"");
    }

    private static long size(JsonNode node, String path, String key, long fallback) {
        String s = text(node, path, key, Units.SIZE_FORMS);
        if (s == null) return fallback;
        Long bytes = Units.size(s);
        if (bytes == null || bytes < 1) {
            throw new ConfigException(ORIGIN, path + "." + key, "expected " + Units.SIZE_FORMS + ", got \""
                    + Messages.shorten(s) + "\"");
        }
        return bytes;
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
