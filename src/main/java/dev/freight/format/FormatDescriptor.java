package dev.freight.format;

import dev.freight.source.Column;

import java.io.OutputStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything about one format, declared in one place by the format's own package ({@code format.csv},
 * {@code format.xlsx} …): its id, file extension, content type, whether {@code compress: true} makes sense, the
 * options it takes ({@link FormatOptions#COMMON} and its own), the options still accepted but no longer advertised,
 * the up-front check of its own options and the factory of its writer.
 *
 * @param retiredOptions accepted (and still validated) without effect, so that older requests still run; not
 *                       listed by {@code /export/formats}
 * @param checkOptions   validates the format's own options (in {@link FormatOptions#raw()}) before anything runs,
 *                       throwing {@code invalid_option}; returns them parsed as the writer will use them (a value
 *                       with equals), or null when the format has nothing beyond {@link FormatOptions}
 */
public record FormatDescriptor(String id, String extension, String contentType, boolean compressible,
                               List<OptionSpec> options, Set<String> retiredOptions,
                               Function<FormatOptions, ?> checkOptions, WriterFactory writerFactory) {

    /** Opens the format's writer on {@code out}; {@code context} serves the formats that show more than rows. */
    @FunctionalInterface
    public interface WriterFactory {
        FormatWriter open(OutputStream out, List<Column> columns, List<String> labels, FormatOptions options,
                          WriterContext context);
    }

    public FormatDescriptor {
        Objects.requireNonNull(id, "id");
        options = List.copyOf(options);
        retiredOptions = Set.copyOf(retiredOptions);
        Objects.requireNonNull(checkOptions, "checkOptions");
        Objects.requireNonNull(writerFactory, "writerFactory");
        if (options.stream().map(OptionSpec::name).distinct().count() != options.size()) {
            throw new IllegalArgumentException(id + ": an option is declared twice");
        }
    }

    public Optional<OptionSpec> option(String name) {
        return options.stream().filter(o -> o.name().equals(name)).findFirst();
    }

    /** The advertised option names, in declaration order. */
    public Set<String> optionNames() {
        Set<String> names = new LinkedHashSet<>();
        for (OptionSpec o : options) names.add(o.name());
        return names;
    }

    /** Whether a request may carry {@code key}: an advertised option or a retired one. */
    public boolean accepts(String key) {
        return option(key).isPresent() || retiredOptions.contains(key);
    }

    public FormatWriter writer(OutputStream out, List<Column> columns, List<String> labels, FormatOptions options,
                               WriterContext context) {
        return writerFactory.open(out, columns, labels, options, context);
    }
}
