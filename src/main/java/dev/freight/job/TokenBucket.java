package dev.freight.job;

import java.time.Duration;
import java.time.Instant;

/**
 * An owner's hourly export budget as the job store keeps it: {@code tokens} at {@code at}, refilled greedily (one
 * export every hour / capacity) up to {@code capacity}. A value: every change makes a new one, stored back in the
 * transaction that took it.
 */
record TokenBucket(long capacity, double tokens, Instant at) {
    static final Duration REFILL_PERIOD = Duration.ofHours(1);

    static TokenBucket full(long capacity, Instant at) {
        return new TokenBucket(capacity, capacity, at);
    }

    /**
     * The bucket at {@code now}. A time before {@code at} (another node's clock reading, carried forward a little
     * behind) refills nothing and keeps {@code at}: the level never goes back in time.
     */
    TokenBucket refilledAt(Instant now) {
        if (!now.isAfter(at)) return this;
        double added = (double) Duration.between(at, now).toNanos() * capacity / REFILL_PERIOD.toNanos();
        return new TokenBucket(capacity, Math.min(capacity, tokens + added), now);
    }

    boolean hasOne() {
        return tokens >= 1;
    }

    TokenBucket takeOne() {
        if (!hasOne()) throw new IllegalStateException("the bucket is empty");
        return new TokenBucket(capacity, tokens - 1, at);
    }

    /** How long until the next whole export is there (zero when it is). */
    Duration untilNext() {
        if (hasOne()) return Duration.ZERO;
        return Duration.ofNanos((long) Math.ceil((1 - tokens) * REFILL_PERIOD.toNanos() / capacity));
    }
}
