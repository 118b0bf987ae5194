package dev.freight.auth;

import dev.freight.store.StoreException;

import javax.sql.DataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * API keys created at run time, in the job store's {@code api_key} table (migrations V4, V8): only their SHA-256 hex
 * (and the {@link ApiKeys#fingerprint fingerprint} signed links name them by) is stored. Every node sharing the job
 * store knows them; revoking one marks it, it is never deleted.
 */
public final class StoredApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One stored key, without its hash (nothing outside this class needs it). */
    public record Entry(String id, Principal principal, Instant createdAt, Instant revokedAt, Instant lastUsedAt) {
        public boolean revoked() {
            return revokedAt != null;
        }
    }

    private final DataSource pool;
    private final Clock clock;

    public StoredApiKeys(DataSource pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    public StoredApiKeys(DataSource pool) {
        this(pool, Clock.systemUTC());
    }

    /** Stores the key's hash for {@code principal}; the caller has checked the role. */
    public Entry create(Principal principal, String sha256Hex) {
        String id = "key_" + HexFormat.of().formatHex(randomBytes(8));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO api_key (id, name, role, attributes, key_sha256, key_fingerprint, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, id);
            s.setString(2, principal.name());
            s.setString(3, principal.role());
            s.setString(4, principal.attributesJson());
            s.setString(5, sha256Hex);
            s.setString(6, ApiKeys.fingerprint(sha256Hex));
            s.setObject(7, now.atOffset(ZoneOffset.UTC));
            s.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
        return new Entry(id, principal, now, null, null);
    }

    /** The active (not revoked) key with this hash. */
    public Optional<Entry> findActive(String sha256Hex) {
        List<Entry> found = query("SELECT id, name, role, attributes, created_at, revoked_at, last_used_at FROM api_key "
                + "WHERE key_sha256 = ? AND revoked_at IS NULL", sha256Hex);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** The active key with this {@link ApiKeys#fingerprint fingerprint} (the key a signed link names). */
    public Optional<Entry> findActiveByFingerprint(String fingerprint) {
        List<Entry> found = query("SELECT id, name, role, attributes, created_at, revoked_at, last_used_at FROM api_key "
                + "WHERE key_fingerprint = ? AND revoked_at IS NULL", fingerprint);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** The active keys of this name, oldest first (the oldest holds the name). */
    public List<Entry> activeNamed(String name) {
        return query("SELECT id, name, role, attributes, created_at, revoked_at, last_used_at FROM api_key "
                + "WHERE name = ? AND revoked_at IS NULL ORDER BY created_at, id", name);
    }

    /** Every stored key, revoked ones included, oldest first. */
    public List<Entry> list() {
        return query("SELECT id, name, role, attributes, created_at, revoked_at, last_used_at FROM api_key "
                + "ORDER BY created_at, id");
    }

    /** Revokes the active key with this id, or every active key with this name; the number revoked. */
    public int revoke(String nameOrId) {
        return update("UPDATE api_key SET revoked_at = ? WHERE revoked_at IS NULL AND (id = ? OR name = ?)",
                clock.instant().atOffset(ZoneOffset.UTC), nameOrId, nameOrId);
    }

    /** Remembers when a key was last used (called at most once per cache period per key). */
    public void touch(String id) {
        update("UPDATE api_key SET last_used_at = ? WHERE id = ?", clock.instant().atOffset(ZoneOffset.UTC), id);
    }

    private List<Entry> query(String sql, Object... params) {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) s.setObject(i + 1, params[i]);
            List<Entry> entries = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    entries.add(new Entry(rs.getString("id"), new Principal(rs.getString("name"), rs.getString("role"),
                            attributes(rs.getString("attributes"))), instant(rs, "created_at"), instant(rs, "revoked_at"),
                            instant(rs, "last_used_at")));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private int update(String sql, Object... params) {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) s.setObject(i + 1, params[i]);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static Map<String, String> attributes(String json) throws SQLException {
        try {
            return Principal.attributesFromJson(json);
        } catch (IllegalArgumentException e) {
            throw new SQLException("api_key.attributes: " + e.getMessage(), e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** A job store problem, answered like any other (503 over HTTP), not as a bad key. */
    private static StoreException failure(Exception e) {
        return new StoreException("job store (api keys): " + e.getMessage(), e);
    }
}
