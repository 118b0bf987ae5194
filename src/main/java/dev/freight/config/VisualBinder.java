package dev.freight.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Binds {@code visual}: the browser that draws png and pdf_visual, how many run, and how long a render may take. */
final class VisualBinder {
    static final List<String> VISUAL_KEYS = List.of("chromium", "max_browsers", "render_timeout");
    static final Duration MIN_RENDER_TIMEOUT = Duration.ofSeconds(1);
    static final Duration MAX_RENDER_TIMEOUT = Duration.ofMinutes(10);

    private VisualBinder() {
    }

    static VisualConfig visual(ConfigSection s) {
        ConfigValue chromiumValue = s.get("chromium");
        Path chromium = chromiumValue.path(VisualConfig.DEFAULT_CHROMIUM);
        if (!chromium.isAbsolute()) {
            throw chromiumValue.invalid("expected the absolute path of the Chromium executable, e.g. /usr/bin/chromium");
        }
        int maxBrowsers = s.get("max_browsers").integer(VisualConfig.DEFAULT_MAX_BROWSERS, 1, 16);
        ConfigValue timeoutValue = s.get("render_timeout");
        Duration timeout = timeoutValue.duration(VisualConfig.DEFAULT_RENDER_TIMEOUT, false);
        if (timeout.compareTo(MIN_RENDER_TIMEOUT) < 0 || timeout.compareTo(MAX_RENDER_TIMEOUT) > 0) {
            throw timeoutValue.invalid("expected a duration from 1s to 10m (a render page that takes longer fails "
                    + "with render_timeout)");
        }
        return new VisualConfig(chromium, maxBrowsers, timeout);
    }
}
