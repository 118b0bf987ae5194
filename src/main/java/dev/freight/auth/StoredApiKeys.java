package dev.freight.auth;

import dev.freight.store.StoreSql;

import javax.sql.DataSource;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
    private static final String COLUMNS = "id, name, role, attributes, created_at, revoked_at, last_used_at";

    /** One stored key, without its hash (nothing outside this class needs it). */
    public record Entry(String id, Principal principal, Instant createdAt, Instant revokedAt, Instant lastUsedAt) {
        public boolean revoked() {
            return revokedAt != null;
        }
    }

    /** A failure is a job store problem, answered like any other (503 over HTTP), not as a bad key. */
    private final StoreSql sql;
    private final Clock clock;

    public StoredApiKeys(DataSource pool, Clock clock) {
        this.sql = new StoreSql(pool, "api keys");
        this.clock = clock;
    }

    public StoredApiKeys(DataSource pool) {
        this(pool, Clock.systemUTC());
    }

    /** Stores the key's hash for {@code principal}; the caller has checked the role. */
    public Entry create(Principal principal, String sha256Hex) {
        String id = "key_" + HexFormat.of().formatHex(randomBytes(8));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        sql.update("INSERT INTO api_key (id, name, role, attributes, key_sha256, key_fingerprint, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)", id, principal.name(), principal.role(), principal.attributesJson(),
                sha256Hex, ApiKeys.fingerprint(sha256Hex), StoreSql.utc(now));
        return new Entry(id, principal, now, null, null);
    }

    /** The active (not revoked) key with this hash. */
    public Optional<Entry> findActive(String sha256Hex) {
        return sql.queryOne("SELECT " + COLUMNS + " FROM api_key WHERE key_sha256 = ? AND revoked_at IS NULL",
                StoredApiKeys::read, sha256Hex);
    }

    /** The active key with this {@link ApiKeys#fingerprint fingerprint} (the key a signed link names). */
    public Optional<Entry> findActiveByFingerprint(String fingerprint) {
        return sql.queryOne("SELECT " + COLUMNS + " FROM api_key WHERE key_fingerprint = ? AND revoked_at IS NULL",
                StoredApiKeys::read, fingerprint);
    }

    /** The active keys of this name, oldest first (the oldest holds the name). */
    public List<Entry> activeNamed(String name) {
        return sql.query("SELECT " + COLUMNS + " FROM api_key WHERE name = ? AND revoked_at IS NULL "
                + "ORDER BY created_at, id", StoredApiKeys::read, name);
    }

    /** Whether a key of this name was stored and revoked. */
    public boolean anyRevokedNamed(String name) {
        return sql.queryOne("SELECT id FROM api_key WHERE name = ? AND revoked_at IS NOT NULL FETCH FIRST 1 ROWS ONLY",
                rs -> rs.getString(1), name).isPresent();
    }

    /** Every stored key, revoked ones included, oldest first. */
    public List<Entry> list() {
        return sql.query("SELECT " + COLUMNS + " FROM api_key ORDER BY created_at, id", StoredApiKeys::read);
    }

    /** Revokes the active key with this id, or every active key with this name; the number revoked. */
    public int revoke(String nameOrId) {
        return sql.update("UPDATE api_key SET revoked_at = ? WHERE revoked_at IS NULL AND (id = ? OR name = ?)",
                StoreSql.utc(clock.instant()), nameOrId, nameOrId);
    }

    /** Remembers when a key was last used (called at most once per cache period per key). */
    public void touch(String id) {
        sql.update("UPDATE api_key SET last_used_at = ? WHERE id = ?", StoreSql.utc(clock.instant()), id);
    }

    private static Entry read(ResultSet rs) throws SQLException {
        return new Entry(rs.getString("id"), new Principal(rs.getString("name"), rs.getString("role"),
                attributes(rs.getString("attributes"))), StoreSql.instant(rs, "created_at"),
                StoreSql.instant(rs, "revoked_at"), StoreSql.instant(rs, "last_used_at"));
    }

    private static Map<String, String> attributes(String json) throws SQLException {
        try {
            return Principal.attributesFromJson(json);
        } catch (IllegalArgumentException e) {
            throw new SQLException("api_key.attributes: " + e.getMessage(), e);
        }
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
