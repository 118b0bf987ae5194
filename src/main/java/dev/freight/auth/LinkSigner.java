package dev.freight.auth;

import dev.freight.config.Secret;
import dev.freight.config.SignedLinksConfig;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Signs and verifies short-lived download links. A token is {@code base64url(payload) "." base64url(mac)}: the
 * payload names the token version, the job, the principal who asked for the link, the {@link ApiKeys#fingerprint
 * fingerprint} of the API key that asked (so that the download can refuse a link whose key was revoked since) and
 * the expiry (epoch seconds); the mac is HMAC-SHA256 over the payload's bytes. The current key signs; the current
 * and the previous keys verify, so a signing key can be rotated without breaking the links already handed out.
 *
 * <p>Version 1 tokens, which named no API key, are {@link Status#OUTDATED}: accepting them would let a revoked key's
 * links work until they expire, and they expire within {@code max_ttl} (24 h at most) anyway.
 */
public final class LinkSigner {
    public static final String KEY_FILE = "link-key";
    public static final int MIN_KEY_BYTES = 32;
    /**
     * The "key" of a link sent by a delivery (webhook, email): no API key asked for it, so none can revoke it. It
     * works until the file expires (or the job is deleted, or the signing key is rotated out).
     */
    public static final String DELIVERY_FINGERPRINT = "00000000000000000000000000000000";
    private static final String VERSION = "v2";
    private static final String VERSION_WITHOUT_KEY = "v1";
    private static final java.util.regex.Pattern FINGERPRINT = java.util.regex.Pattern.compile("[0-9a-f]{32}");
    private static final String ALGORITHM = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();
    /** Tokens are short; anything much longer is not one of ours and is not worth decoding. */
    private static final int MAX_TOKEN_CHARS = 2048;

    private static final LinkSigner DISABLED = new LinkSigner(List.of(), SignedLinksConfig.DEFAULT_TTL,
            SignedLinksConfig.MAX_TTL, Clock.systemUTC());

    /** A signed link's token and when it stops working. */
    public record Link(String token, Instant expiresAt) {
    }

    /** OUTDATED: genuine, but of a version that names no API key (refused, see above). */
    public enum Status { VALID, INVALID, EXPIRED, OUTDATED }

    /**
     * What a token says, once checked: {@code principal}, {@code keyFingerprint} and {@code expiresAt} only for a
     * genuine token of this version.
     */
    public record Verification(Status status, String principal, String keyFingerprint, Instant expiresAt) {
        static final Verification INVALID = new Verification(Status.INVALID, null, null, null);
        static final Verification OUTDATED = new Verification(Status.OUTDATED, null, null, null);
    }

    private final List<byte[]> keys;
    private final Duration defaultTtl;
    private final Duration maxTtl;
    private final Clock clock;

    /** {@code keys}: the signing key first, then keys that only verify. */
    public LinkSigner(List<byte[]> keys, Duration defaultTtl, Duration maxTtl, Clock clock) {
        for (byte[] k : keys) {
            if (k.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("a link signing key must be at least " + MIN_KEY_BYTES + " bytes");
            }
        }
        this.keys = keys.stream().map(byte[]::clone).toList();
        this.defaultTtl = Objects.requireNonNull(defaultTtl, "defaultTtl");
        this.maxTtl = Objects.requireNonNull(maxTtl, "maxTtl");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (defaultTtl.compareTo(maxTtl) > 0) throw new IllegalArgumentException("default ttl above max ttl");
    }

    /** No key: every token is invalid and nothing can be signed (servers built without a config, in tests). */
    public static LinkSigner disabled() {
        return DISABLED;
    }

    /** From {@code server.signed_links}; without a configured key, the node's own key in {@code dataDir}. */
    public static LinkSigner fromConfig(SignedLinksConfig config, Path dataDir, Clock clock) {
        List<byte[]> keys = new ArrayList<>();
        keys.add(config.key().map(LinkSigner::bytes).orElseGet(() -> loadOrCreateKey(dataDir)));
        config.previousKeys().stream().map(LinkSigner::bytes).forEach(keys::add);
        return new LinkSigner(keys, config.defaultTtl(), config.maxTtl(), clock);
    }

    private static byte[] bytes(Secret s) {
        return s.reveal().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The node's generated key, created at first use with owner-only permissions. It is good for one node only:
     * behind a load balancer every node must share {@code server.signed_links.key}.
     */
    static byte[] loadOrCreateKey(Path dataDir) {
        return SecretFiles.loadOrCreateKey(dataDir, KEY_FILE, MIN_KEY_BYTES, "link key");
    }

    public boolean enabled() {
        return !keys.isEmpty();
    }

    public Duration defaultTtl() {
        return defaultTtl;
    }

    public Duration maxTtl() {
        return maxTtl;
    }

    /**
     * A link to the job's file for {@code principal}, asked for with the API key of this {@link ApiKeys#fingerprint
     * fingerprint}, valid for {@code ttl} (at most {@link #maxTtl()}).
     */
    public Link sign(String jobId, String principal, String keyFingerprint, Duration ttl) {
        if (!enabled()) throw new IllegalStateException("signed links are disabled: no key");
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(maxTtl) > 0) {
            throw new IllegalArgumentException("ttl must be positive and at most " + maxTtl);
        }
        checkField(jobId);
        checkField(principal);
        if (keyFingerprint == null || !FINGERPRINT.matcher(keyFingerprint).matches()) {
            throw new IllegalArgumentException("the key fingerprint must be 32 lower-case hex characters");
        }
        // Whole seconds, never later than asked.
        Instant expiresAt = clock.instant().plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        byte[] payload = String.join("\n", VERSION, jobId, principal, keyFingerprint,
                Long.toString(expiresAt.getEpochSecond())).getBytes(StandardCharsets.UTF_8);
        return new Link(B64.encodeToString(payload) + "." + B64.encodeToString(mac(keys.get(0), payload)), expiresAt);
    }

    /**
     * A link for a delivery (webhook, email) of the job's file to whoever receives it, valid until
     * {@code expiresAt}, the file's own expiry, however far that is ({@link #maxTtl()} bounds links that callers ask
     * for, not these). Its key is {@link #DELIVERY_FINGERPRINT}.
     */
    public Link signForDelivery(String jobId, String principal, Instant expiresAt) {
        if (!enabled()) throw new IllegalStateException("signed links are disabled: no key");
        checkField(jobId);
        checkField(principal);
        Instant until = expiresAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        byte[] payload = String.join("\n", VERSION, jobId, principal, DELIVERY_FINGERPRINT,
                Long.toString(until.getEpochSecond())).getBytes(StandardCharsets.UTF_8);
        return new Link(B64.encodeToString(payload) + "." + B64.encodeToString(mac(keys.get(0), payload)), until);
    }

    private static void checkField(String s) {
        if (s == null || s.isEmpty() || s.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("job id and principal must be non-empty single lines");
        }
    }

    /**
     * Checks a token for {@code jobId}: INVALID when it is malformed, not signed by any key here, or for another
     * job; OUTDATED when genuine but of version 1; EXPIRED when genuine but past its expiry. The signature is checked
     * before anything the token says is believed, and in constant time. Whether the key it names is still active is
     * for the caller to check.
     */
    public Verification verify(String token, String jobId) {
        if (token == null || token.length() > MAX_TOKEN_CHARS || keys.isEmpty()) return Verification.INVALID;
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) return Verification.INVALID;
        byte[] payload;
        byte[] given;
        try {
            payload = B64_DECODE.decode(token.substring(0, dot));
            given = B64_DECODE.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Verification.INVALID;
        }
        // Base64 leaves spare bits in the last character that decoders ignore: only the one spelling this signer
        // writes is accepted, so a link cannot be altered and still work.
        if (!B64.encodeToString(payload).equals(token.substring(0, dot))
                || !B64.encodeToString(given).equals(token.substring(dot + 1))) {
            return Verification.INVALID;
        }
        boolean genuine = false;
        for (byte[] key : keys) {
            // Every key is tried, so the time taken does not tell which one matched.
            genuine |= MessageDigest.isEqual(mac(key, payload), given);
        }
        if (!genuine) return Verification.INVALID;
        String[] fields = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
        if (fields[0].equals(VERSION_WITHOUT_KEY) && fields.length == 4 && fields[1].equals(jobId)) {
            return Verification.OUTDATED;
        }
        if (fields.length != 5 || !fields[0].equals(VERSION) || !fields[1].equals(jobId)
                || !FINGERPRINT.matcher(fields[3]).matches()) {
            return Verification.INVALID;
        }
        Instant expiresAt;
        try {
            expiresAt = Instant.ofEpochSecond(Long.parseLong(fields[4]));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return Verification.INVALID;
        }
        Status status = clock.instant().isBefore(expiresAt) ? Status.VALID : Status.EXPIRED;
        return new Verification(status, fields[2], fields[3], expiresAt);
    }

    private static byte[] mac(byte[] key, byte[] payload) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** Keys never print. */
    @Override
    public String toString() {
        return "LinkSigner[keys=" + keys.size() + ", defaultTtl=" + defaultTtl + ", maxTtl=" + maxTtl + "]";
    }
}
