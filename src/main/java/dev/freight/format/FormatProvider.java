package dev.freight.format;

import java.util.List;

/**
 * Supplies the descriptors of one format package to {@link ExportFormat}, found with {@link java.util.ServiceLoader}
 * (listed in {@code META-INF/services/dev.freight.format.FormatProvider}). The formats depend on this package and
 * this package on none of them: no package cycle, while {@link ExportFormat} stays the one list of formats.
 */
public interface FormatProvider {
    List<FormatDescriptor> formats();
}
