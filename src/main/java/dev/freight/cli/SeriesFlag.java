package dev.freight.cli;

import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.query.SeriesRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --series key=value,…} of {@code freight export}: the request's {@code series}, one key per field
 * ({@code timeframe}, {@code from}, {@code to}, {@code time_zone}, {@code granularity}, {@code time_column},
 * {@code fill}); {@code measure=agg:column} (or {@code measure=count}) and {@code group_by=column} repeat. The flag
 * may be given more than once; its pairs add up. The planner validates the values, as for the API.
 */
final class SeriesFlag {
    static final List<String> KEYS = List.of("timeframe", "from", "to", "time_zone", "granularity", "time_column",
            "fill", "measure", "group_by");

    private SeriesFlag() {
    }

    /** Null when the flag was not given. */
    static SeriesRequest parse(List<String> pairs) {
        if (pairs.isEmpty()) return null;
        Map<String, String> single = new LinkedHashMap<>();
        List<SeriesRequest.Measure> measures = new ArrayList<>();
        List<String> groupBy = new ArrayList<>();
        for (String pair : pairs) {
            String p = pair.strip();
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            String key = eq < 0 ? p : p.substring(0, eq).strip();
            if (!KEYS.contains(key)) {
                throw invalid(Messages.unknown("--series key", key, KEYS) + " (as key=value, comma-separated)");
            }
            if (eq < 0 || eq == p.length() - 1) throw invalid("--series " + key + " needs a value: " + key + "=…");
            String value = p.substring(eq + 1).strip();
            switch (key) {
                case "measure" -> {
                    int colon = value.indexOf(':');
                    measures.add(colon < 0 ? new SeriesRequest.Measure(null, value)
                            : new SeriesRequest.Measure(value.substring(colon + 1), value.substring(0, colon)));
                }
                case "group_by" -> groupBy.add(value);
                default -> {
                    if (single.put(key, value) != null) throw invalid("--series " + key + " is given twice");
                }
            }
        }
        return new SeriesRequest(single.get("time_column"), single.get("timeframe"), single.get("from"), single.get("to"),
                single.get("time_zone"), single.get("granularity"), measures, groupBy, single.get("fill"));
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ProblemCode.INVALID_SERIES, "series", message);
    }
}
