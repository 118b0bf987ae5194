package dev.freight.visual;

import dev.freight.auth.Principal;
import dev.freight.export.Renderer;
import dev.freight.export.VisualTarget;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The render page's credentials: a token signed (HMAC-SHA256, a key made when the node starts and never shown)
 * over one render's id, its target and its expiry, {@link #VALIDITY} after it was issued. The grant behind it,
 * kept only in this node's memory, holds whose data the page may fetch and for what: the page can be opened once
 * ({@link #open}), and its data fetched ({@link #grant}) only after that, before the expiry and while the render
 * lasts. The user's API key or session never reaches the browser, and a token works for nothing else.
 */
final class RenderTokens {
    static final Duration VALIDITY = Duration.ofSeconds(60);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** What a token lets the render page do. */
    record Grant(String renderId, VisualTarget target, Principal principal, Renderer.WidgetData data, Instant expires,
                 AtomicBoolean opened, String generatedAt) {
    }

    private final byte[] key = new byte[32];
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final Clock clock;

    RenderTokens(Clock clock) {
        this.clock = clock;
        new SecureRandom().nextBytes(key);
    }

    /** A new render's token; {@link #revoke} it when the render ends. */
    String issue(String renderId, VisualTarget target, Principal principal, Renderer.WidgetData data, String generatedAt) {
        Instant expires = clock.instant().plus(VALIDITY);
        grants.put(renderId, new Grant(renderId, target, principal, data, expires, new AtomicBoolean(), generatedAt));
        String body = B64.encodeToString((renderId + "\n" + target.id() + "\n" + expires.toEpochMilli())
                .getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(sign(body));
    }

    void revoke(String renderId) {
        grants.remove(renderId);
    }

    /** The page load: the grant when the token is valid for {@code target} and was not used to open a page before. */
    Optional<Grant> open(String token, String target) {
        Optional<Grant> g = valid(token).filter(grant -> grant.target().id().equals(target));
        return g.filter(grant -> grant.opened().compareAndSet(false, true));
    }

    /** The page's own requests: only once it was opened, with the same unexpired token. */
    Optional<Grant> grant(String token) {
        return valid(token).filter(g -> g.opened().get());
    }

    private Optional<Grant> valid(String token) {
        if (token == null) return Optional.empty();
        int dot = token.indexOf('.');
        if (dot < 1) return Optional.empty();
        String body = token.substring(0, dot);
        byte[] given;
        String[] parts;
        try {
            given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            parts = new String(Base64.getUrlDecoder().decode(body), StandardCharsets.UTF_8).split("\n", -1);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(given, sign(body)) || parts.length != 3) return Optional.empty();
        Grant g = grants.get(parts[0]);
        if (g == null || !g.target().id().equals(parts[1])) return Optional.empty();
        long expires;
        try {
            expires = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (expires != g.expires().toEpochMilli() || !clock.instant().isBefore(g.expires())) return Optional.empty();
        return Optional.of(g);
    }

    private byte[] sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
