package dev.freight.config;

import java.util.List;

/**
 * Per-principal rate limits and caps: the config's {@code limits} (the defaults of every role, admin included), or
 * a role's {@code roles.<role>.limits} (those defaults overridden key by key). Every value is positive.
 */
public record LimitsConfig(long exportsPerHour, int concurrentJobs, long maxRows, long maxFileBytes,
                           long maxRequestBytes) {
    public static final String EXPORTS_PER_HOUR = "exports_per_hour";
    public static final String CONCURRENT_JOBS = "concurrent_jobs";
    public static final String MAX_ROWS = "max_rows";
    public static final String MAX_FILE_BYTES = "max_file_bytes";
    public static final String MAX_REQUEST_BYTES = "max_request_bytes";
    public static final List<String> KEYS = List.of(EXPORTS_PER_HOUR, CONCURRENT_JOBS, MAX_ROWS, MAX_FILE_BYTES,
            MAX_REQUEST_BYTES);

    /** Without a {@code limits} section. */
    public static final LimitsConfig DEFAULTS = new LimitsConfig(60, 5, 100_000_000L, 10L << 30, 1L << 20);

    public LimitsConfig {
        if (exportsPerHour < 1 || concurrentJobs < 1 || maxRows < 1 || maxFileBytes < 1 || maxRequestBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
