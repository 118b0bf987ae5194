package dev.freight.export;

import dev.freight.auth.Principal;
import dev.freight.config.ConfigException;
import dev.freight.config.ReportConfig;
import dev.freight.error.InvalidRequestException;
import dev.freight.format.ExportFormat;
import dev.freight.query.ExportRequest;
import dev.freight.query.Filter;
import dev.freight.query.SeriesRequest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured reports, and each widget's data as an ordinary export request (JSON): the UI fetches a widget's
 * data by submitting that request, so the caller's permissions, masks, row filter and limits apply exactly as to
 * any export. A report is shown to a caller only when every one of its widgets plans for them: a report missing a
 * widget would tell a different story than the one it was laid out for, and an unlisted report (404) says nothing
 * of the datasets it uses.
 */
public final class Reports {
    public static final Reports NONE = new Reports(Map.of());

    private final Map<String, ReportConfig> reports;

    public Reports(Map<String, ReportConfig> reports) {
        this.reports = Collections.unmodifiableMap(new LinkedHashMap<>(reports));
    }

    /** The export request that fetches a widget's data (format json). */
    public static ExportRequest request(ReportConfig.Widget w) {
        ExportRequest r = ExportRequest.of(w.dataset(), ExportFormat.JSON.id());
        if (!w.filters().isEmpty()) {
            r = r.withFilters(w.filters().stream().map(f -> new Filter(f.column(), f.op(), f.value())).toList());
        }
        ReportConfig.Series s = w.series();
        if (s == null) return r.withColumns(w.columns()).withRowLimit(w.rowLimit());
        return r.withSeries(new SeriesRequest(s.timeColumn(), s.timeframe(), s.from(), s.to(), s.timeZone(),
                s.granularity(), s.measures().stream().map(m -> new SeriesRequest.Measure(m.column(), m.agg())).toList(),
                s.groupBy(), s.fill()));
    }

    /**
     * Plans every widget's request as the operator, so that an unknown dataset or column, or a bad series, stops
     * start-up with the widget's key instead of failing when someone opens the report.
     */
    void validate(ExportService exports) {
        for (ReportConfig report : reports.values()) {
            for (ReportConfig.Widget w : report.widgets()) {
                String key = report.key() + ".widgets." + w.name();
                try {
                    exports.plan(request(w), ExportService.OPERATOR);
                } catch (InvalidRequestException e) {
                    throw new ConfigException("configuration", e.field() == null ? key : key + "." + e.field(),
                            e.getMessage());
                }
            }
        }
    }

    /** The reports {@code principal} may see, in the file's order. */
    public List<ReportConfig> visible(ExportService exports, Principal principal) {
        List<ReportConfig> out = new ArrayList<>();
        for (ReportConfig r : reports.values()) if (sees(exports, r, principal)) out.add(r);
        return out;
    }

    /** The report, when it exists and {@code principal} may see it; otherwise empty, alike. */
    public Optional<ReportConfig> find(ExportService exports, String name, Principal principal) {
        ReportConfig r = reports.get(name);
        return r != null && sees(exports, r, principal) ? Optional.of(r) : Optional.empty();
    }

    private static boolean sees(ExportService exports, ReportConfig report, Principal principal) {
        for (ReportConfig.Widget w : report.widgets()) {
            try {
                exports.plan(request(w), principal);
            } catch (InvalidRequestException refused) {
                return false;
            }
        }
        return true;
    }
}
