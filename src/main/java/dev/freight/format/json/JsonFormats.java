package dev.freight.format.json;

import dev.freight.format.FormatDescriptor;
import dev.freight.format.FormatOptions;
import dev.freight.format.FormatProvider;

import java.util.List;
import java.util.Set;

/** JSON (one array of objects) and NDJSON (one object per line): the common options only. */
public final class JsonFormats implements FormatProvider {
    public static final FormatDescriptor JSON = descriptor("json", "application/json", false);
    public static final FormatDescriptor NDJSON = descriptor("ndjson", "application/x-ndjson", true);

    private static FormatDescriptor descriptor(String id, String contentType, boolean lines) {
        return new FormatDescriptor(id, id, contentType, true, FormatOptions.COMMON, Set.of(), options -> null,
                (out, columns, labels, options, context) -> new JsonFormatWriter(out, columns, labels, options, lines));
    }

    @Override
    public List<FormatDescriptor> formats() {
        return List.of(JSON, NDJSON);
    }
}
