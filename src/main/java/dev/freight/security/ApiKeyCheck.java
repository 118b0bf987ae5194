package dev.freight.security;

import java.util.Optional;

/** Turns the bearer token of a request into a principal, or refuses it. */
@FunctionalInterface
public interface ApiKeyCheck {

    /** The principal the token belongs to; empty for an unknown token. Must not leak timing about near misses. */
    Optional<Principal> authenticate(String bearerToken);

    /** Tries each check in turn: the first that knows the token wins. */
    static ApiKeyCheck firstOf(ApiKeyCheck... checks) {
        return token -> {
            for (ApiKeyCheck c : checks) {
                Optional<Principal> p = c.authenticate(token);
                if (p.isPresent()) return p;
            }
            return Optional.empty();
        };
    }
}
