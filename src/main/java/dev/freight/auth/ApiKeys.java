package dev.freight.auth;

import dev.freight.config.ApiKeyConfig;
import dev.freight.config.FreightConfig;
import dev.freight.config.RolesConfig;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.ProblemCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The API keys a node accepts besides its admin key: those of the config's {@code api_keys} (by SHA-256 hash) and
 * those created at run time with {@code freight keys create} (in the job store).
 *
 * <p>A stored key that was found is remembered for {@link #CACHE_TTL} so that not every request reads the job
 * store; revoking a key therefore takes effect on every node within that time, for requests with the key, the
 * browser sessions opened with it (checked by its hash) and the signed links it made (checked by its
 * {@link #fingerprint}). Unknown tokens are never cached (a key created a moment ago works at once), and the cache
 * is bounded, so random tokens cannot fill memory.
 */
public final class ApiKeys implements ApiKeyCheck {
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
    public static final Duration CACHE_TTL = Duration.ofSeconds(5);
    static final int CACHE_MAX = 10_000;
    public static final String PREFIX = "frt_";
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{32}");

    /** A key of the config: the principal it stands for, its hash and where it is ({@code api_keys[2]}). */
    record ConfigKey(Principal principal, byte[] hash, String at) {
        String fingerprint() {
            return ApiKeys.fingerprint(HexFormat.of().formatHex(hash));
        }
    }

    private record Cached(Principal principal, Instant expiresAt) {
    }

    private final List<ConfigKey> configKeys;
    private final List<String> configFingerprints;
    private final StoredApiKeys store;
    private final Set<String> roles;
    private final Duration ttl;
    private final Clock clock;
    /** Keyed by "sha256:" + hash or "fingerprint:" + fingerprint (hex): a link's check is cached as a key's is. */
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    ApiKeys(List<ConfigKey> configKeys, StoredApiKeys store, Set<String> roles, Duration cacheTtl, Clock clock) {
        this.configKeys = List.copyOf(configKeys);
        this.configFingerprints = configKeys.stream().map(ConfigKey::fingerprint).toList();
        this.store = store;
        this.roles = Set.copyOf(roles);
        this.ttl = Objects.requireNonNull(cacheTtl, "cacheTtl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The config's keys (validated when the config was loaded) and, when given, the job store's. */
    public static ApiKeys load(FreightConfig config, StoredApiKeys store) {
        return load(config, store, CACHE_TTL);
    }

    public static ApiKeys load(FreightConfig config, StoredApiKeys store, Duration cacheTtl) {
        return load(config, store, cacheTtl, Clock.systemUTC());
    }

    /** {@code clock}: what the cache's {@code cacheTtl} is measured on. */
    public static ApiKeys load(FreightConfig config, StoredApiKeys store, Duration cacheTtl, Clock clock) {
        return new ApiKeys(configKeys(config.apiKeys()), store, config.roles().allNames(), cacheTtl, clock);
    }

    /** The principals of the config's keys, in file order (for {@code keys list}). */
    public List<Principal> configPrincipals() {
        return configKeys.stream().map(ConfigKey::principal).toList();
    }

    @Override
    public Optional<Principal> authenticate(String token) {
        if (token == null || token.isEmpty()) return Optional.empty();
        return authenticateHash(AdminKey.sha256(token));
    }

    @Override
    public Optional<Principal> authenticateHash(byte[] hash) {
        if (hash == null || hash.length != 32) return Optional.empty();
        // Every config key is compared, in constant time each: how far the loop got says nothing about the token.
        Principal match = null;
        for (ConfigKey k : configKeys) {
            if (MessageDigest.isEqual(hash, k.hash()) && match == null) match = k.principal();
        }
        if (match != null) return Optional.of(match);
        String hex = HexFormat.of().formatHex(hash);
        // The store is looked up by hash (unique index): the database compares digests, never the key itself.
        return stored("sha256:" + hex, () -> store.findActive(hex));
    }

    @Override
    public Optional<Principal> authenticateFingerprint(String fingerprint) {
        if (fingerprint == null || !FINGERPRINT.matcher(fingerprint).matches()) return Optional.empty();
        // Plain comparisons: a fingerprint travels in URLs and is no secret, so timing tells nothing worth having.
        for (int i = 0; i < configKeys.size(); i++) {
            if (configFingerprints.get(i).equals(fingerprint)) return Optional.of(configKeys.get(i).principal());
        }
        return stored("fingerprint:" + fingerprint, () -> store.findActiveByFingerprint(fingerprint));
    }

    /** The principal of the active stored key {@code find} finds, if it may be used; found ones are cached. */
    private Optional<Principal> stored(String cacheKey, java.util.function.Supplier<Optional<StoredApiKeys.Entry>> find) {
        if (store == null) return Optional.empty();
        Instant now = clock.instant();
        Cached cached = cache.get(cacheKey);
        if (cached != null && now.isBefore(cached.expiresAt())) return Optional.of(cached.principal());
        if (cached != null) cache.remove(cacheKey, cached);
        Optional<StoredApiKeys.Entry> entry = find.get();
        if (entry.isEmpty()) return Optional.empty();
        Principal p = entry.get().principal();
        if (!roles.contains(p.role())) {
            LOG.warn("API key {} ({}) has role '{}', which the configuration no longer defines; refused",
                    entry.get().id(), p.name(), p.role());
            return Optional.empty();
        }
        // Jobs belong to a name: a key whose name another principal holds (stored before names were checked, made
        // by two racing `keys create`, or a config edited since) would own that principal's jobs.
        Optional<String> holder = nameHolder(p);
        if (holder.isPresent()) {
            LOG.warn("API key {} ({}, {}) refused: its name is held by {}; revoke it (freight keys revoke {})",
                    entry.get().id(), p.name(), describe(p), holder.get(), entry.get().id());
            return Optional.empty();
        }
        if (cache.size() >= CACHE_MAX) {
            cache.values().removeIf(c -> !now.isBefore(c.expiresAt()));
            if (cache.size() >= CACHE_MAX) cache.clear();
        }
        cache.put(cacheKey, new Cached(p, now.plus(ttl)));
        try {
            store.touch(entry.get().id());
        } catch (RuntimeException e) {
            LOG.debug("last_used_at of API key {} not updated: {}", entry.get().id(), e.getMessage());
        }
        return Optional.of(p);
    }

    /**
     * What names a key in a shared URL (a signed link) without being usable for anything else: the first 16 bytes
     * of the SHA-256 of the key's lower-case SHA-256 hex, as 32 hex characters. Neither the key nor its hash (which
     * signs in a session check) can be had from it; the job store keeps it beside the hash (migration V8), which
     * is also why it hashes the hex text: the migration computes it in SQL from the stored hex.
     */
    public static String fingerprint(String sha256Hex) {
        byte[] digest = AdminKey.sha256(sha256Hex.toLowerCase(java.util.Locale.ROOT));
        return HexFormat.of().formatHex(digest, 0, 16);
    }

    // ---- one name, one principal ------------------------------------------------------------------------------

    /**
     * Who else holds {@code p}'s name with another role or other attributes, if anyone: jobs, limits and idempotency
     * keys belong to a name, so every key of one name must stand for the same principal. The built-in admin holds
     * {@value AdminKey#PRINCIPAL}; then the config's keys hold their names; then the oldest active stored key.
     */
    public Optional<String> nameHolder(Principal p) {
        if (p.name().equals(AdminKey.PRINCIPAL)) return Optional.of("the node's built-in admin key");
        for (ConfigKey k : configKeys) {
            if (k.principal().name().equals(p.name())) {
                return k.principal().equals(p) ? Optional.empty()
                        : Optional.of("the config's " + k.at() + " (" + describe(k.principal()) + ")");
            }
        }
        if (store == null) return Optional.empty();
        List<StoredApiKeys.Entry> named = store.activeNamed(p.name());
        if (named.isEmpty() || named.get(0).principal().equals(p)) return Optional.empty();
        return Optional.of("key " + named.get(0).id() + " (" + describe(named.get(0).principal()) + ")");
    }

    /**
     * The principal a schedule saved as {@code saved} runs as today: the one that holds its name now (its role and
     * attributes of today), the saved one when no key ever held the name (an owner named by the operator), and none
     * when the name's keys were all revoked: a principal locked out must not go on exporting through its schedules.
     * A name left only by a config key taken out of the file is not known here, and runs as saved.
     */
    public Optional<Principal> scheduleOwner(Principal saved) {
        if (saved.name().equals(AdminKey.PRINCIPAL)) return Optional.of(saved);
        for (ConfigKey k : configKeys) {
            if (k.principal().name().equals(saved.name())) return Optional.of(k.principal());
        }
        if (store == null) return Optional.of(saved);
        List<StoredApiKeys.Entry> named = store.activeNamed(saved.name());
        if (!named.isEmpty()) {
            Principal p = named.get(0).principal();
            return roles.contains(p.role()) ? Optional.of(p) : Optional.empty();
        }
        return store.anyRevokedNamed(saved.name()) ? Optional.empty() : Optional.of(saved);
    }

    /** "role analyst, attributes tenant_id=42" or "role user, no attributes". */
    public static String describe(Principal p) {
        return ApiKeyConfig.describe(p.role(), p.attributes());
    }

    // ---- keys, hashes, roles ----------------------------------------------------------------------------------

    /** A new random key: {@code frt_} and 32 random bytes, base64url (as the admin key). */
    public static String newKey() {
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(StoredApiKeys.randomBytes(32));
    }

    /** The lower-case SHA-256 hex of a key: what the config's {@code sha256} and the job store hold. */
    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(AdminKey.sha256(key));
    }

    /** A principal for a new key, checked as the config's keys are; a problem is an InvalidRequestException. */
    public static Principal principal(String name, String role, Map<String, String> attributes, Set<String> roles) {
        String problem = ApiKeyConfig.nameProblem(name);
        if (problem != null) throw new InvalidRequestException(ProblemCode.INVALID_NAME, "name", problem);
        if (!roles.contains(role)) {
            throw new InvalidRequestException(ProblemCode.UNKNOWN_ROLE, "role", RolesConfig.unknownRole(role, roles));
        }
        for (String attribute : attributes.keySet()) {
            String invalid = ApiKeyConfig.attributeProblem(attribute);
            if (invalid != null) throw new InvalidRequestException(ProblemCode.INVALID_ATTRIBUTE, "attr", invalid);
        }
        return new Principal(name, role, attributes);
    }

    // ---- the config's api_keys ----------------------------------------------------------------------------------

    /** The config's keys, validated there, with the principals they stand for. */
    static List<ConfigKey> configKeys(List<ApiKeyConfig> entries) {
        List<ConfigKey> keys = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            ApiKeyConfig k = entries.get(i);
            keys.add(new ConfigKey(new Principal(k.name(), k.role(), k.attributes()), HexFormat.of().parseHex(k.sha256()),
                    ApiKeyConfig.path(i)));
        }
        return keys;
    }
}
