package dev.freight.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.config.ConfigException;
import dev.freight.config.FreightConfig;
import dev.freight.config.RawSection;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Set<String> ENTRY_KEYS = Set.of("name", "sha256", "role", "attributes");
    private static final String ORIGIN = "configuration";

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

    /** The config's keys (validated: a problem is a {@link ConfigException}) and, when given, the job store's. */
    public static ApiKeys load(FreightConfig config, StoredApiKeys store) {
        return load(config, store, CACHE_TTL);
    }

    public static ApiKeys load(FreightConfig config, StoredApiKeys store, Duration cacheTtl) {
        return load(config, store, cacheTtl, Clock.systemUTC());
    }

    /** {@code clock}: what the cache's {@code cacheTtl} is measured on. */
    public static ApiKeys load(FreightConfig config, StoredApiKeys store, Duration cacheTtl, Clock clock) {
        Set<String> roles = roleNames(config.roles());
        return new ApiKeys(parse(config.apiKeys(), roles), store, roles, cacheTtl, clock);
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

    /** "role analyst, attributes tenant_id=42" or "role user, no attributes". */
    public static String describe(Principal p) {
        return "role " + p.role() + ", " + (p.attributes().isEmpty() ? "no attributes" : "attributes "
                + p.attributes().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining(",")));
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

    /** {@code admin}, {@code user} and the roles the config defines (the keys of its {@code roles}). */
    public static Set<String> roleNames(RawSection roles) {
        Set<String> names = new LinkedHashSet<>(List.of(Principal.ADMIN, Principal.USER));
        JsonNode node = roles.node();
        if (node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) names.add(it.next());
        }
        return names;
    }

    /** A principal for a new key, checked as the config's keys are; a problem is an InvalidRequestException. */
    public static Principal principal(String name, String role, Map<String, String> attributes, Set<String> roles) {
        String problem = nameProblem(name);
        if (problem != null) throw new InvalidRequestException(ProblemCode.INVALID_NAME, "name", problem);
        if (!roles.contains(role)) throw new InvalidRequestException(ProblemCode.UNKNOWN_ROLE, "role", unknownRole(role, roles));
        for (String attribute : attributes.keySet()) {
            if (!ATTRIBUTE.matcher(attribute).matches()) {
                throw new InvalidRequestException(ProblemCode.INVALID_ATTRIBUTE, "attr", attributeProblem(attribute));
            }
        }
        return new Principal(name, role, attributes);
    }

    private static String unknownRole(String role, Set<String> roles) {
        return Messages.unknown("role", role, roles);
    }

    private static String attributeProblem(String attribute) {
        return "invalid attribute name '" + attribute + "': use letters, digits and _ (it is bound as :"
                + "name in row filters)";
    }

    private static String nameProblem(String name) {
        if (name == null || name.isBlank()) return "a key needs a name (the principal that owns its jobs)";
        if (name.equals(AdminKey.PRINCIPAL)) {
            return "'" + AdminKey.PRINCIPAL + "' is the name of the node's built-in admin key, and jobs belong to a "
                    + "name: choose another (a key of role admin may have any other name)";
        }
        if (name.length() > 200) return "name is longer than 200 characters";
        if (name.chars().anyMatch(Character::isISOControl)) return "name must not contain control characters";
        if (!name.equals(name.strip())) return "name must not begin or end with spaces";
        return null;
    }

    // ---- the config's api_keys ----------------------------------------------------------------------------------

    static List<ConfigKey> parse(RawSection section, Set<String> roles) {
        JsonNode node = section.node();
        if (node.isObject() && node.isEmpty()) return List.of();
        if (!node.isArray()) {
            throw new ConfigException(ORIGIN, "api_keys", "expected a list of keys (- name: …, sha256: …, role: …)");
        }
        List<ConfigKey> keys = new ArrayList<>();
        Map<String, String> seenHashes = new LinkedHashMap<>();
        Map<String, ConfigKey> seenNames = new LinkedHashMap<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "api_keys[" + i + "]";
            JsonNode entry = node.get(i);
            if (!entry.isObject()) throw new ConfigException(ORIGIN, at, "expected a mapping with name, sha256 and role");
            if (entry.has("key")) {
                throw new ConfigException(ORIGIN, at + ".key", "plaintext keys are not accepted in the config; write "
                        + "its hash instead: sha256: <the output of ./freight keys hash <key>>");
            }
            for (Iterator<String> it = entry.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!ENTRY_KEYS.contains(field)) {
                    throw new ConfigException(ORIGIN, at + "." + field, "unknown key; keys of an API key: name, sha256, "
                            + "role, attributes");
                }
            }
            String name = text(entry, "name");
            String problem = nameProblem(name);
            if (problem != null) throw new ConfigException(ORIGIN, at + ".name", problem);
            String sha = text(entry, "sha256");
            if (sha == null || !HEX64.matcher(sha).matches()) {
                throw new ConfigException(ORIGIN, at + ".sha256", "expected the SHA-256 of the key as 64 hex characters"
                        + " (./freight keys hash <key>)" + (sha == null ? "" : ", got " + sha.length() + " characters"));
            }
            sha = sha.toLowerCase(java.util.Locale.ROOT);
            if (seenHashes.containsKey(sha)) {
                throw new ConfigException(ORIGIN, at + ".sha256", "the same key as " + seenHashes.get(sha));
            }
            seenHashes.put(sha, at);
            String role = text(entry, "role");
            if (role == null) {
                throw new ConfigException(ORIGIN, at + ".role", "missing: one of " + String.join(", ", roles));
            }
            if (!roles.contains(role)) throw new ConfigException(ORIGIN, at + ".role", unknownRole(role, roles));
            Map<String, String> attributes = new LinkedHashMap<>();
            JsonNode attrs = entry.get("attributes");
            if (attrs != null && !attrs.isNull()) {
                if (!attrs.isObject()) {
                    throw new ConfigException(ORIGIN, at + ".attributes", "expected a mapping of names to values, e.g. "
                            + "{ tenant_id: \"42\" }");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> a = it.next();
                    String key = at + ".attributes." + a.getKey();
                    if (!ATTRIBUTE.matcher(a.getKey()).matches()) {
                        throw new ConfigException(ORIGIN, key, attributeProblem(a.getKey()));
                    }
                    if (!a.getValue().isTextual()) throw new ConfigException(ORIGIN, key, "expected a single value");
                    attributes.put(a.getKey(), a.getValue().textValue());
                }
            }
            Principal principal = new Principal(name, role, attributes);
            ConfigKey same = seenNames.putIfAbsent(name, new ConfigKey(principal, HexFormat.of().parseHex(sha), at));
            if (same != null && !same.principal().equals(principal)) {
                throw new ConfigException(ORIGIN, at + ".name", "'" + name + "' is also the name of " + same.at()
                        + " (" + describe(same.principal()) + "): keys of one name own the same jobs, so they need "
                        + "the same role and attributes, or another name");
            }
            keys.add(new ConfigKey(principal, HexFormat.of().parseHex(sha), at));
        }
        return keys;
    }

    private static String text(JsonNode entry, String field) {
        JsonNode v = entry.get(field);
        return v == null || !v.isTextual() || v.textValue().isEmpty() ? null : v.textValue();
    }
}
