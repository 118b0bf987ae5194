package dev.freight.auth;

import java.util.Objects;

/**
 * Who gets in: API keys, signed download links and the web UI's sessions, built once from the config and handed to
 * the HTTP server. What a caller may then export, and within which limits, is the export service's business.
 */
public record Authentication(ApiKeyCheck keys, LinkSigner links, Sessions sessions) {

    public Authentication {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(links, "links");
        Objects.requireNonNull(sessions, "sessions");
    }

    /** API keys only: no links, no browser sessions. */
    public static Authentication of(ApiKeyCheck keys) {
        return new Authentication(keys, LinkSigner.disabled(), Sessions.disabled());
    }

    public Authentication withKeys(ApiKeyCheck k) {
        return new Authentication(k, links, sessions);
    }

    public Authentication withLinks(LinkSigner l) {
        return new Authentication(keys, l, sessions);
    }

    public Authentication withSessions(Sessions s) {
        return new Authentication(keys, links, s);
    }
}
