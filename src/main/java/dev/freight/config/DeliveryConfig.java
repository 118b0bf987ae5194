package dev.freight.config;

import java.net.IDN;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where finished exports may be pushed: {@code email} (SMTP; empty when not configured, then email deliveries are
 * refused), {@code webhooks} (the allow-list, the signing secret, the retry schedule every delivery follows) and
 * {@code storageTargets} ({@code delivery_storage}: named directories or S3 prefixes for storage deliveries).
 */
public record DeliveryConfig(Optional<Email> email, Webhooks webhooks, Map<String, StorageConfig> storageTargets) {
    public static final DeliveryConfig NONE = new DeliveryConfig(Optional.empty(), Webhooks.NONE, Map.of());

    public DeliveryConfig {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(webhooks, "webhooks");
        storageTargets = Collections.unmodifiableMap(new LinkedHashMap<>(storageTargets));
    }

    public enum Tls { NONE, STARTTLS, TLS }

    /** {@code email}: SMTP server, sender, and the largest file sent as an attachment (above: a link). */
    public record Email(String from, String host, int port, Optional<String> username, Optional<Secret> password,
                        Tls tls, long maxAttachmentBytes, Duration timeout) {
        public static final long DEFAULT_MAX_ATTACHMENT_BYTES = 10_000_000L;

        public Email {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(tls, "tls");
        }
    }

    /**
     * {@code webhooks}: URLs must match {@code allowedHosts} (a host name, or {@code *.example.com} for its
     * sub-domains; lower case); addresses in private, loopback and link-local ranges are refused unless
     * {@code allowPrivateAddresses}. Every delivery (webhook, email, copy) that fails is retried after
     * {@code retryInitialDelay}, doubled each time up to {@code retryMaxDelay}, until {@code giveUpAfter}.
     */
    /**
     * {@code endpointSecrets}: URL prefix -> the secret signing the webhooks sent to URLs it begins (the longest
     * prefix wins); a URL no prefix begins is signed with {@code secret}.
     */
    public record Webhooks(List<String> allowedHosts, Optional<Secret> secret, boolean allowPrivateAddresses,
                           Duration retryInitialDelay, Duration retryMaxDelay, Duration giveUpAfter, Duration timeout,
                           Map<String, Secret> endpointSecrets) {
        public static final Duration DEFAULT_RETRY_INITIAL_DELAY = Duration.ofSeconds(30);
        public static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofHours(1);
        public static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofHours(24);
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
        public static final Webhooks NONE = new Webhooks(List.of(), Optional.empty(), false, DEFAULT_RETRY_INITIAL_DELAY,
                DEFAULT_RETRY_MAX_DELAY, DEFAULT_GIVE_UP_AFTER, DEFAULT_TIMEOUT);

        public Webhooks {
            allowedHosts = List.copyOf(allowedHosts);
            Objects.requireNonNull(secret, "secret");
            endpointSecrets = Map.copyOf(endpointSecrets);
        }

        /** One secret for every endpoint. */
        public Webhooks(List<String> allowedHosts, Optional<Secret> secret, boolean allowPrivateAddresses,
                        Duration retryInitialDelay, Duration retryMaxDelay, Duration giveUpAfter, Duration timeout) {
            this(allowedHosts, secret, allowPrivateAddresses, retryInitialDelay, retryMaxDelay, giveUpAfter, timeout, Map.of());
        }

        /** The secret that signs webhooks to {@code url}: its endpoint's (longest prefix), else {@code secret}. */
        public Optional<Secret> secretFor(String url) {
            String best = null;
            for (String prefix : endpointSecrets.keySet()) {
                if (url.startsWith(prefix) && (best == null || prefix.length() > best.length())) best = prefix;
            }
            return best != null ? Optional.of(endpointSecrets.get(best)) : secret;
        }

        /** Whether {@code host} (as in a URL) is on the allow-list. */
        public boolean allows(String host) {
            if (host == null) return false;
            String h = host.toLowerCase(Locale.ROOT);
            if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
            try {
                h = IDN.toASCII(h).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                return false;
            }
            for (String allowed : allowedHosts) {
                if (allowed.startsWith("*.")) {
                    if (h.endsWith(allowed.substring(1)) && h.length() > allowed.length() - 1) return true;
                } else if (h.equals(allowed.startsWith("[") ? allowed.substring(1, allowed.length() - 1) : allowed)) {
                    // An IPv6 entry is written as in a URL ([2001:db8::1]) and compared, as the host, without brackets.
                    return true;
                }
            }
            return false;
        }
    }
}
