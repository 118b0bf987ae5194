package dev.freight.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Binds {@code email}, {@code webhooks} and {@code delivery_storage}: where finished exports may be pushed. */
final class DeliveryBinder {
    static final List<String> EMAIL_KEYS = List.of("from", "smtp", "max_attachment_bytes");
    static final List<String> SMTP_KEYS = List.of("host", "port", "username", "password", "tls", "timeout");
    static final List<String> WEBHOOKS_KEYS = List.of("allowed_hosts", "secret", "allow_private_addresses",
            "retry_initial_delay", "retry_max_delay", "give_up_after", "timeout", "endpoint_secrets");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]+\\.[A-Za-z0-9-]+");
    private static final Pattern HOST = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*"
            + "|[0-9.]+|\\[[0-9a-f:.]+]");
    private static final Pattern TARGET_NAME = Pattern.compile("[a-z0-9_-]{1,64}");
    static final int MIN_SECRET_BYTES = 24;

    private DeliveryBinder() {
    }

    /**
     * {@code email}: unset (no smtp.host) means email deliveries are refused at request time; once set, {@code from}
     * is required too.
     */
    static Optional<DeliveryConfig.Email> email(ConfigSection s) {
        ConfigSection smtp = s.section("smtp", SMTP_KEYS);
        ConfigValue host = smtp.get("host");
        ConfigValue from = s.get("from");
        if (!host.isSet()) {
            for (ConfigValue v : List.of(from, s.get("max_attachment_bytes"), smtp.get("port"), smtp.get("username"),
                    smtp.get("password"), smtp.get("tls"), smtp.get("timeout"))) {
                if (v.isSet()) {
                    throw new ConfigException(v.origin, v.path, "email.smtp.host is not set: set it to send emails, or "
                            + "remove the email settings");
                }
            }
            return Optional.empty();
        }
        String hostName = host.required("the SMTP server's host name");
        String sender = from.required("the sender address, e.g. freight@example.com");
        if (!ADDRESS.matcher(sender).matches()) throw from.invalid("expected an email address such as freight@example.com");
        ConfigValue tlsValue = smtp.get("tls");
        DeliveryConfig.Tls tls = switch (tlsValue.string("starttls").toLowerCase(Locale.ROOT)) {
            case "none" -> DeliveryConfig.Tls.NONE;
            case "starttls" -> DeliveryConfig.Tls.STARTTLS;
            case "tls" -> DeliveryConfig.Tls.TLS;
            default -> throw tlsValue.invalid("expected none, starttls or tls");
        };
        int port = smtp.get("port").integer(tls == DeliveryConfig.Tls.TLS ? 465 : 587, 1, 65535);
        Optional<String> username = smtp.get("username").optionalString();
        ConfigValue passwordValue = smtp.get("password");
        Optional<Secret> password = passwordValue.secret();
        if (password.isPresent() && username.isEmpty()) {
            throw new ConfigException(passwordValue.origin, passwordValue.path, "a password needs email.smtp.username");
        }
        long cap = s.get("max_attachment_bytes").size(DeliveryConfig.Email.DEFAULT_MAX_ATTACHMENT_BYTES);
        Duration timeout = smtp.get("timeout").duration(Duration.ofSeconds(30), false);
        return Optional.of(new DeliveryConfig.Email(sender, hostName, port, username, password, tls, cap, timeout));
    }

    /** {@code webhooks}: with an allow-list, the signing secret is required (a receiver must be able to verify). */
    static DeliveryConfig.Webhooks webhooks(ConfigSection s) {
        ConfigValue hostsValue = s.get("allowed_hosts");
        List<String> hosts = hostsValue.list(List.of()).stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        for (String h : hosts) {
            if (!HOST.matcher(h).matches()) {
                throw hostsValue.invalid("expected host names such as hooks.example.com or *.example.com (no scheme, "
                        + "port or path), one is \"" + h + "\"");
            }
        }
        ConfigValue secretValue = s.get("secret");
        Optional<Secret> secret = longEnough(secretValue, secretValue.secret());
        // Per endpoint (Standard Webhooks gives each endpoint its own secret): URL prefix -> secret.
        ConfigSection endpoints = s.section("endpoint_secrets", null);
        Map<String, Secret> endpointSecrets = new LinkedHashMap<>();
        for (Iterator<String> it = endpoints.node.fieldNames(); it.hasNext(); ) {
            String prefix = it.next();
            ConfigValue v = endpoints.get(prefix);
            java.net.URI uri;
            try {
                uri = new java.net.URI(prefix);
            } catch (java.net.URISyntaxException e) {
                uri = null;
            }
            if (uri == null || !List.of("http", "https").contains(String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT))
                    || uri.getHost() == null) {
                throw new ConfigException(v.origin, v.path, "expected a URL prefix such as https://hooks.example.com/freight "
                        + "(the webhooks to URLs it begins are signed with this secret)");
            }
            Optional<Secret> endpointSecret = longEnough(v, v.secret());
            if (endpointSecret.isEmpty()) {
                throw new ConfigException(v.origin, v.path, "missing: the secret of this endpoint, ${env:NAME}");
            }
            endpointSecrets.put(prefix, endpointSecret.get());
        }
        if (!hosts.isEmpty() && secret.isEmpty()) {
            throw new ConfigException(secretValue.origin, secretValue.path, "missing: webhooks.allowed_hosts is set, so "
                    + "webhooks are sent and must be signed: set secret: ${env:NAME}");
        }
        boolean allowPrivate = s.get("allow_private_addresses").bool(false);
        Duration initial = s.get("retry_initial_delay").duration(DeliveryConfig.Webhooks.DEFAULT_RETRY_INITIAL_DELAY, false);
        ConfigValue maxValue = s.get("retry_max_delay");
        Duration max = maxValue.duration(DeliveryConfig.Webhooks.DEFAULT_RETRY_MAX_DELAY, false);
        if (max.compareTo(initial) < 0) {
            throw new ConfigException(maxValue.origin, maxValue.path, "webhooks.retry_max_delay (" + Units.format(max)
                    + ") must be at least webhooks.retry_initial_delay (" + Units.format(initial) + ")");
        }
        Duration giveUp = s.get("give_up_after").duration(DeliveryConfig.Webhooks.DEFAULT_GIVE_UP_AFTER, false);
        Duration timeout = s.get("timeout").duration(DeliveryConfig.Webhooks.DEFAULT_TIMEOUT, false);
        return new DeliveryConfig.Webhooks(hosts, secret, allowPrivate, initial, max, giveUp, timeout, endpointSecrets);
    }

    private static Optional<Secret> longEnough(ConfigValue v, Optional<Secret> secret) {
        if (secret.isPresent() && secret.get().reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new ConfigException(v.origin, v.path, "the webhook secret must be at least "
                    + MIN_SECRET_BYTES + " bytes (e.g. openssl rand -base64 32)");
        }
        return secret;
    }

    /** {@code delivery_storage}: name -> a storage as {@code storage} is written, whose local path is required. */
    static Map<String, StorageConfig> storageTargets(ConfigSection s, Path dataDir) {
        Map<String, StorageConfig> out = new LinkedHashMap<>();
        for (Iterator<String> it = s.node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!TARGET_NAME.matcher(name).matches()) {
                throw new ConfigException(s.origin, s.child(name), "a storage target's name is a-z 0-9 _ - (at most 64)");
            }
            ConfigSection target = s.section(name, null);
            String type = target.get("type").string("local").toLowerCase(Locale.ROOT);
            if (type.equals("local")) target.get("path").required("the directory copies are written to");
            out.put(name, StoresBinder.storage(target, dataDir));
        }
        return out;
    }
}
