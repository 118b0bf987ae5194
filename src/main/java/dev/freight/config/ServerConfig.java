package dev.freight.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP server: where it listens ({@code port} 0 picks a free port), the largest request body it reads, the
 * public base URL used to build absolute links (without a trailing slash) when Freight sits behind a proxy, and
 * how download links are signed, and how long a web UI session lasts after sign-in.
 */
public record ServerConfig(String host, int port, long maxRequestBytes, Optional<URI> publicUrl,
                           SignedLinksConfig signedLinks, Duration sessionTtl) {
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(12);

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(publicUrl, "publicUrl");
        Objects.requireNonNull(signedLinks, "signedLinks");
        Objects.requireNonNull(sessionTtl, "sessionTtl");
    }

    public ServerConfig(String host, int port, long maxRequestBytes, Optional<URI> publicUrl,
                        SignedLinksConfig signedLinks) {
        this(host, port, maxRequestBytes, publicUrl, signedLinks, DEFAULT_SESSION_TTL);
    }

    public ServerConfig(String host, int port, long maxRequestBytes, Optional<URI> publicUrl) {
        this(host, port, maxRequestBytes, publicUrl, SignedLinksConfig.defaults());
    }
}
