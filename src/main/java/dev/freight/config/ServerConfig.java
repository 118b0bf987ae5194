package dev.freight.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The HTTP server: where it listens ({@code port} 0 picks a free port), the largest request body it reads, the
 * public base URL used to build absolute links (without a trailing slash) when Freight sits behind a proxy, and
 * how download links are signed, how long a web UI session lasts after sign-in, the management listener, and the
 * key of the {@code hash} mask (empty: the node's generated key).
 */
public record ServerConfig(String host, int port, long maxRequestBytes, Optional<URI> publicUrl,
                           SignedLinksConfig signedLinks, Duration sessionTtl, Management management,
                           Optional<Secret> maskKey) {
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(12);

    /**
     * A second listener for monitoring only (metrics and health, no API key), off unless {@code port} is set; on
     * loopback by default, where a Prometheus agent of the same host scrapes it.
     */
    public record Management(String host, OptionalInt port) {
        public static final Management OFF = new Management("127.0.0.1", OptionalInt.empty());

        public Management {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(port, "port");
        }
    }

    public ServerConfig {
        Objects.requireNonNull(management, "management");
        Objects.requireNonNull(maskKey, "maskKey");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(publicUrl, "publicUrl");
        Objects.requireNonNull(signedLinks, "signedLinks");
        Objects.requireNonNull(sessionTtl, "sessionTtl");
    }

    public ServerConfig(String host, int port, long maxRequestBytes, Optional<URI> publicUrl,
                        SignedLinksConfig signedLinks) {
        this(host, port, maxRequestBytes, publicUrl, signedLinks, DEFAULT_SESSION_TTL, Management.OFF, Optional.empty());
    }

    public ServerConfig(String host, int port, long maxRequestBytes, Optional<URI> publicUrl) {
        this(host, port, maxRequestBytes, publicUrl, SignedLinksConfig.defaults());
    }
}
