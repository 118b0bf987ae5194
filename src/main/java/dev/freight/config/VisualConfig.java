package dev.freight.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code visual}: how pictures (png, pdf_visual) are drawn. {@code chromium}: the browser's executable (a missing
 * one is not an error at start: visual formats then answer 503 {@code renderer_unavailable} and data formats work);
 * {@code maxBrowsers}: browser processes at most; {@code renderTimeout}: how long a render page may take to say it
 * is ready.
 */
public record VisualConfig(Path chromium, int maxBrowsers, Duration renderTimeout) {
    public static final Path DEFAULT_CHROMIUM = Path.of("/usr/bin/chromium");
    public static final int DEFAULT_MAX_BROWSERS = 2;
    public static final Duration DEFAULT_RENDER_TIMEOUT = Duration.ofSeconds(60);

    public VisualConfig {
        Objects.requireNonNull(chromium, "chromium");
        Objects.requireNonNull(renderTimeout, "renderTimeout");
    }

    public static VisualConfig defaults() {
        return new VisualConfig(DEFAULT_CHROMIUM, DEFAULT_MAX_BROWSERS, DEFAULT_RENDER_TIMEOUT);
    }
}
