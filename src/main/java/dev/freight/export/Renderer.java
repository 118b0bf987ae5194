package dev.freight.export;

import dev.freight.auth.Principal;
import dev.freight.engine.CancellationToken;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Draws a {@link VisualTarget} (a browser, in {@code dev.freight.visual}). The picture's data comes from
 * {@link WidgetData}, which the export service supplies for the export's principal, so the renderer never plans
 * or authorises anything itself.
 */
public interface Renderer {
    /** A node without a browser: every visual export answers {@code renderer_unavailable}. */
    Renderer NONE = new Renderer() {
        @Override
        public Optional<String> unavailable() {
            return Optional.of("this node renders no pictures (no renderer is configured)");
        }

        @Override
        public void render(VisualTarget target, Principal principal, String jobId, WidgetData data, OutputStream out,
                           CancellationToken cancel) {
            throw new IllegalStateException(unavailable().orElseThrow());
        }
    };

    /** Why pictures cannot be drawn here (with the install hint), or empty when they can. */
    Optional<String> unavailable();

    /**
     * Writes the PNG or PDF of {@code target} into {@code out}. Fails with an
     * {@link dev.freight.engine.ExportFailedException} of {@code render_timeout}, {@code blank_render} or
     * {@code render_failed} (transient when the browser, not the page, failed).
     */
    void render(VisualTarget target, Principal principal, String jobId, WidgetData data, OutputStream out,
                CancellationToken cancel) throws IOException;

    /** Writes a widget's rows as JSON (an array of objects), as {@code format: json} exports them. */
    @FunctionalInterface
    interface WidgetData {
        void write(VisualTarget.Widget widget, OutputStream out) throws IOException;
    }
}
