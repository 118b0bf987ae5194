package dev.freight.http;

import dev.freight.error.ProblemCode;
import dev.freight.error.Messages;
import dev.freight.engine.ExportFailedException;
import dev.freight.job.JdbcJobStore;
import dev.freight.job.JobService;
import dev.freight.schedule.Schedules;
import dev.freight.store.StoreException;
import dev.freight.storage.StorageUnavailableException;
import dev.freight.job.Sweeper;
import dev.freight.error.InvalidRequestException;
import dev.freight.auth.ApiKeyCheck;
import dev.freight.auth.Principal;
import dev.freight.audit.AuditLog;
import dev.freight.auth.Authentication;
import dev.freight.job.JobGauges;
import dev.freight.source.SourceRegistry;
import dev.freight.source.SourceUnavailableException;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The REST API (DESIGN.md §4) on Javalin. It is built from ready components and reads no configuration itself;
 * it owns only the HTTP server: closing it stops serving, and the caller closes the job service, sources and
 * stores it passed in. Wiring, e.g. in {@code serve}:
 * <pre>{@code
 * AdminKey admin = AdminKey.loadOrCreate(jobStore.dataSource(), dataDir);
 * admin.newKey().ifPresent(k -> out.println("admin API key (shown once): " + k));
 * FreightServer server = new FreightServer(sources, jobService, sweeper, prometheus, runtime.auth.withKeys(admin),
 *         FreightServer.Settings.defaults().withHost(host).withPort(port).withSyncMaxRows(syncMaxRows)).start();
 * }</pre>
 * The constructor binds the job-store gauges ({@code freight_jobs}, {@code freight_queue_depth}) to the registry;
 * do not bind them again. A {@code null} worker pool in the job service makes an API-only node.
 */
