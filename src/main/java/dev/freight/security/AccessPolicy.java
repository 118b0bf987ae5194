package dev.freight.security;

/**
 * Which datasets, columns and rows each role may export (the config's {@code roles}). Stub: everything is
 * allowed until the permissions work fills this in.
 */
public final class AccessPolicy {
    private static final AccessPolicy UNRESTRICTED = new AccessPolicy();

    private AccessPolicy() {
    }

    /** No roles configured: every principal may export every dataset, whole. */
    public static AccessPolicy unrestricted() {
        return UNRESTRICTED;
    }
}
