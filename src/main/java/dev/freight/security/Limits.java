package dev.freight.security;

/** Per-principal rate limits and caps (the config's {@code limits}). Stub: no limits yet. */
public final class Limits {
    private static final Limits UNLIMITED = new Limits();

    private Limits() {
    }

    public static Limits unlimited() {
        return UNLIMITED;
    }
}
