package dev.freight.auth;

import java.util.Optional;

/** Turns the bearer token of a request into a principal, or refuses it. */
@FunctionalInterface
public interface ApiKeyCheck {

    /** The principal the token belongs to; empty for an unknown token. Must not leak timing about near misses. */
    Optional<Principal> authenticate(String bearerToken);

    /**
     * The principal of the key whose SHA-256 this is: how a browser session, which keeps only the hash of the key
     * it was opened with, is checked again on each request (a revoked key then ends the session). Checks that
     * cannot look keys up by hash know none.
     */
    default Optional<Principal> authenticateHash(byte[] sha256) {
        return Optional.empty();
    }

    /**
     * The principal of the active key with this {@link ApiKeys#fingerprint fingerprint}: how a signed link, which
     * names the key that made it, is checked on each use (a revoked key ends its links). Checks that cannot look
     * keys up by fingerprint know none.
     */
    default Optional<Principal> authenticateFingerprint(String fingerprint) {
        return Optional.empty();
    }

    /** Tries each check in turn: the first that knows the token wins. */
    static ApiKeyCheck firstOf(ApiKeyCheck... checks) {
        return new ApiKeyCheck() {
            @Override
            public Optional<Principal> authenticate(String token) {
                for (ApiKeyCheck c : checks) {
                    Optional<Principal> p = c.authenticate(token);
                    if (p.isPresent()) return p;
                }
                return Optional.empty();
            }

            @Override
            public Optional<Principal> authenticateHash(byte[] sha256) {
                for (ApiKeyCheck c : checks) {
                    Optional<Principal> p = c.authenticateHash(sha256);
                    if (p.isPresent()) return p;
                }
                return Optional.empty();
            }

            @Override
            public Optional<Principal> authenticateFingerprint(String fingerprint) {
                for (ApiKeyCheck c : checks) {
                    Optional<Principal> p = c.authenticateFingerprint(fingerprint);
                    if (p.isPresent()) return p;
                }
                return Optional.empty();
            }
        };
    }
}
