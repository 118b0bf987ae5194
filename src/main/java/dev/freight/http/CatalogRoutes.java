package dev.freight.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.freight.engine.CancellationToken;
import dev.freight.engine.ExportEngine;
import dev.freight.engine.ExportListener;
import dev.freight.engine.Exports;
import dev.freight.error.ProblemCode;
import dev.freight.format.ExportFormat;
import dev.freight.query.DatasetAccess;
import dev.freight.query.ExportRequest;
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
import java.util.TreeSet;

/** What can be exported: formats, datasets with their columns, and a preview of a dataset's first rows. */
final class CatalogRoutes {
    static final int PREVIEW_DEFAULT = 20;
    static final int PREVIEW_MAX = 100;

    /** Default and meaning of each format option, for clients that build forms from this list. */
    private record OptionDoc(Object csvDefault, Object tsvDefault, String description) {
    }

    private static final Map<String, OptionDoc> OPTION_DOCS = Map.ofEntries(
            Map.entry("labels", new OptionDoc(Map.of(), Map.of(), "header names by column, e.g. {\"created_at\": \"Created\"}")),
            Map.entry("delimiter", new OptionDoc(",", "\t", "field separator: one character, or \"tab\"")),
            Map.entry("header", new OptionDoc(true, true, "write a header row")),
            Map.entry("null_text", new OptionDoc("", "", "text written for NULL")),
            Map.entry("bom", new OptionDoc(false, false, "start with a UTF-8 byte order mark (helps Excel)")),
            Map.entry("line_ending", new OptionDoc("crlf", "crlf", "crlf (RFC 4180) or lf")),
            Map.entry("sanitize_formulas", new OptionDoc(true, true,
                    "prefix ' to text starting with tab, CR, or = + - @ (or ＝ ＋ － ＠) after any blanks; quote text"
                            + " with one behind , ; or tab (CSV injection protection)")),
            Map.entry("time_zone", new OptionDoc("UTC", "UTC", "zone timestamps are shown in: IANA name or offset")),
            Map.entry("date_format", new OptionDoc(null, null, "java.time pattern for dates, e.g. dd/MM/yyyy (text only)")),
            Map.entry("timestamp_format", new OptionDoc(null, null,
                    "java.time pattern for timestamps, e.g. dd/MM/yyyy HH:mm XXX (text only)")),
            Map.entry("number_locale", new OptionDoc(null, null, "language tag for number text, e.g. de-DE (text only)")),
            Map.entry("bool_text", new OptionDoc(null, null, "texts for true and false, e.g. [\"yes\", \"no\"] (text only)")),
            Map.entry("title", new OptionDoc(null, null, "report title; default: the dataset name")),
            Map.entry("orientation", new OptionDoc(null, null, "portrait or landscape; default: landscape above 6 columns")),
            Map.entry("page_size", new OptionDoc("a4", "a4", "a4 or letter")),
            Map.entry("font_size", new OptionDoc(8, 8, "font size in points, 5 to 16")),
            Map.entry("sheet_name", new OptionDoc(null, null,
                    "worksheet name (Excel rules: 1-31 characters, none of []:*?/\\); default: the dataset name")),
            Map.entry("compression", new OptionDoc("snappy", "snappy", "snappy, zstd, gzip or none")),
            Map.entry("row_group_size", new OptionDoc(16 * 1024 * 1024, 16 * 1024 * 1024,
                    "bytes buffered per row group, 1 MiB to 128 MiB")));

    private final SourceRegistry sources;
    private final Exports exports;

    CatalogRoutes(SourceRegistry sources, Exports exports) {
        this.sources = sources;
        this.exports = exports;
    }

    void formats(Context ctx) {
        List<Map<String, Object>> formats = new ArrayList<>();
        for (ExportFormat f : ExportFormat.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", f.id());
            m.put("extension", f.extension());
            m.put("content_type", f.contentType());
            m.put("compressible", f.compressible());
            List<Map<String, Object>> options = new ArrayList<>();
            for (String name : new TreeSet<>(f.optionNames())) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("name", name);
                OptionDoc doc = OPTION_DOCS.get(name);
                if (doc != null) {
                    o.put("default", f == ExportFormat.TSV ? doc.tsvDefault() : doc.csvDefault());
                    o.put("description", doc.description());
                }
                options.add(o);
            }
            m.put("options", options);
            formats.add(m);
        }
        Http.json(ctx, 200, Map.of("formats", formats));
    }

    /** The datasets the caller may see, each with only the columns they may see; masked ones say how. */
    void tables(Context ctx) {
        List<Map<String, Object>> datasets = new ArrayList<>();
        for (Exports.Visible v : exports.visibleDatasets(Http.caller(ctx).principal())) {
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
        return m;
    }

    /**
     * The first rows through the real planner and engine (JSON format), so a preview shows exactly what an export
     * would, and later permissions apply to both alike. At most 100 rows, so buffering them is fine.
     */
    void preview(Context ctx) throws IOException {
        int limit = Http.limitParam(ctx, PREVIEW_DEFAULT, PREVIEW_MAX);
        String dataset = ctx.pathParam("dataset");
        ExportRequest request = ExportRequest.of(dataset, ExportFormat.JSON.id()).withRowLimit((long) limit);
        Exports.Prepared prepared;
        try {
            prepared = exports.prepare(request, Http.caller(ctx).principal());
        } catch (dev.freight.error.InvalidRequestException e) {
            if (ProblemCode.UNKNOWN_DATASET.code().equals(e.code())) throw new ApiProblem(404, ProblemCode.UNKNOWN_DATASET, "dataset", e.getMessage());
            throw e;
        }
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        new ExportEngine().export(prepared.job(), rows, ExportListener.NONE, new CancellationToken());
        ByteArrayOutputStream body = new ByteArrayOutputStream(rows.size() + 1024);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(body)) {
            g.writeStartObject();
            g.writeStringField("dataset", prepared.dataset());
            g.writeFieldName("columns");
            Map<String, Mask> masks = prepared.job().plan().masks();
            g.writeObject(prepared.job().plan().outputColumns().stream().map(c -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", c.name());
                m.put("type", c.type().wireName());
                if (masks.containsKey(c.name())) m.put("masked", masks.get(c.name()).wireName());
                return m;
            }).toList());
            g.writeNumberField("limit", limit);
            g.writeFieldName("rows");
            // The engine's JSON, unchanged: numbers digit for digit as the export writes them.
            g.writeRawValue(rows.toString(java.nio.charset.StandardCharsets.UTF_8));
            g.writeEndObject();
        }
        ctx.status(200).contentType(Http.JSON).result(body.toByteArray());
    }
}
