package dev.freight.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Binds {@code server} and its {@code signed_links} into a {@link ServerConfig}. */
final class ServerBinder {
    static final List<String> SERVER_KEYS = List.of("host", "port", "max_request_bytes", "public_url", "signed_links",
            "session_ttl", "management_port", "management_host", "mask_key");
    static final List<String> SIGNED_LINKS_KEYS = List.of("key", "previous_keys", "default_ttl", "max_ttl");
    /** HMAC-SHA256 keys shorter than its block of 32 bytes weaken it; a random one is generated when none is set. */
    static final int MIN_LINK_KEY_BYTES = 32;

    private ServerBinder() {
    }

    static ServerConfig server(ConfigSection s) {
        ConfigValue hostValue = s.get("host");
        String host = hostValue.string("127.0.0.1");
        if (host.contains("://") || host.contains("/") || host.chars().anyMatch(Character::isWhitespace)) {
            throw hostValue.invalid("expected a host name or IP address to listen on (0.0.0.0 for all interfaces)");
        }
        int port = s.get("port").integer(8080, 0, 65535);
        long maxRequestBytes = s.get("max_request_bytes").size(1L << 20);
        Optional<URI> publicUrl = s.get("public_url").httpUrl();
        SignedLinksConfig signedLinks = signedLinks(s.section("signed_links", SIGNED_LINKS_KEYS));
        Duration sessionTtl = s.get("session_ttl").duration(ServerConfig.DEFAULT_SESSION_TTL, false);
        ConfigValue managementHostValue = s.get("management_host");
        String managementHost = managementHostValue.string("127.0.0.1");
        if (managementHost.contains("://") || managementHost.contains("/")
                || managementHost.chars().anyMatch(Character::isWhitespace)) {
            throw managementHostValue.invalid("expected a host name or IP address to listen on");
        }
        ConfigValue managementPortValue = s.get("management_port");
        OptionalInt managementPort = managementPortValue.isSet()
                ? OptionalInt.of(managementPortValue.integer(0, 0, 65535)) : OptionalInt.empty();
        if (managementPort.isPresent() && managementPort.getAsInt() != 0 && managementPort.getAsInt() == port) {
            throw managementPortValue.invalid("must differ from server.port (" + port + ")");
        }
        ConfigValue maskKeyValue = s.get("mask_key");
        Optional<Secret> maskKey = maskKeyValue.secret();
        maskKey.ifPresent(k -> checkKeyLength(maskKeyValue, k));
        return new ServerConfig(host, port, maxRequestBytes, publicUrl, signedLinks, sessionTtl,
                new ServerConfig.Management(managementHost, managementPort), maskKey);
    }

    private static SignedLinksConfig signedLinks(ConfigSection s) {
        ConfigValue keyValue = s.get("key");
        Optional<Secret> key = keyValue.secret();
        key.ifPresent(k -> checkKeyLength(keyValue, k));
        ConfigValue previousValue = s.get("previous_keys");
        List<Secret> previous = previousValue.secretList();
        previous.forEach(k -> checkKeyLength(previousValue, k));
        ConfigValue defaultValue = s.get("default_ttl");
        Duration defaultTtl = defaultValue.duration(SignedLinksConfig.DEFAULT_TTL, false);
        ConfigValue maxValue = s.get("max_ttl");
        Duration maxTtl = maxValue.duration(SignedLinksConfig.MAX_TTL, false);
        if (defaultTtl.compareTo(maxTtl) > 0) {
            ConfigValue blamed = defaultValue.isSet() || !maxValue.isSet() ? defaultValue : maxValue;
            throw new ConfigException(blamed.origin, blamed.path, "server.signed_links.default_ttl ("
                    + Units.format(defaultTtl) + ") must not exceed server.signed_links.max_ttl ("
                    + Units.format(maxTtl) + ")");
        }
        return new SignedLinksConfig(key, previous, defaultTtl, maxTtl);
    }

    private static void checkKeyLength(ConfigValue value, Secret key) {
        int bytes = key.reveal().getBytes(StandardCharsets.UTF_8).length;
        if (bytes < MIN_LINK_KEY_BYTES) {
            throw new ConfigException(value.origin, value.path, "a key must be at least " + MIN_LINK_KEY_BYTES
                    + " bytes long, got " + bytes + " (e.g. openssl rand -base64 48)");
        }
    }
}
