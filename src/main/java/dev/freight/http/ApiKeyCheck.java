package dev.freight.http;

import java.util.Optional;

/**
 * Turns the bearer token of a request into a principal name, or refuses it. Until roles and hashed key lists
 * arrive with the security work, this is the whole of authentication: the name becomes the owner of the jobs the
 * caller creates, and only that caller (or an admin) sees them.
 */
@FunctionalInterface
public interface ApiKeyCheck {

    /** The principal the token belongs to; empty for an unknown token. Must not leak timing about near misses. */
    Optional<String> principal(String bearerToken);

    /** Whether the principal sees and manages everyone's jobs. */
    default boolean isAdmin(String principal) {
        return false;
    }
}
