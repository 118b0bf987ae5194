package dev.freight.config;

import java.util.Objects;

/**
 * A password or other credential. It prints as {@code ***} so that logging a config record, or an exception that
 * includes one, never leaks it; {@link #reveal()} is the one way to read it in clear, easy to find in a review.
 * (A class rather than a record, so that there is no public accessor besides {@code reveal()}.)
 */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "***";
    }
}