public final class FreightServer implements AutoCloseable {
    static final String API = "/api/v1";
    static final String OPENAPI = API + "/openapi.json";
    private static final Logger LOG = LoggerFactory.getLogger(FreightServer.class);
    private static final List<String> METHOD_OVERRIDES = List.of("X-HTTP-Method-Override", "X-HTTP-Method",
            "X-Method-Override");
    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * HTTP settings; {@code port} 0 picks a free port (see {@link #port()}); {@code publicUrl} (may be null) is the
     * base of absolute links such as signed download links.
     */
    public record Settings(String host, int port, long syncMaxRows, long maxRequestBytes, Duration eventPollInterval,
                           String publicUrl, int maxEventStreams, int maxEventStreamsPerPrincipal) {
        /**
         * Each Server-Sent Events stream holds a server thread while it lasts: these caps keep subscribers from
         * taking the threads every other request needs (the web UI opens at most 3).
         */
        public static final int MAX_EVENT_STREAMS = 100;
        public static final int MAX_EVENT_STREAMS_PER_PRINCIPAL = 10;

        public Settings {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
            if (syncMaxRows < 0) throw new IllegalArgumentException("sync_max_rows must not be negative");
            if (maxRequestBytes < 1) throw new IllegalArgumentException("max request bytes must be positive");
            if (maxEventStreams < 1 || maxEventStreamsPerPrincipal < 1) {
                throw new IllegalArgumentException("event stream caps must be positive");
            }
        }

        public static Settings defaults() {
            return new Settings("127.0.0.1", 8080, 10_000, 1024 * 1024, Duration.ofMillis(250), null,
                    MAX_EVENT_STREAMS, MAX_EVENT_STREAMS_PER_PRINCIPAL);
        }

        public Settings withHost(String h) {
            return new Settings(h, port, syncMaxRows, maxRequestBytes, eventPollInterval, publicUrl, maxEventStreams,
                    maxEventStreamsPerPrincipal);
        }

        public Settings withPort(int p) {
            return new Settings(host, p, syncMaxRows, maxRequestBytes, eventPollInterval, publicUrl, maxEventStreams,
                    maxEventStreamsPerPrincipal);
        }

        public Settings withSyncMaxRows(long n) {
            return new Settings(host, port, n, maxRequestBytes, eventPollInterval, publicUrl, maxEventStreams,
                    maxEventStreamsPerPrincipal);
        }

        public Settings withMaxRequestBytes(long n) {
            return new Settings(host, port, syncMaxRows, n, eventPollInterval, publicUrl, maxEventStreams,
                    maxEventStreamsPerPrincipal);
        }

        public Settings withEventPollInterval(Duration d) {
            return new Settings(host, port, syncMaxRows, maxRequestBytes, d, publicUrl, maxEventStreams,
                    maxEventStreamsPerPrincipal);
        }

        /** {@code url}: e.g. https://freight.example.com, without a trailing slash; null for relative links. */
        public Settings withPublicUrl(String url) {
            return new Settings(host, port, syncMaxRows, maxRequestBytes, eventPollInterval, url, maxEventStreams,
                    maxEventStreamsPerPrincipal);
        }

        public Settings withEventStreamCaps(int total, int perPrincipal) {
            return new Settings(host, port, syncMaxRows, maxRequestBytes, eventPollInterval, publicUrl, total, perPrincipal);
        }
    }

    /** One registered route, as Javalin knows it. */
    public record Route(String method, String path) {
    }

    private final Settings settings;
    private final Javalin app;
    private final JobEvents events;
    private volatile boolean started;

    public FreightServer(SourceRegistry sources, JobService jobs, Sweeper sweeper, PrometheusMeterRegistry registry,
                         Authentication auth, Settings settings) {
        this(sources, jobs, sweeper, registry, auth, settings, Schedules.over((JdbcJobStore) jobs.store(), jobs));
    }

    public FreightServer(SourceRegistry sources, JobService jobs, Sweeper sweeper, PrometheusMeterRegistry registry,
                         Authentication auth, Settings settings, Schedules schedules) {
        this.settings = settings;
        JobGauges.bind(registry, jobs.store());
        AuditLog audit = jobs.exports().audit();
        CatalogRoutes catalog = new CatalogRoutes(jobs.exports());
        LimitGuard limits = new LimitGuard(jobs.exports().limits(), jobs);
        JobRoutes jobRoutes = new JobRoutes(jobs, settings, limits);
        LinkRoute links = new LinkRoute(jobs, auth.links(), auth.keys(), settings, limits, audit);
        DownloadRoute download = new DownloadRoute(jobs, sweeper, audit);
        AuditRoutes auditRoutes = new AuditRoutes(jobs, audit);
        ReportRoutes reports = new ReportRoutes(jobs.exports());
        ScheduleRoutes scheduleRoutes = new ScheduleRoutes(schedules, settings, limits);
        this.events = new JobEvents(jobs, settings.eventPollInterval(), settings.maxEventStreams(),
                settings.maxEventStreamsPerPrincipal());
        Health health = new Health(jobs, registry);
        SessionRoutes sessions = new SessionRoutes(auth.sessions(), auth.keys(), settings);
        this.app = Javalin.create(config -> {
            configure(config, settings);
            var r = config.routes;
            r.before(ctx -> begin(ctx, auth.keys(), links, sessions));
            r.get("/", WebUi::index);
            r.get("/health/live", health::live);
            r.get("/health/ready", health::ready);
            r.get("/metrics", health::metrics);
            r.get(OPENAPI, ctx -> ctx.contentType(Http.JSON).result(OpenApi.document()));
            r.get(API + "/export/formats", catalog::formats);
            r.get(API + "/export/tables", catalog::tables);
            r.get(API + "/export/tables/{dataset}/preview", catalog::preview);
            r.get(ReportRoutes.PATH, reports::list);
            r.get(ReportRoutes.PATH + "/{name}", reports::get);
            r.post(SessionRoutes.PATH, sessions::signIn);
            r.get(SessionRoutes.PATH, sessions::current);
            r.delete(SessionRoutes.PATH, sessions::signOut);
            r.post(API + "/export/estimate", jobRoutes::estimate);
            r.post(API + "/export/jobs", jobRoutes::create);
            r.get(API + "/export/jobs", jobRoutes::list);
            r.get(API + "/export/jobs/{id}", jobRoutes::get);
            r.delete(API + "/export/jobs/{id}", jobRoutes::delete);
            r.get(API + "/export/jobs/{id}/events", events::stream);
            r.get(API + "/export/jobs/{id}/download", download::download);
            r.head(API + "/export/jobs/{id}/download", download::download);
            r.post(API + "/export/jobs/{id}/cancel", jobRoutes::cancel);
            r.post(API + "/export/jobs/{id}/retry", jobRoutes::retry);
            r.get(API + "/audit", auditRoutes::list);
            r.post(API + "/export/jobs/{id}/link", links::create);
            r.get(ScheduleRoutes.PATH, scheduleRoutes::list);
            r.post(ScheduleRoutes.PATH, scheduleRoutes::create);
            r.get(ScheduleRoutes.PATH + "/preview", scheduleRoutes::preview);
            r.get(ScheduleRoutes.PATH + "/{id}", scheduleRoutes::get);
            r.put(ScheduleRoutes.PATH + "/{id}", scheduleRoutes::replace);
            r.delete(ScheduleRoutes.PATH + "/{id}", scheduleRoutes::delete);
            r.post(ScheduleRoutes.PATH + "/{id}/pause", scheduleRoutes::pause);
            r.post(ScheduleRoutes.PATH + "/{id}/resume", scheduleRoutes::resume);
            r.post(ScheduleRoutes.PATH + "/{id}/run", scheduleRoutes::run);

            r.exception(ApiProblem.class, (e, ctx) -> problem(ctx, e));
            r.exception(InvalidRequestException.class, (e, ctx) ->
                    problem(ctx, new ApiProblem(400, e.code(), e.field(), e.getMessage())));
            r.exception(dev.freight.error.ForbiddenRequestException.class, (e, ctx) ->
                    problem(ctx, new ApiProblem(403, e.code(), e.field(), e.getMessage())));
            r.exception(SourceUnavailableException.class, (e, ctx) ->
                    problem(ctx, new ApiProblem(503, ProblemCode.SOURCE_UNAVAILABLE, null, e.getMessage())
                            .withHeader("Retry-After", "5")));
            r.exception(ExportFailedException.class, (e, ctx) -> {
                // The caller reads a stable message; the log keeps the driver's whole text for the operator.
                LOG.warn("[{}] export failed before the first byte: {}", Http.requestId(ctx), e.operatorMessage());
                problem(ctx, new ApiProblem(status(e), e.code(), null, e.getMessage()));
            });
            r.exception(StorageUnavailableException.class, (e, ctx) -> {
                LOG.warn("[{}] file store unavailable: {}", Http.requestId(ctx), e.getMessage());
                problem(ctx, new ApiProblem(503, ProblemCode.STORAGE_UNAVAILABLE, null, "the file store is not "
                        + "available; try again shortly").withHeader("Retry-After", "5"));
            });
            r.exception(StoreException.class, (e, ctx) -> {
                LOG.error("[{}] job store unavailable: {}", Http.requestId(ctx), e.getMessage());
                problem(ctx, new ApiProblem(503, ProblemCode.JOB_STORE_UNAVAILABLE, null,
                        "the job store is not reachable; try again shortly").withHeader("Retry-After", "5"));
            });
            r.exception(HttpResponseException.class, (e, ctx) -> problem(ctx, fromJavalin(e, ctx)));
            r.exception(Exception.class, (e, ctx) -> {
                LOG.error("[{}] {} {} failed", Http.requestId(ctx), ctx.method(), ctx.path(), e);
                problem(ctx, new ApiProblem(500, ProblemCode.INTERNAL_ERROR, null, "internal error; quote request id "
                        + Http.requestId(ctx) + " when reporting it"));
            });
        });
    }

    private static void configure(JavalinConfig config, Settings settings) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        // Export files are gzipped by the engine when asked; compressing streams here would buffer them.
        config.http.compressionStrategy = CompressionStrategy.NONE;
        config.http.maxRequestSize = settings.maxRequestBytes();
        config.jetty.host = settings.host();
        config.jetty.port = settings.port();
        config.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler()));
        // Jetty reuses header fields of the previous request on a connection when a new one matches it ignoring
        // case: "Bearer FRT_X" right after "Bearer frt_x" would be read as the latter. API keys are case-sensitive
        // secrets, so the cache must match exactly.
        config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
        config.router.ignoreTrailingSlashes = true;
        WebUi.configure(config);
    }

    /**
     * Request id, security headers and authentication, before any handler (including "no such route"). A caller is
     * the API key of the Authorization header or, without one, the browser session of the cookie; with the
     * cookie, whatever is not a read needs the session's CSRF token too.
     */
    private static void begin(Context ctx, ApiKeyCheck keys, LinkRoute links, SessionRoutes sessions) {
        String given = ctx.header("X-Request-Id");
        String id = given != null && CLIENT_REQUEST_ID.matcher(given).matches() ? given
                : UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        ctx.attribute(Http.REQUEST_ID, id);
        ctx.header("X-Request-Id", id);
        WebUi.securityHeaders(ctx);
        // Javalin routes a GET carrying X-HTTP-Method-Override: POST as a POST: a cross-site GET with the session
        // cookie would pass as a read (no CSRF token) and still create, link and delete. One method per request.
        for (String header : METHOD_OVERRIDES) {
            if (ctx.header(header) != null) {
                throw new ApiProblem(400, ProblemCode.METHOD_OVERRIDE_REFUSED, null, header + " is not supported: send the "
                        + "request with its real HTTP method");
            }
        }
        if (ctx.path().startsWith("/health/")) return;
        if (WebUi.isPublic(ctx)) return;
        // The API's description holds no data, and the banner points people at it.
        if (ctx.path().equals(OPENAPI) && isRead(ctx)) return;
        // Sign-in needs no credentials; the current session and sign-out check the cookie themselves.
        if (ctx.path().equals(SessionRoutes.PATH) || ctx.path().equals(SessionRoutes.PATH + "/")) return;
        // A signed link stands in for the API key, for the download of its one job only.
        if (links.isSignedDownload(ctx)) {
            ctx.attribute(Http.CALLER, links.callerOf(ctx));
            return;
        }
        String authorization = ctx.header("Authorization");
        if ((authorization == null || authorization.isBlank()) && sessions.hasCookie(ctx)) {
            SessionRoutes.Resolved session = sessions.resolve(ctx).orElseThrow(sessions::noSession);
            if (!isRead(ctx)) SessionRoutes.requireCsrf(ctx, session.session());
            ctx.attribute(Http.CALLER, new Http.Caller(session.principal(), session.session().keySha256()));
            return;
        }
        if (authorization == null || authorization.isBlank()) {
            throw unauthorized("missing credentials: send Authorization: Bearer <api key>", false);
        }
        String auth = authorization.trim();
        if (!auth.regionMatches(true, 0, "Bearer ", 0, 7) || auth.substring(7).isBlank()) {
            throw unauthorized("unsupported Authorization scheme: send Authorization: Bearer <api key>", false);
        }
        String token = auth.substring(7).trim();
        Optional<Principal> principal = keys.authenticate(token);
        if (principal.isEmpty()) throw unauthorized("invalid API key", true);
        ctx.attribute(Http.CALLER, new Http.Caller(principal.get(), dev.freight.auth.ApiKeys.sha256Hex(token)));
    }

    /**
     * GET, HEAD and OPTIONS change nothing; every other method is a write and needs the CSRF token. The method is
     * the one routing used, so the check and the handler can never see two different methods.
     */
    private static boolean isRead(Context ctx) {
        String m = ctx.method().name();
        return m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS");
    }

    static ApiProblem unauthorized(String detail, boolean invalidToken) {
        return new ApiProblem(401, ProblemCode.UNAUTHORIZED, null, detail).withHeader("WWW-Authenticate",
                invalidToken ? "Bearer realm=\"freight\", error=\"invalid_token\"" : "Bearer realm=\"freight\"");
    }

    private static ApiProblem fromJavalin(HttpResponseException e, Context ctx) {
        int status = e.getStatus();
        return switch (status) {
            case 404 -> ApiProblem.notFound("no route " + ctx.method() + " " + Messages.shorten(ctx.path())
                    + "; see " + API + "/openapi.json");
            case 405 -> new ApiProblem(405, ProblemCode.METHOD_NOT_ALLOWED, null, ctx.method() + " is not allowed on "
                    + Messages.shorten(ctx.path()));
            case 413 -> new ApiProblem(413, ProblemCode.PAYLOAD_TOO_LARGE, null, "the request body is too large");
            default -> new ApiProblem(status, ProblemCode.httpStatus(status), null, e.getMessage());
        };
    }

    /** A picture's failures have their own statuses (504 for a render timeout …); others 503 when worth retrying. */
    private static int status(ExportFailedException e) {
        return ProblemCode.fromCode(e.code()).filter(c -> c == ProblemCode.RENDERER_UNAVAILABLE
                        || c == ProblemCode.RENDER_TIMEOUT || c == ProblemCode.BLANK_RENDER || c == ProblemCode.RENDER_FAILED)
                .map(ProblemCode::status).orElse(e.isTransient() ? 503 : 500);
    }

    /** Writes an RFC 9457 problem; stack traces never leave the server. */
    static void problem(Context ctx, ApiProblem p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://freight.dev/problems/" + p.code());
        body.put("title", title(p.code()));
        body.put("status", p.status());
        body.put("detail", p.getMessage());
        body.put("code", p.code());
        if (p.field() != null) body.put("field", p.field());
        body.put("instance", ctx.path());
        body.put("request_id", Http.requestId(ctx));
        p.headers().forEach(ctx::header);
        ctx.status(p.status()).contentType(Http.PROBLEM_JSON).result(Json.bytes(body));
    }

    /** "unknown_column" → "Unknown column": one title per problem type, as RFC 9457 asks. */
    private static String title(String code) {
        String words = code.replace('_', ' ');
        return words.isEmpty() ? "Error" : words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
    }

    public FreightServer start() {
        app.start();
        started = true;
        LOG.info("Freight API listening on {}:{}", settings.host(), app.port());
        return this;
    }

    /** The bound port (the real one when the settings asked for port 0). */
    public int port() {
        if (!started) throw new IllegalStateException("server not started");
        return app.port();
    }

    /** Every HTTP route registered, for documentation checks. */
    public List<Route> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream().map(p -> p.endpoint)
                .filter(e -> e.method.isHttpMethod())
                .map(e -> new Route(e.method.name(), e.path)).toList();
    }

    @Override
    public void close() {
        events.stop();
        app.stop();
    }
}
