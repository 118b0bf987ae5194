package dev.freight.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.freight.engine.CancellationToken;
import dev.freight.engine.ExportListener;
import dev.freight.error.ProblemCode;
import dev.freight.export.ExportService;
import dev.freight.export.PreparedExport;
import dev.freight.export.Sinks;
import dev.freight.format.ExportFormat;
import dev.freight.format.FormatDescriptor;
import dev.freight.format.FormatOptions;
import dev.freight.format.OptionSpec;
import dev.freight.query.DatasetAccess;
import dev.freight.query.FilterOp;
import dev.freight.query.Mask;
import dev.freight.query.QueryPlanner;
import dev.freight.source.Column;
import dev.freight.source.SourceRegistry;
import dev.freight.source.Table;
import io.javalin.http.Context;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What can be exported: formats, datasets with their columns, and a preview of a dataset's first rows. */
final class CatalogRoutes {
    static final int PREVIEW_DEFAULT = 20;
    static final int PREVIEW_MAX = 100;

    private final ExportService exports;

    CatalogRoutes(ExportService exports) {
        this.exports = exports;
    }

    /** The formats and their options, as each format's descriptor declares them. */
    void formats(Context ctx) {
        List<Map<String, Object>> formats = new ArrayList<>();
        for (ExportFormat f : ExportFormat.values()) formats.add(describe(f.descriptor()));
        Http.json(ctx, 200, Map.of("formats", formats));
    }

    private static Map<String, Object> describe(FormatDescriptor f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("extension", f.extension());
        m.put("content_type", f.contentType());
        m.put("compressible", f.compressible());
        m.put("options", f.options().stream().map(CatalogRoutes::option).toList());
        return m;
    }

    /** {@code default} is always there (null: none to state); choices and bounds only where the option has them. */
    private static Map<String, Object> option(OptionSpec o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", o.name());
        m.put("type", o.type().wireName());
        m.put("default", o.defaultValue());
        if (!o.choices().isEmpty()) m.put("choices", o.choices());
        if (o.min() != null) m.put("min", o.min());
        if (o.max() != null) m.put("max", o.max());
        m.put("description", o.description());
        m.put("common", FormatOptions.COMMON.contains(o));
        return m;
    }

    /** The datasets the caller may see, each with only the columns they may see; masked ones say how. */
    void tables(Context ctx) {
        List<Map<String, Object>> datasets = new ArrayList<>();
        for (ExportService.Visible v : exports.visibleDatasets(Http.caller(ctx).principal())) {
            datasets.add(describe(v.dataset(), v.access()));
        }
        Http.json(ctx, 200, Map.of("datasets", datasets));
    }

    private static Map<String, Object> describe(SourceRegistry.Dataset d, DatasetAccess access) {
        Table full = d.table();
        Table t = access.restrict(full);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("source", d.source().name());
        m.put("kind", t.kind() == null ? null : t.kind().toLowerCase(java.util.Locale.ROOT));
        m.put("columns", t.columns().stream().map(c -> column(c, access.masks().get(c.name()))).toList());
        // A key or time column the caller cannot see is not named: ids and date ranges would be refused anyway.
        m.put("primary_key", t.primaryKey().stream().allMatch(access::visible) ? t.primaryKey() : List.of());
        m.put("time_column", QueryPlanner.timeColumn(full).map(Column::name).filter(access::visible).orElse(null));
        return m;
    }

    private static Map<String, Object> column(Column c, Mask mask) {
        Map<String, Object> m = new LinkedHashMap<>();
        Column shown = mask == null ? c : mask.resultColumn(c);
        m.put("name", c.name());
        m.put("type", shown.type().wireName());
        m.put("sql_type", c.sqlTypeName());
        m.put("nullable", c.nullable());
        if (mask != null) m.put("masked", mask.wireName());
        m.put("operators", QueryPlanner.filterOperators(c, mask).stream().map(FilterOp::wireName).toList());
        return m;
    }

    /**
     * The first rows through the real planner and engine (JSON format), so a preview shows exactly what an export
     * would, and later permissions apply to both alike. At most 100 rows, so buffering them is fine.
     */
    void preview(Context ctx) throws IOException {
        int limit = Http.limitParam(ctx, PREVIEW_DEFAULT, PREVIEW_MAX);
        String dataset = ctx.pathParam("dataset");
        PreparedExport prepared;
        try {
            prepared = exports.preparePreview(dataset, limit, Http.caller(ctx).principal());
        } catch (dev.freight.error.InvalidRequestException e) {
            if (ProblemCode.UNKNOWN_DATASET.code().equals(e.code())) throw new ApiProblem(404, ProblemCode.UNKNOWN_DATASET, "dataset", e.getMessage());
            throw e;
        }
        Sinks.Buffer firstRows = new Sinks.Buffer();
        exports.run(prepared, firstRows, ExportListener.NONE, new CancellationToken());
        ByteArrayOutputStream body = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(body)) {
            g.writeStartObject();
            g.writeStringField("dataset", prepared.dataset());
            g.writeFieldName("columns");
            Map<String, Mask> masks = prepared.plan().plan().masks();
            g.writeObject(prepared.plan().plan().outputColumns().stream().map(c -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", c.name());
                m.put("type", c.type().wireName());
                if (masks.containsKey(c.name())) m.put("masked", masks.get(c.name()).wireName());
                return m;
            }).toList());
            g.writeNumberField("limit", limit);
            g.writeFieldName("rows");
            // The engine's JSON, unchanged: numbers digit for digit as the export writes them.
            g.writeRawValue(new String(firstRows.toByteArray(), java.nio.charset.StandardCharsets.UTF_8));
            g.writeEndObject();
        }
        ctx.status(200).contentType(Http.JSON).result(body.toByteArray());
    }
}
