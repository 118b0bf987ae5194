package dev.freight.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.auth.ApiKeyCheck;
import dev.freight.auth.ApiKeys;
import dev.freight.auth.Principal;
import dev.freight.auth.Sessions;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import io.javalin.http.Context;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sign-in, the current session and sign-out of the web UI ({@code /api/v1/session}), and how a request made with
 * the session cookie is authenticated. The cookie is HttpOnly and SameSite=Strict; requests that change anything
 * must also carry the session's CSRF token in {@code X-CSRF-Token}, which a page of another site cannot read.
 */
final class SessionRoutes {
    static final String PATH = FreightServer.API + "/session";
    static final String CSRF_HEADER = "X-CSRF-Token";

    /** A session whose API key still authenticates, and the principal of that key today. */
    record Resolved(Sessions.Session session, Principal principal) {
    }

    private final Sessions sessions;
    private final ApiKeyCheck keys;
    private final FreightServer.Settings settings;
    private final boolean secure;

    SessionRoutes(Sessions sessions, ApiKeyCheck keys, FreightServer.Settings settings) {
        this.sessions = sessions;
        this.keys = keys;
        this.settings = settings;
        // Behind an https proxy the browser must never send the cookie over plain http.
        this.secure = settings.publicUrl() != null && settings.publicUrl().regionMatches(true, 0, "https:", 0, 6);
    }

    /** POST /session {"api_key": "..."}: opens a session for a valid key. Needs no credentials and no CSRF token. */
    void signIn(Context ctx) throws IOException {
        requireEnabled();
        // A form of another site can POST text/plain but not JSON (that needs a CORS preflight, never granted):
        // no page elsewhere can sign a visitor's browser in, not even into an account of its own.
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith(Http.JSON)) {
            throw new ApiProblem(415, ProblemCode.UNSUPPORTED_MEDIA_TYPE, null, "send the body as Content-Type: "
                    + Http.JSON);
        }
        String key = apiKey(Http.body(ctx, settings.maxRequestBytes()));
        Optional<Principal> principal = keys.authenticate(key);
        if (principal.isEmpty()) throw FreightServer.unauthorized("invalid API key", true);
        Sessions.Created created = sessions.create(ApiKeys.sha256Hex(key));
        ctx.header("Set-Cookie", cookie(created.cookie(), sessions.ttl().toSeconds()));
        ctx.header("Cache-Control", "no-store");
        Http.json(ctx, 200, body(created.session(), principal.get()));
    }

    /** GET /session: who is signed in, with the CSRF token (the page reads it from here after a reload). */
    void current(Context ctx) {
        Resolved r = resolve(ctx).orElseThrow(this::noSession);
        ctx.header("Cache-Control", "no-store");
        Http.json(ctx, 200, body(r.session(), r.principal()));
    }

    /** DELETE /session: signs out, here and on every node (the row is gone). */
    void signOut(Context ctx) {
        Resolved r = resolve(ctx).orElseThrow(this::noSession);
        requireCsrf(ctx, r.session());
        sessions.delete(ctx.cookie(Sessions.COOKIE));
        ctx.header("Set-Cookie", cookie("", 0));
        ctx.status(204);
    }

    /** The session of the request's cookie, if it is open and its key still authenticates. */
    Optional<Resolved> resolve(Context ctx) {
        String cookie = ctx.cookie(Sessions.COOKIE);
        if (cookie == null || cookie.isEmpty()) return Optional.empty();
        Optional<Sessions.Session> session = sessions.find(cookie);
        if (session.isEmpty()) return Optional.empty();
        return keys.authenticateHash(HexFormat.of().parseHex(session.get().keySha256()))
                .map(p -> new Resolved(session.get(), p));
    }

    boolean hasCookie(Context ctx) {
        String cookie = ctx.cookie(Sessions.COOKIE);
        return cookie != null && !cookie.isEmpty();
    }

    /** 403 {@code csrf_failed} unless the request carries the session's CSRF token; compared in constant time. */
    static void requireCsrf(Context ctx, Sessions.Session session) {
        String given = ctx.header(CSRF_HEADER);
        boolean ok = given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                session.csrfToken().getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            throw new ApiProblem(403, ProblemCode.CSRF_FAILED, CSRF_HEADER, "a request made with the session cookie that "
                    + "changes anything needs the header " + CSRF_HEADER + " with the csrf_token of GET " + PATH);
        }
    }

    /** 401 for a missing, expired, signed-out or revoked session; the browser drops the stale cookie. */
    ApiProblem noSession() {
        return FreightServer.unauthorized("no session: sign in with POST " + PATH + " or send Authorization: Bearer "
                + "<api key>", false).withHeader("Set-Cookie", cookie("", 0));
    }

    private void requireEnabled() {
        if (!sessions.enabled()) throw ApiProblem.notFound("this server has no session store; use Authorization: "
                + "Bearer <api key>");
    }

    private String cookie(String value, long maxAgeSeconds) {
        return Sessions.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    private static String apiKey(byte[] body) {
        JsonNode root;
        try {
            root = body.length == 0 ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw ApiProblem.badRequest(ProblemCode.MALFORMED_JSON, null, "the request body is not valid JSON; expected "
                    + "{\"api_key\": \"frt_...\"}");
        }
        if (root == null || !root.isObject()) {
            throw ApiProblem.badRequest(ProblemCode.MALFORMED_JSON, null, "expected a JSON object {\"api_key\": \"frt_...\"}");
        }
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("api_key")) {
                throw ApiProblem.badRequest(ProblemCode.UNKNOWN_FIELD, field, Messages.unknown("field", field,
                        List.of("api_key")));
            }
        }
        JsonNode key = root.get("api_key");
        if (key == null || !key.isTextual() || key.textValue().isBlank()) {
            throw ApiProblem.badRequest(ProblemCode.INVALID_TYPE, "api_key", "api_key must be the API key, a non-empty string");
        }
        return key.textValue().trim();
    }

    private static Map<String, Object> body(Sessions.Session s, Principal p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("principal", p.name());
        m.put("role", p.role());
        m.put("admin", p.isAdmin());
        m.put("csrf_token", s.csrfToken());
        m.put("expires_at", s.expiresAt().toString());
        return m;
    }
}
