package dev.freight.visual;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freight.error.ProblemCode;
import dev.freight.export.VisualTarget;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The internal render page, on its own listener bound to 127.0.0.1 and a random port, apart from the API: only the
 * browsers this node starts are sent there. {@code GET /render?target=…&token=…} opens the page once per token
 * ({@link RenderTokens}); the page then reads its layout ({@code /render/spec}) and each widget's rows
 * ({@code /render/data/{widget}}) with the same token in {@code X-Render-Token}. An API key or a UI session means
 * nothing here: without a valid token every route answers 403 {@code invalid_render_token}. The page's scripts and
 * styles are the web UI's files ({@code /ui/...}), which hold no data.
 */
final class RenderServer implements AutoCloseable {
    static final String PAGE = "render/render.html";
    static final String TOKEN_HEADER = "X-Render-Token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'";
    private static final String UPLOT_VERSION = "1.6.30";

    private final RenderTokens tokens;
    private final Javalin app;

    RenderServer(RenderTokens tokens) {
        this.tokens = tokens;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.staticFiles.add(files -> {
                files.hostedPath = "/ui";
                files.directory = "/web";
                files.location = Location.CLASSPATH;
            });
            config.staticFiles.add(files -> {
                files.hostedPath = "/ui/vendor/uplot";
                files.directory = "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION;
                files.location = Location.CLASSPATH;
            });
            var r = config.routes;
            r.before(ctx -> {
                ctx.header("Content-Security-Policy", CSP);
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("Referrer-Policy", "no-referrer");
                ctx.header("Cache-Control", "no-store");
            });
            r.get("/render", this::page);
            r.get("/render/spec", this::spec);
            r.get("/render/data/{widget}", this::data);
            r.exception(Forbidden.class, (e, ctx) -> forbidden(ctx, e.getMessage()));
            // A widget's data refused or failed (max_rows, the source): the page shows the words, the render fails.
            r.exception(Exception.class, (e, ctx) -> failed(ctx, e));
        });
    }

    RenderServer start() {
        app.start();
        return this;
    }

    int port() {
        return app.port();
    }

    /** The page URL a browser opens for one render. */
    String pageUrl(String target, String token) {
        return "http://127.0.0.1:" + port() + "/render?target=" + java.net.URLEncoder.encode(target,
                java.nio.charset.StandardCharsets.UTF_8) + "&token=" + token;
    }

    private void page(Context ctx) throws IOException {
        String target = ctx.queryParam("target");
        if (tokens.open(ctx.queryParam("token"), target == null ? "" : target).isEmpty()) {
            throw new Forbidden("this page opens only for the render it was made for, once, within "
                    + RenderTokens.VALIDITY.toSeconds() + " s of its token");
        }
        try (InputStream in = RenderServer.class.getClassLoader().getResourceAsStream(PAGE)) {
            if (in == null) throw new IllegalStateException(PAGE + " is missing from the jar");
            ctx.status(200).contentType("text/html; charset=utf-8").result(in.readAllBytes());
        }
    }

    private RenderTokens.Grant grant(Context ctx) {
        Optional<RenderTokens.Grant> g = tokens.grant(ctx.header(TOKEN_HEADER));
        return g.orElseThrow(() -> new Forbidden("no valid render token: the render page's data is for its own render only"));
    }

    private void spec(Context ctx) throws IOException {
        RenderTokens.Grant g = grant(ctx);
        VisualTarget t = g.target();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", t.id());
        m.put("title", t.title());
        m.put("generated_at", g.generatedAt());
        m.put("format", t.format().id());
        m.put("theme", t.options().dark() ? "dark" : "light");
        m.put("padding", t.options().padding());
        m.put("grid_columns", t.columns());
        m.put("single", t.widgets().size() == 1 && !t.report());
        m.put("widgets", t.widgets().stream().map(w -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", w.name());
            one.put("title", w.title());
            one.put("type", w.type());
            if (w.chart() != null) one.put("chart", w.chart());
            one.put("group_by", w.groupBy());
            one.put("position", Map.of("x", w.x(), "y", w.y()));
            one.put("size", Map.of("w", w.w(), "h", w.h()));
            return one;
        }).toList());
        ctx.status(200).contentType("application/json").result(JSON.writeValueAsBytes(m));
    }

    private void data(Context ctx) throws IOException {
        RenderTokens.Grant g = grant(ctx);
        String name = ctx.pathParam("widget");
        VisualTarget.Widget widget = g.target().widget(name)
                .orElseThrow(() -> new Forbidden("widget " + name + " is not part of this render"));
        ctx.status(200).contentType("application/json");
        // Rows stream from the export engine into the response, as a sync export's do.
        g.data().write(widget, ctx.res().getOutputStream());
    }

    private static void forbidden(Context ctx, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://freight.dev/problems/" + ProblemCode.INVALID_RENDER_TOKEN.code());
        body.put("title", "Invalid render token");
        body.put("status", 403);
        body.put("detail", detail);
        body.put("code", ProblemCode.INVALID_RENDER_TOKEN.code());
        try {
            ctx.status(403).contentType("application/problem+json").result(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            ctx.status(403);
        }
    }

    private static void failed(Context ctx, Exception e) {
        String code = e instanceof dev.freight.error.InvalidRequestException i ? i.code()
                : e instanceof dev.freight.engine.ExportFailedException f ? f.code() : ProblemCode.INTERNAL_ERROR.code();
        String detail = code.equals(ProblemCode.INTERNAL_ERROR.code()) ? "internal error; the server log has it" : e.getMessage();
        if (code.equals(ProblemCode.INTERNAL_ERROR.code())) {
            org.slf4j.LoggerFactory.getLogger(RenderServer.class).warn("render data failed", e);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", 500);
        body.put("code", code);
        body.put("detail", detail);
        try {
            ctx.res().reset();
        } catch (IllegalStateException committed) {
            return;
        }
        try {
            ctx.status(500).contentType("application/problem+json").result(JSON.writeValueAsBytes(body));
        } catch (IOException io) {
            ctx.status(500);
        }
    }

    private static final class Forbidden extends RuntimeException {
        Forbidden(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        app.stop();
    }
}
