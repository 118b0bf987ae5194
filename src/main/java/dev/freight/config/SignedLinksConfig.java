package dev.freight.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code server.signed_links}: the key that signs download links (absent: a random key kept in
 * {@code <data_dir>/link-key}), keys still accepted after a rotation, and how long links live.
 */
public record SignedLinksConfig(Optional<Secret> key, List<Secret> previousKeys, Duration defaultTtl, Duration maxTtl) {
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    public static final Duration MAX_TTL = Duration.ofHours(24);

    public SignedLinksConfig {
        Objects.requireNonNull(key, "key");
        previousKeys = List.copyOf(previousKeys);
        Objects.requireNonNull(defaultTtl, "defaultTtl");
        Objects.requireNonNull(maxTtl, "maxTtl");
    }

    public static SignedLinksConfig defaults() {
        return new SignedLinksConfig(Optional.empty(), List.of(), DEFAULT_TTL, MAX_TTL);
    }

    /** Like every secret, keys print as *** (records print their components). */
    @Override
    public String toString() {
        return "SignedLinksConfig[key=" + key.map(k -> "***").orElse("generated") + ", previousKeys="
                + previousKeys.size() + ", defaultTtl=" + defaultTtl + ", maxTtl=" + maxTtl + "]";
    }
}
