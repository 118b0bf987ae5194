package dev.freight.auth;

import dev.freight.store.StoreSql;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Browser sessions of the web UI, in the job store's {@code ui_session} table (migration V6), so that every node
 * sharing the job store accepts them. The cookie value is 32 random bytes of which only the SHA-256 is stored; the
 * session remembers the SHA-256 of the API key it was opened with, never the key, and the caller checks that hash
 * again on every request (a revoked key ends its sessions). A session lives {@link #ttl()} from sign-in, not from
 * the last request: a stolen cookie is worth a bounded time.
 */
public final class Sessions {
    public static final String COOKIE = "freight_session";
    public static final Duration DEFAULT_TTL = Duration.ofHours(12);
    /** last_seen_at is written at most this often per session: it is for people, not for security. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

    /** One open session; {@code csrfToken} must accompany every state-changing request made with its cookie. */
    public record Session(String idSha256, String keySha256, String csrfToken, Instant createdAt, Instant expiresAt) {
    }

    /** A new session and the cookie value that stands for it (known only to the browser from now on). */
    public record Created(String cookie, Session session) {
    }

    /** Null when disabled. A failure is a job store problem, answered as one (503 over HTTP), not as no session. */
    private final StoreSql sql;
    private final Clock clock;
    private final Duration ttl;

    public Sessions(DataSource pool, Clock clock, Duration ttl) {
        this.sql = pool == null ? null : new StoreSql(pool, "sessions");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("session ttl must be positive");
    }

    /** No session store: the UI cannot sign in; API keys work as ever. */
    public static Sessions disabled() {
        return new Sessions(null, Clock.systemUTC(), DEFAULT_TTL);
    }

    public boolean enabled() {
        return sql != null;
    }

    public Duration ttl() {
        return ttl;
    }

    /** Opens a session for the API key with this SHA-256 (hex); the caller has authenticated the key. */
    public Created create(String keySha256Hex) {
        requireEnabled();
        String cookie = randomToken();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Session s = new Session(sha256Hex(cookie), keySha256Hex, randomToken(), now, now.plus(ttl));
        sql.update("INSERT INTO ui_session (id_sha256, key_sha256, csrf_token, created_at, expires_at, last_seen_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?)", s.idSha256(), s.keySha256(), s.csrfToken(), StoreSql.utc(now),
                StoreSql.utc(s.expiresAt()), StoreSql.utc(now));
        return new Created(cookie, s);
    }

    /** The open session of this cookie value; an expired one is deleted on the way. */
    public Optional<Session> find(String cookie) {
        if (!enabled() || cookie == null || !TOKEN.matcher(cookie).matches()) return Optional.empty();
        String id = sha256Hex(cookie);
        Instant now = clock.instant();
        record Found(Session session, Instant lastSeen) {
        }
        Optional<Found> found = sql.queryOne("SELECT key_sha256, csrf_token, created_at, expires_at, last_seen_at "
                + "FROM ui_session WHERE id_sha256 = ?", rs -> new Found(new Session(id, rs.getString("key_sha256").trim(),
                rs.getString("csrf_token"), StoreSql.instant(rs, "created_at"), StoreSql.instant(rs, "expires_at")),
                StoreSql.instant(rs, "last_seen_at")), id);
        if (found.isEmpty()) return Optional.empty();
        Session session = found.get().session();
        Instant lastSeen = found.get().lastSeen();
        if (!now.isBefore(session.expiresAt())) {
            deleteById(id);
            return Optional.empty();
        }
        if (lastSeen == null || lastSeen.plus(TOUCH_EVERY).isBefore(now)) {
            sql.update("UPDATE ui_session SET last_seen_at = ? WHERE id_sha256 = ?", StoreSql.utc(now), id);
        }
        return Optional.of(session);
    }

    /** Ends the session of this cookie value; whether there was one. */
    public boolean delete(String cookie) {
        if (!enabled() || cookie == null || !TOKEN.matcher(cookie).matches()) return false;
        return deleteById(sha256Hex(cookie));
    }

    /** Deletes every expired session; the number deleted. Safe on every node at once. */
    public int purgeExpired() {
        if (!enabled()) return 0;
        return sql.update("DELETE FROM ui_session WHERE expires_at <= ?", StoreSql.utc(clock.instant()));
    }

    private boolean deleteById(String id) {
        return sql.update("DELETE FROM ui_session WHERE id_sha256 = ?", id) > 0;
    }

    private void requireEnabled() {
        if (!enabled()) throw new IllegalStateException("sessions are not enabled on this server");
    }

    /** 32 random bytes, base64url without padding (43 characters). */
    static String randomToken() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(StoredApiKeys.randomBytes(32));
    }

    private static String sha256Hex(String s) {
        return HexFormat.of().formatHex(AdminKey.sha256(s));
    }
}
