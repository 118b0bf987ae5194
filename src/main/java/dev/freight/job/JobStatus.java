package dev.freight.job;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code pending → running → completed | failed | cancelled}, and {@code completed → expired} (DESIGN.md §2). */
public enum JobStatus {
    PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, EXPIRED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isTerminal() {
        return this != PENDING && this != RUNNING;
    }

    public static Optional<JobStatus> fromWire(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst();
    }

    /** "pending, running, …": the wire names, for messages. */
    public static String choices() {
        return Arrays.stream(values()).map(JobStatus::wireName).collect(Collectors.joining(", "));
    }
}
