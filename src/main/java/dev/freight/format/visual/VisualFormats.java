package dev.freight.format.visual;

import dev.freight.format.FormatDescriptor;
import dev.freight.format.FormatProvider;

import java.util.List;
import java.util.Set;

/**
 * PNG and a vector PDF of a chart or a report, as a browser draws them. They are formats so that a request names
 * them like any other and their options are listed and checked alike; their bytes come from the renderer, never
 * from a row writer.
 */
public final class VisualFormats implements FormatProvider {
    public static final FormatDescriptor PNG = new FormatDescriptor("png", "png", "image/png", false,
            List.of(VisualOptions.CHART, VisualOptions.WIDTH, VisualOptions.HEIGHT, VisualOptions.DEVICE_SCALE,
                    VisualOptions.PADDING, VisualOptions.THEME),
            Set.of(), VisualOptions::of, VisualFormats::noWriter);
    public static final FormatDescriptor PDF_VISUAL = new FormatDescriptor("pdf_visual", "pdf", "application/pdf", false,
            List.of(VisualOptions.CHART, VisualOptions.WIDTH, VisualOptions.HEIGHT, VisualOptions.DEVICE_SCALE,
                    VisualOptions.PADDING, VisualOptions.THEME, VisualOptions.PAGE_SIZE, VisualOptions.ORIENTATION),
            Set.of(), VisualOptions::of, VisualFormats::noWriter);

    private static dev.freight.format.FormatWriter noWriter(java.io.OutputStream out, List<dev.freight.source.Column> columns,
                                                            List<String> labels, dev.freight.format.FormatOptions options,
                                                            dev.freight.format.WriterContext context) {
        throw new IllegalStateException("a visual format is rendered by the browser, not written from rows");
    }

    @Override
    public List<FormatDescriptor> formats() {
        return List.of(PNG, PDF_VISUAL);
    }
}
