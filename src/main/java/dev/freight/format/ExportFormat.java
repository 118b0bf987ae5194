package dev.freight.format;

import dev.freight.error.Messages;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.ProblemCode;
import dev.freight.source.Column;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The formats Freight writes. Each constant's extension, content type, options and writer come from its
 * {@link FormatDescriptor}, declared in the format's own package and found through {@link FormatProvider}; a
 * format without a descriptor, or a descriptor without a constant, stops the first use of this class.
 */
public enum ExportFormat {
    CSV("csv"), TSV("tsv"), JSON("json"), NDJSON("ndjson"), XLSX("xlsx"), PARQUET("parquet"), PDF("pdf");

    private final String id;

    ExportFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public FormatDescriptor descriptor() {
        return Descriptors.BY_FORMAT.get(this);
    }

    public String extension() {
        return descriptor().extension();
    }

    public String contentType() {
        return descriptor().contentType();
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

    /** Loaded on first use, not while the constants are made, so a descriptor may name a constant. */
    private static final class Descriptors {
        static final Map<ExportFormat, FormatDescriptor> BY_FORMAT = load();

        private static Map<ExportFormat, FormatDescriptor> load() {
            Map<String, FormatDescriptor> byId = new HashMap<>();
            ClassLoader loader = FormatProvider.class.getClassLoader();
            for (FormatProvider provider : ServiceLoader.load(FormatProvider.class, loader)) {
                for (FormatDescriptor d : provider.formats()) {
                    if (byId.put(d.id(), d) != null) {
                        throw new IllegalStateException("format " + d.id() + " is declared twice");
                    }
                }
            }
            Map<ExportFormat, FormatDescriptor> byFormat = new EnumMap<>(ExportFormat.class);
            for (ExportFormat f : values()) {
                FormatDescriptor d = byId.remove(f.id);
                if (d == null) {
                    throw new IllegalStateException("format " + f.id + " has no descriptor (META-INF/services/"
                            + FormatProvider.class.getName() + ")");
                }
                byFormat.put(f, d);
            }
            if (!byId.isEmpty()) {
                throw new IllegalStateException("descriptors without an ExportFormat: " + byId.keySet());
            }
            return Collections.unmodifiableMap(byFormat);
        }
    }
}
