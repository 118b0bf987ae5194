package dev.freight.format;

import dev.freight.error.Messages;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.ProblemCode;
import dev.freight.source.Column;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The formats Freight writes. Each constant's extension, content type, options and writer come from its
 * {@link FormatDescriptor}, declared in the format's own package and found through {@link FormatProvider}; a
 * format without a descriptor, or a descriptor without a constant, stops the use of the format's descriptor.
 */
public enum ExportFormat {
    CSV("csv"), TSV("tsv"), JSON("json"), NDJSON("ndjson"), XLSX("xlsx"), PARQUET("parquet"), PDF("pdf"),
    /** A chart or report as a browser draws it (format.visual): rendered, not written from rows. */
    PNG("png"), PDF_VISUAL("pdf_visual");

    private final String id;

    ExportFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public FormatDescriptor descriptor() {
        return Descriptors.of(this);
    }

    public String extension() {
        return descriptor().extension();
    }

    public String contentType() {
        return descriptor().contentType();
    }

    /** Whether a browser renders it (png, pdf_visual) instead of a writer turning rows into it. */
    public boolean visual() {
        return this == PNG || this == PDF_VISUAL;
    }

    /**
     * The other picture of a visual format, pdf_visual for png and png for pdf_visual: an email of either shows the
     * picture and attaches the PDF. Empty for a format of rows.
     */
    public java.util.Optional<ExportFormat> otherPicture() {
        return this == PNG ? java.util.Optional.of(PDF_VISUAL) : this == PDF_VISUAL ? java.util.Optional.of(PNG)
                : java.util.Optional.empty();
    }

    /** Whether {@code compress: true} makes sense; already-compressed formats refuse it. */
    public boolean compressible() {
        return descriptor().compressible();
    }

    public List<OptionSpec> options() {
        return descriptor().options();
    }

    public Set<String> optionNames() {
        return descriptor().optionNames();
    }

    /** Whether a request may carry {@code key}: one of {@link #optionNames()}, or one kept only for old requests. */
    public boolean accepts(String key) {
        return descriptor().accepts(key);
    }

    public static ExportFormat fromId(String id) {
        if (id == null || id.isBlank()) return CSV;
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.id.equals(wanted)).findFirst()
                .orElseThrow(() -> new InvalidRequestException(ProblemCode.UNKNOWN_FORMAT, "format",
                        Messages.unknown("format", id, choices())));
    }

    public static String choices() {
        return Arrays.stream(values()).map(ExportFormat::id).collect(Collectors.joining(", "));
    }

    public FormatWriter writer(OutputStream out, List<Column> columns, List<String> labels, FormatOptions options,
                               WriterContext context) {
        return descriptor().writer(out, columns, labels, options, context);
    }

    /**
     * Found on first use, not while the constants are made, so a descriptor may name a constant. The providers are
     * made in the order they are listed until the wanted format's descriptor turns up: a one-shot CSV export makes
     * only CSV's, not every format's options, writers and their libraries' classes. Every descriptor found is
     * checked (a format declared twice, a descriptor without a constant); a format without one is refused once all
     * providers are made.
     */
    private static final class Descriptors {
        private static final Iterator<FormatProvider> PROVIDERS =
                ServiceLoader.load(FormatProvider.class, FormatProvider.class.getClassLoader()).iterator();
        private static final Map<ExportFormat, FormatDescriptor> FOUND = new EnumMap<>(ExportFormat.class);

        static synchronized FormatDescriptor of(ExportFormat format) {
            while (!FOUND.containsKey(format) && PROVIDERS.hasNext()) {
                for (FormatDescriptor d : PROVIDERS.next().formats()) add(d);
            }
            FormatDescriptor d = FOUND.get(format);
            if (d == null) {
                throw new IllegalStateException("format " + format.id + " has no descriptor (META-INF/services/"
                        + FormatProvider.class.getName() + ")");
            }
            return d;
        }

        private static void add(FormatDescriptor d) {
            ExportFormat format = null;
            for (ExportFormat f : values()) if (f.id.equals(d.id())) format = f;
            if (format == null) throw new IllegalStateException("a descriptor without an ExportFormat: " + d.id());
            if (FOUND.putIfAbsent(format, d) != null) {
                throw new IllegalStateException("format " + d.id() + " is declared twice");
            }
        }
    }
}
