package dev.freight.http;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** How an export reaches the caller (DESIGN.md §3). */
enum Delivery {
    SYNC, ASYNC, AUTO;

    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Delivery> fromWire(String s) {
        return Arrays.stream(values()).filter(d -> d.wireName().equals(s)).findFirst();
    }

    static String choices() {
        return Arrays.stream(values()).map(Delivery::wireName).collect(Collectors.joining(", "));
    }
}
