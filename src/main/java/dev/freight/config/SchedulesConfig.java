package dev.freight.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How nodes fire scheduled exports: each serving or working node looks for due schedules every
 * {@code pollInterval} (so a tick fires at most that late).
 */
public record SchedulesConfig(Duration pollInterval) {
    static final List<String> KEYS = List.of("poll_interval");
    public static final SchedulesConfig DEFAULTS = new SchedulesConfig(Duration.ofSeconds(1));
    private static final Duration LONGEST_POLL = Duration.ofMinutes(1);

    public SchedulesConfig {
        Objects.requireNonNull(pollInterval, "pollInterval");
    }

    static SchedulesConfig bind(ConfigSection s) {
        ConfigValue poll = s.get("poll_interval");
        Duration interval = poll.duration(DEFAULTS.pollInterval(), false);
        if (interval.compareTo(Duration.ofMillis(100)) < 0 || interval.compareTo(LONGEST_POLL) > 0) {
            // Longer than a minute and a tick could be taken for missed (catch_up: none) on a healthy cluster.
            throw poll.invalid("must be 100ms to 1m");
        }
        return new SchedulesConfig(interval);
    }
}
