package dev.freight.schedule;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a schedule does with ticks no node fired (every node was down): {@code last} runs the newest missed tick
 * once when a node is back, {@code none} skips them all and waits for the next tick.
 */
public enum CatchUp {
    LAST, NONE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<CatchUp> fromWire(String s) {
        return Arrays.stream(values()).filter(c -> c.wireName().equals(s)).findFirst();
    }

    public static String choices() {
        return Arrays.stream(values()).map(CatchUp::wireName).collect(Collectors.joining(", "));
    }
}
