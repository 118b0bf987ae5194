package dev.freight.auth;

import dev.freight.store.StoreException;
import dev.freight.store.StoreSql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin API key of every node on a job store. Its SHA-256 lives in the job store's {@code node_admin_key} table
 * (migration V7), never the key: the first node to start generates a key, stores its hash and hands the plaintext
 * back once so that {@code serve} can print it; every later node on that job store uses the same hash, so the admin's
 * key, browser sessions and signed links work on all of them. {@link #rotate} replaces it.
 *
 * <p>The hash is read again after {@link ApiKeys#CACHE_TTL}, as stored keys are: a rotation reaches every node
 * within that time.
 */
public final class AdminKey implements ApiKeyCheck {
    private static final Logger LOG = LoggerFactory.getLogger(AdminKey.class);
    public static final String PRINCIPAL = dev.freight.config.ApiKeyConfig.ADMIN_KEY_NAME;
    /** Where a node kept the admin key's hash before the job store did; moved into an empty job store at start. */
    public static final String FILE_NAME = "admin-key.sha256";

    /** The stored admin key: its SHA-256 and when it was made. */
    public record Stored(byte[] sha256, Instant createdAt) {
    }

    private record Read(Optional<byte[]> hash, Instant at) {
    }

    private final DataSource pool;
    private final Clock clock;
    private final Duration cacheTtl;
    private final String newKey;
    private volatile Read current;

    private AdminKey(DataSource pool, Clock clock, Duration cacheTtl, String newKey, byte[] hash) {
        this.pool = pool;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cacheTtl = Objects.requireNonNull(cacheTtl, "cacheTtl");
        this.newKey = newKey;
        this.current = new Read(Optional.of(hash), clock.instant());
    }

    /** {@link #loadOrCreate(DataSource, Path, Clock, Duration)} on the system clock, re-read as keys are. */
    public static AdminKey loadOrCreate(DataSource pool, Path dataDir) {
        return loadOrCreate(pool, dataDir, Clock.systemUTC(), ApiKeys.CACHE_TTL);
    }

    /**
     * The job store's admin key, created when there is none: from {@code <dataDir>/admin-key.sha256} when this node
     * has one from before (its key keeps working), else a new random key ({@link #newKey()}).
     */
    public static AdminKey loadOrCreate(DataSource pool, Path dataDir, Clock clock, Duration cacheTtl) {
        Path file = dataDir.resolve(FILE_NAME);
        Optional<Stored> stored = stored(pool);
        if (stored.isPresent()) {
            warnIfDifferent(file, stored.get().sha256());
            return new AdminKey(pool, clock, cacheTtl, null, stored.get().sha256());
        }
        Optional<byte[]> local = readFile(file);
        if (local.isPresent()) {
            Instant created = modified(file).orElse(clock.instant());
            if (insert(pool, local.get(), created)) {
                LOG.info("the admin key of {} is now the admin key of every node on this job store", file);
                return new AdminKey(pool, clock, cacheTtl, null, local.get());
            }
            return raced(pool, clock, cacheTtl, file);
        }
        String key = ApiKeys.newKey();
        byte[] hash = sha256(key);
        if (insert(pool, hash, clock.instant())) return new AdminKey(pool, clock, cacheTtl, key, hash);
        return raced(pool, clock, cacheTtl, file);
    }

    /** Another node stored its key between our read and our insert: its key is the one. */
    private static AdminKey raced(DataSource pool, Clock clock, Duration cacheTtl, Path file) {
        Stored winner = stored(pool).orElseThrow(() -> new StoreException("job store (admin key): the admin key "
                + "could neither be stored nor read", null));
        warnIfDifferent(file, winner.sha256());
        return new AdminKey(pool, clock, cacheTtl, null, winner.sha256());
    }

    private static void warnIfDifferent(Path file, byte[] stored) {
        if (!Files.exists(file)) return;
        Optional<byte[]> local;
        try {
            local = readFile(file);
        } catch (IllegalStateException e) {
            local = Optional.empty();
        }
        if (local.isEmpty() || !MessageDigest.isEqual(local.get(), stored)) {
            LOG.warn("{} is not the admin key of this job store and is ignored: every node on the job store shares "
                    + "one admin key (freight keys rotate-admin makes a new one); delete the file", file);
        }
    }

    /**
     * Replaces the job store's admin key by a new one and returns it, the only time it is shown. Nodes refuse the old
     * key, its browser sessions and its signed links within {@link ApiKeys#CACHE_TTL}.
     */
    public static String rotate(DataSource pool, Clock clock) {
        String key = ApiKeys.newKey();
        byte[] hash = sha256(key);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        int updated = sql(pool).update("UPDATE node_admin_key SET key_sha256 = ?, created_at = ? WHERE id = 1",
                HexFormat.of().formatHex(hash), StoreSql.utc(now));
        if (updated == 0 && !insert(pool, hash, now)) return rotate(pool, clock);
        return key;
    }

    /** The job store's admin key, if a node has made one. */
    public static Optional<Stored> stored(DataSource pool) {
        return sql(pool).queryOne("SELECT key_sha256, created_at FROM node_admin_key WHERE id = 1",
                rs -> new Stored(HexFormat.of().parseHex(rs.getString("key_sha256").trim()),
                        StoreSql.instant(rs, "created_at")));
    }

    /** Stores the first admin key; false when a row is there already (another node was first). */
    private static boolean insert(DataSource pool, byte[] hash, Instant createdAt) {
        try {
            sql(pool).update("INSERT INTO node_admin_key (id, key_sha256, created_at) VALUES (1, ?, ?)",
                    HexFormat.of().formatHex(hash), StoreSql.utc(createdAt.truncatedTo(ChronoUnit.MICROS)));
            return true;
        } catch (StoreException e) {
            if (stored(pool).isPresent()) return false;
            throw e;
        }
    }

    private static Optional<byte[]> readFile(Path file) {
        if (!Files.exists(file)) return Optional.empty();
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (!text.matches("[0-9a-f]{64}")) {
                throw new IllegalStateException("admin key file " + file + " is not a SHA-256 hex digest; delete it "
                        + "to generate a new admin key");
            }
            return Optional.of(HexFormat.of().parseHex(text));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the admin key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file was written once, when its key was generated, so its modification time is that moment. */
    private static Optional<Instant> modified(Path file) {
        try {
            return Optional.of(Files.getLastModifiedTime(file).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The plaintext key, only on the start that generated it. */
    public Optional<String> newKey() {
        return Optional.ofNullable(newKey);
    }

    @Override
    public Optional<Principal> authenticate(String bearerToken) {
        if (bearerToken == null) return Optional.empty();
        return authenticateHash(sha256(bearerToken));
    }

    @Override
    public Optional<Principal> authenticateHash(byte[] sha256) {
        if (sha256 == null) return Optional.empty();
        Optional<byte[]> hash = hash();
        // Comparing digests of equal length in constant time: nothing about the stored hash leaks through timing.
        return hash.isPresent() && MessageDigest.isEqual(sha256, hash.get())
                ? Optional.of(Principal.admin(PRINCIPAL)) : Optional.empty();
    }

    @Override
    public Optional<Principal> authenticateFingerprint(String fingerprint) {
        if (fingerprint == null) return Optional.empty();
        Optional<byte[]> hash = hash();
        return hash.isPresent() && ApiKeys.fingerprint(HexFormat.of().formatHex(hash.get())).equals(fingerprint)
                ? Optional.of(Principal.admin(PRINCIPAL)) : Optional.empty();
    }

    private Optional<byte[]> hash() {
        Read read = current;
        Instant now = clock.instant();
        if (now.isBefore(read.at().plus(cacheTtl))) return read.hash();
        Read fresh;
        try {
            fresh = new Read(stored(pool).map(Stored::sha256), now);
        } catch (StoreException e) {
            // No rotation can happen while the job store is away: the key known last still holds, and requests with
            // config keys keep working instead of failing on the admin check.
            LOG.warn("admin key not re-read, the one read at {} holds: {}", read.at(), e.getMessage());
            fresh = new Read(read.hash(), now);
        }
        current = fresh;
        return fresh.hash();
    }

    public static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static StoreSql sql(DataSource pool) {
        return new StoreSql(pool, "admin key");
    }
}
