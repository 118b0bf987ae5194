package dev.freight.visual;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freight.auth.Principal;
import dev.freight.engine.CancellationToken;
import dev.freight.engine.ExportCancelledException;
import dev.freight.engine.ExportFailedException;
import dev.freight.error.ProblemCode;
import dev.freight.export.Renderer;
import dev.freight.export.VisualTarget;
import dev.freight.format.visual.VisualOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Draws pictures with headless Chromium over the DevTools protocol (CDP). At most {@code maxBrowsers} browser
 * processes run, each render in a fresh browser context (no cookies, storage or cache shared with another render);
 * more renders wait for a free browser, in order. A browser that crashes or stops answering is closed and the
 * render tried once more on a new one; a capture whose widgets come back as uniform pixels is taken once more,
 * then fails with {@code blank_render}. The page is captured when it says it is ready ({@code body[data-ready]}),
 * read every {@link #POLL} until {@code renderTimeout}, never after a fixed sleep.
 */
public final class ChromiumRenderer implements Renderer, AutoCloseable {
    public static final Path DEFAULT_CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Duration DEFAULT_RENDER_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_BROWSERS = 2;
    public static final String INSTALL_HINT = "apt-get install -y chromium chromium-driver (or scripts/install-browser.sh)";
    static final Duration POLL = Duration.ofMillis(50);
    /** Longest wait for one protocol command: a browser that takes longer is hung, not slow. */
    static final Duration COMMAND = Duration.ofSeconds(20);
    private static final Logger LOG = LoggerFactory.getLogger(ChromiumRenderer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter GENERATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final double CSS_PX_PER_INCH = 96;
    private static final double MARGIN_SIDE_IN = 0.4;

    public record Settings(Path chromium, int maxBrowsers, Duration renderTimeout) {
        public static Settings defaults() {
            return new Settings(DEFAULT_CHROMIUM, DEFAULT_MAX_BROWSERS, DEFAULT_RENDER_TIMEOUT);
        }
    }

    private final Settings settings;
    private final RenderTokens tokens;
    private RenderServer server;
    private final Semaphore slots;
    private final Deque<Chromium> idle = new ArrayDeque<>();
    private final Set<Chromium> running = ConcurrentHashMap.newKeySet();
    private final SecureRandom ids = new SecureRandom();
    private final Clock clock;
    private volatile boolean closed;

    /** Judges a capture: whether some widget's area came back with nothing drawn. */
    @FunctionalInterface
    interface BlankCheck {
        boolean blank(byte[] png, List<int[]> widgetBoxes, int deviceScale);
    }

    private final BlankCheck blankCheck;

    private ChromiumRenderer(Settings settings, Clock clock, BlankCheck blankCheck) {
        this.settings = settings;
        this.clock = clock;
        this.blankCheck = blankCheck;
        this.tokens = new RenderTokens(clock);
        this.slots = new Semaphore(settings.maxBrowsers(), true);
    }

    /** The render page's listener and the browsers start on the first render. */
    public static ChromiumRenderer start(Settings settings) {
        return new ChromiumRenderer(settings, Clock.systemUTC(), ChromiumRenderer::blank);
    }

    /**
     * A renderer judging captures with {@code blankCheck}: a browser's blank capture cannot be caused on purpose, so
     * the retry and the blank_render failure are tested by judging real captures blank.
     */
    static ChromiumRenderer start(Settings settings, BlankCheck blankCheck) {
        return new ChromiumRenderer(settings, Clock.systemUTC(), blankCheck);
    }

    @Override
    public Optional<String> unavailable() {
        Path exe = settings.chromium();
        if (Files.isRegularFile(exe) && Files.isExecutable(exe)) return Optional.empty();
        return Optional.of("png and pdf_visual need Chromium, which is not installed at " + exe + ": " + INSTALL_HINT
                + ", or set visual.chromium; data formats work without it");
    }

    @Override
    public void render(VisualTarget target, Principal principal, String jobId, WidgetData data, OutputStream out,
                       CancellationToken cancel) throws IOException {
        String generatedAt = GENERATED.format(clock.instant());
        int browserFailures = 0;
        int blanks = 0;
        while (true) {
            Chromium browser;
            try {
                browser = acquire(cancel);
            } catch (BrowserFailure e) {
                if (++browserFailures >= 2) throw failedTwice(target, e);
                LOG.warn("browser failed to start for {} ({}); trying a new one", target.id(), e.getMessage());
                continue;
            }
            boolean healthy = true;
            try {
                Capture capture = capture(browser, target, principal, data, generatedAt, cancel);
                if (capture.blank()) {
                    if (++blanks >= 2) {
                        throw new ExportFailedException(ProblemCode.BLANK_RENDER.code(), "the picture of " + target.id()
                                + " came back blank (uniform pixels where the widgets are) twice", false, null);
                    }
                    LOG.warn("render of {} came back blank; capturing it once more", target.id());
                    continue;
                }
                out.write(capture.bytes());
                return;
            } catch (BrowserFailure e) {
                healthy = false;
                if (++browserFailures >= 2) throw failedTwice(target, e);
                LOG.warn("browser failed while drawing {} ({}); replacing it and drawing again", target.id(), e.getMessage());
            } finally {
                release(browser, healthy);
            }
        }
    }

    /** Transient: a job goes back to the queue and tries again later, maybe on another node. */
    private static ExportFailedException failedTwice(VisualTarget target, BrowserFailure e) {
        return new ExportFailedException(ProblemCode.RENDER_FAILED.code(), "the browser failed twice while drawing "
                + target.id() + ": " + e.getMessage(), true, e);
    }

    private record Capture(byte[] bytes, boolean blank) {
    }

    private Capture capture(Chromium b, VisualTarget target, Principal principal, WidgetData data, String generatedAt,
                            CancellationToken cancel) {
        String renderId = HexFormat.of().formatHex(ids.generateSeed(12));
        String token = tokens.issue(renderId, target, principal, data, generatedAt);
        String context = null;
        try {
            VisualOptions o = target.options();
            int width = target.pdf() ? printableWidth(o) : o.width();
            context = b.send(null, "Target.createBrowserContext", Map.of("disposeOnDetach", true), COMMAND)
                    .path("browserContextId").asText();
            String page = b.send(null, "Target.createTarget", Map.of("url", "about:blank", "browserContextId", context,
                    "width", width, "height", o.height()), COMMAND).path("targetId").asText();
            String session = b.send(null, "Target.attachToTarget", Map.of("targetId", page, "flatten", true), COMMAND)
                    .path("sessionId").asText();
            b.send(session, "Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", o.height(),
                    "deviceScaleFactor", o.deviceScale(), "mobile", false), COMMAND);
            b.send(session, "Page.navigate", Map.of("url", server().pageUrl(target.id(), token)), COMMAND);
            awaitReady(b, session, target, cancel);
            byte[] png = Base64.getDecoder().decode(b.send(session, "Page.captureScreenshot",
                    Map.of("format", "png"), COMMAND).path("data").asText());
            boolean blank = blankCheck.blank(png, widgetBoxes(b, session), o.deviceScale());
            if (!target.pdf() || blank) return new Capture(png, blank);
            Map<String, Object> print = new LinkedHashMap<>();
            double shortSide = o.letter() ? 8.5 : 8.27;
            double longSide = o.letter() ? 11 : 11.69;
            print.put("landscape", o.landscape());
            print.put("paperWidth", shortSide);
            print.put("paperHeight", longSide);
            print.put("marginTop", 0.7);
            print.put("marginBottom", 0.6);
            print.put("marginLeft", MARGIN_SIDE_IN);
            print.put("marginRight", MARGIN_SIDE_IN);
            print.put("printBackground", true);
            print.put("displayHeaderFooter", true);
            print.put("headerTemplate", "<div style=\"font-size:9px;width:100%;margin:0 0.4in;display:flex;"
                    + "justify-content:space-between;font-family:sans-serif\"><span>" + escape(target.title())
                    + "</span><span>Generated " + escape(generatedAt) + "</span></div>");
            print.put("footerTemplate", "<div style=\"font-size:9px;width:100%;text-align:center;font-family:sans-serif\">"
                    + "Page <span class=\"pageNumber\"></span> of <span class=\"totalPages\"></span></div>");
            byte[] pdf = Base64.getDecoder().decode(b.send(session, "Page.printToPDF", print, COMMAND.multipliedBy(3))
                    .path("data").asText());
            return new Capture(pdf, false);
        } catch (Cdp.CommandFailed e) {
            throw new ExportFailedException(ProblemCode.RENDER_FAILED.code(), "the browser refused to draw " + target.id()
                    + ": " + e.getMessage(), false, e);
        } finally {
            tokens.revoke(renderId);
            if (context != null && b.healthy()) {
                try {
                    b.send(null, "Target.disposeBrowserContext", Map.of("browserContextId", context), COMMAND);
                } catch (RuntimeException e) {
                    LOG.debug("could not dispose of a browser context: {}", e.getMessage());
                }
            }
        }
    }

    /** The page's width in CSS pixels inside the paper's side margins, so what is drawn fits the printed page. */
    private static int printableWidth(VisualOptions o) {
        double paper = o.landscape() ? (o.letter() ? 11 : 11.69) : (o.letter() ? 8.5 : 8.27);
        return (int) Math.floor((paper - 2 * MARGIN_SIDE_IN) * CSS_PX_PER_INCH);
    }

    /**
     * Reads the page's ready signal until it is "true" or "error" or {@code renderTimeout} has passed; a timeout
     * names the widgets that had not painted.
     */
    private void awaitReady(Chromium b, String session, VisualTarget target, CancellationToken cancel) {
        long deadline = System.nanoTime() + settings.renderTimeout().toNanos();
        while (true) {
            if (cancel.isCancelled()) throw new ExportCancelledException();
            String state = evaluate(b, session, "document.body ? (document.body.dataset.ready || '') : ''").asText();
            if (state.equals("true")) return;
            if (state.equals("error")) {
                String why = evaluate(b, session, "Array.from(document.querySelectorAll('[data-widget]'))"
                        + ".filter(c => c.querySelector('.widget-body[data-ready=error]'))"
                        + ".map(c => c.dataset.widget + ': ' + c.querySelector('.widget-body').textContent).join('; ')"
                        + " || document.body.dataset.error || 'the page failed'").asText();
                throw new ExportFailedException(ProblemCode.RENDER_FAILED.code(), "drawing " + target.id() + " failed: "
                        + why, false, null);
            }
            if (System.nanoTime() >= deadline) {
                String waiting = evaluate(b, session, "Array.from(document.querySelectorAll('[data-widget]'))"
                        + ".filter(c => { const x = c.querySelector('.widget-body'); return !x || x.dataset.ready !== 'true'; })"
                        + ".map(c => c.dataset.widget).join(', ')").asText();
                throw new ExportFailedException(ProblemCode.RENDER_TIMEOUT.code(), (waiting.isEmpty()
                        ? "the render page of " + target.id() + " did not load"
                        : (waiting.contains(",") ? "widgets " : "widget ") + waiting + " of " + target.id()
                        + " did not finish") + " within " + settings.renderTimeout().toSeconds()
                        + " s (visual.render_timeout)", false, null);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExportCancelledException();
            }
        }
    }

    private static JsonNode evaluate(Chromium b, String session, String expression) {
        JsonNode r = b.send(session, "Runtime.evaluate", Map.of("expression", expression, "returnByValue", true), COMMAND);
        return r.path("result").path("value");
    }

    /** Each widget's body on the page, in CSS pixels: {x, y, w, h}. */
    private static List<int[]> widgetBoxes(Chromium b, String session) {
        String json = evaluate(b, session, "JSON.stringify(Array.from(document.querySelectorAll('.widget-body'))"
                + ".map(e => { const r = e.getBoundingClientRect(); return [Math.round(r.x), Math.round(r.y), "
                + "Math.round(r.width), Math.round(r.height)]; }))").asText("[]");
        try {
            List<int[]> boxes = new java.util.ArrayList<>();
            for (JsonNode n : JSON.readTree(json)) boxes.add(new int[]{n.get(0).asInt(), n.get(1).asInt(), n.get(2).asInt(), n.get(3).asInt()});
            return boxes;
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Whether some widget's area of the capture is one colour only: nothing was drawn there. */
    static boolean blank(byte[] png, List<int[]> boxes, int scale) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            return true;
        }
        if (img == null) return true;
        if (boxes.isEmpty()) boxes = List.of(new int[]{0, 0, img.getWidth() / scale, img.getHeight() / scale});
        for (int[] box : boxes) {
            int x0 = Math.max(0, box[0] * scale);
            int y0 = Math.max(0, box[1] * scale);
            int x1 = Math.min(img.getWidth(), (box[0] + box[2]) * scale);
            int y1 = Math.min(img.getHeight(), (box[1] + box[3]) * scale);
            if (x1 <= x0 || y1 <= y0) continue;
            // A widget mostly below the fold shows only its top padding, which is of one colour without being blank:
            // only widgets at least half in the capture are judged.
            long whole = (long) box[2] * box[3] * scale * scale;
            if (2L * (x1 - x0) * (y1 - y0) < whole) continue;
            if (uniform(img, x0, y0, x1, y1)) return true;
        }
        return false;
    }

    private static boolean uniform(BufferedImage img, int x0, int y0, int x1, int y1) {
        int first = img.getRGB(x0, y0);
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) if (img.getRGB(x, y) != first) return false;
        }
        return true;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A free browser: an idle one, or a new one while fewer than maxBrowsers run; otherwise waits, in order. */
    private Chromium acquire(CancellationToken cancel) {
        try {
            while (!slots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                if (cancel.isCancelled()) throw new ExportCancelledException();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExportCancelledException();
        }
        Chromium b;
        synchronized (idle) {
            b = idle.pollFirst();
        }
        if (b != null && b.healthy()) return b;
        if (b != null) close(b);
        try {
            b = Chromium.launch(settings.chromium());
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        running.add(b);
        if (closed) {
            close(b);
            slots.release();
            throw new BrowserFailure("the renderer is shutting down", null);
        }
        return b;
    }

    private void release(Chromium b, boolean healthy) {
        if (healthy && b.healthy() && !closed) {
            synchronized (idle) {
                idle.addFirst(b);
            }
        } else {
            close(b);
        }
        slots.release();
    }

    private void close(Chromium b) {
        running.remove(b);
        b.close();
    }

    /** Process ids of the browsers running now (the benchmark reads their memory; a test kills one). */
    public List<Long> browserPids() {
        return running.stream().map(Chromium::pid).toList();
    }

    /** The render page's listener (tests open it directly). */
    int renderPort() {
        return server().port();
    }

    private synchronized RenderServer server() {
        if (server == null) server = new RenderServer(tokens).start();
        return server;
    }

    RenderTokens tokens() {
        return tokens;
    }

    @Override
    public void close() {
        closed = true;
        for (Chromium b : List.copyOf(running)) close(b);
        synchronized (this) {
            if (server != null) server.close();
        }
    }
}
