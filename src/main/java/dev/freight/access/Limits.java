package dev.freight.access;

import dev.freight.auth.Principal;
import dev.freight.config.LimitsConfig;
import dev.freight.config.RoleConfig;
import dev.freight.config.RolesConfig;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-principal rate limits and caps: the config's {@code limits} (defaults for every role, admin included) and
 * each role's {@code roles.<role>.limits} (overrides, key by key). The job store counts and takes the hourly budget
 * and concurrent exports, for every node at once (JobStore.Admission).
 */
public final class Limits {
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
    }

    private static final Limits UNLIMITED = new Limits(Caps.NONE, Map.of());

    private final Caps defaults;
    private final Map<String, Caps> byRole;

    public Limits(Caps defaults, Map<String, Caps> byRole) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.byRole = Map.copyOf(byRole);
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
        Map<String, Caps> byRole = new HashMap<>();
        for (RoleConfig role : roles.roles().values()) {
            role.limits().ifPresent(l -> byRole.put(role.name(), Caps.of(l, serverMaxRequestBytes)));
        }
        return new Limits(Caps.of(limits, serverMaxRequestBytes), byRole);
    }

    /** The caps of the principal's role: its own overrides, else the defaults. */
    public Caps of(Principal principal) {
        return byRole.getOrDefault(principal.role(), defaults);
    }
}
