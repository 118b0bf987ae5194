package dev.freight.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The web UI: static HTML, CSS and JS from the jar's {@code web/} directory, {@code /} for its page and
 * {@code /ui/...} for the rest (uPlot under {@code /ui/vendor/uplot/}). Nothing here needs credentials (the page signs in through the API), and every
 * response of the server carries headers that keep a page of another site from framing or scripting it.
 */
final class WebUi {
    static final String INDEX = "web/index.html";
    static final String ASSETS = "/ui";
    /** No inline script or style: an injected {@code <script>} or {@code style=} attribute does nothing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
    /**
     * uPlot, the charts' library, from its WebJar (pinned in pom.xml) rather than a CDN: the UI works offline and
     * behind a strict Content-Security-Policy. Small (50 kB minified), canvas-based and fast with many points.
     */
    static final String UPLOT_VERSION = "1.6.30";
    static final String UPLOT = ASSETS + "/vendor/uplot/dist";
    private static final String UPLOT_HOSTED = ASSETS + "/vendor/uplot";
    /** Assets have no version in their names: the browser asks again (304 when unchanged) after an upgrade. */
    private static final String REVALIDATE = "no-cache";

    private WebUi() {
    }

    static void configure(JavalinConfig config) {
        config.staticFiles.add(files -> {
            files.hostedPath = ASSETS;
            files.directory = "/web";
            files.location = Location.CLASSPATH;
            files.headers = Map.of("Cache-Control", REVALIDATE);
        });
        config.staticFiles.add(files -> {
            files.hostedPath = UPLOT_HOSTED;
            // The WebJar has no entry for dist/ itself, so the classpath cannot find that folder: serve its parent.
            files.directory = "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION;
            files.location = Location.CLASSPATH;
            files.headers = Map.of("Cache-Control", REVALIDATE);
        });
    }

    static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Content-Type-Options", "nosniff");
    }

    /** The page and its assets: served to anyone, signed in or not. */
    static boolean isPublic(Context ctx) {
        String method = ctx.method().name();
        if (!method.equals("GET") && !method.equals("HEAD")) return false;
        String path = ctx.path();
        return path.equals("/") || path.equals(ASSETS) || path.startsWith(ASSETS + "/");
    }

    /** GET /: the UI's page. */
    static void index(Context ctx) throws IOException {
        try (InputStream in = WebUi.class.getClassLoader().getResourceAsStream(INDEX)) {
            if (in == null) throw ApiProblem.notFound("this build has no web UI (" + INDEX + " is missing)");
            ctx.header("Cache-Control", REVALIDATE);
            ctx.status(200).contentType("text/html; charset=utf-8").result(in.readAllBytes());
        }
    }
}
