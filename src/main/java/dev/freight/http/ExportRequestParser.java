package dev.freight.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.delivery.DeliveryPlan;
import dev.freight.delivery.DeliveryPlans;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.query.ExportRequest;
import dev.freight.query.Filter;
import dev.freight.query.SeriesRequest;
import dev.freight.query.SortKey;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Strict reading of an export request body. Every field is checked for its JSON type here, by hand, so that a
 * mistake is answered with the exact field ({@code filters[1].op}) and what was expected, instead of being coerced
 * ("10" to 10) or silently dropped (an unknown field). Values are then validated by the planner.
 */
final class ExportRequestParser {
    static final Set<String> FIELDS = Set.of("dataset", "format", "columns", "filters", "sort", "row_limit", "ids",
            "date_from", "date_to", "compress", "options", "delivery", "series", "deliveries", "notify_url",
            "notify_email", "condition", "report", "widget");
    private static final Set<String> SERIES_FIELDS = Set.of("time_column", "timeframe", "from", "to", "time_zone",
            "granularity", "measures", "group_by", "fill");
    private static final Set<String> MEASURE_FIELDS = Set.of("column", "agg");
    private static final Set<String> FILTER_FIELDS = Set.of("column", "op", "value");
    private static final Set<String> SORT_FIELDS = Set.of("column", "dir");

    /**
     * {@code plan}: what happens when the job ends ({@code deliveries}, {@code notify_url}, {@code notify_email},
     * {@code condition}), in form only: the configuration and the export are checked against it by the caller. A
     * request with a plan always runs as a job (auto becomes async; sync is refused), since a stream answered at once
     * has no end to deliver.
     */
    record Parsed(ExportRequest request, Delivery delivery, DeliveryPlan plan) {
        Parsed(ExportRequest request, Delivery delivery) {
            this(request, delivery, DeliveryPlan.NONE);
        }
    }

    private ExportRequestParser() {
    }

    static Parsed parse(byte[] body) {
        return parse(readTree(body));
    }

    /** An export request that is part of a larger body (a schedule's {@code request}). */
    static Parsed parse(JsonNode root) {
        if (!root.isObject()) {
            throw invalidType(null, "the request body must be a JSON object, got " + describe(root));
        }
        rejectUnknown(root, FIELDS, "");
        String dataset = string(root.get("dataset"), "dataset");
        String format = string(root.get("format"), "format");
        List<String> columns = stringList(root.get("columns"), "columns");
        List<Filter> filters = filters(root.get("filters"));
        List<SortKey> sort = sort(root.get("sort"));
        Long rowLimit = integer(root.get("row_limit"), "row_limit");
        List<Object> ids = ids(root.get("ids"));
        String dateFrom = string(root.get("date_from"), "date_from");
        String dateTo = string(root.get("date_to"), "date_to");
        boolean compress = bool(root.get("compress"), "compress");
        Map<String, Object> options = options(root.get("options"));
        String deliveryName = string(root.get("delivery"), "delivery");
        Delivery delivery = Delivery.AUTO;
        if (deliveryName != null) {
            delivery = Delivery.fromWire(deliveryName).orElseThrow(() -> ApiProblem.badRequest(ProblemCode.INVALID_DELIVERY,
                    "delivery", Messages.unknown("delivery", deliveryName, Delivery.choices())));
        }
        SeriesRequest series = series(root.get("series"));
        DeliveryPlan plan = DeliveryPlans.parse(root);
        if (plan != DeliveryPlan.NONE) {
            if (delivery == Delivery.SYNC) {
                throw ApiProblem.badRequest(ProblemCode.INVALID_DELIVERY, "delivery", "delivery sync streams the file in "
                        + "the response and cannot have deliveries, notify_url, notify_email or a condition; use async "
                        + "(or auto, which then runs the export as a job)");
            }
            delivery = Delivery.ASYNC;
        }
        String report = string(root.get("report"), "report");
        String widget = string(root.get("widget"), "widget");
        return new Parsed(new ExportRequest(dataset, format, columns, filters, sort, rowLimit, ids, dateFrom, dateTo,
                compress, options, series, report, widget), delivery, plan);
    }

    static JsonNode readTree(byte[] body) {
        if (body.length == 0) {
            throw ApiProblem.badRequest(ProblemCode.MALFORMED_JSON, null, "the request body is empty; expected a JSON object "
                    + "such as {\"dataset\": \"orders\", \"format\": \"csv\"}");
        }
        try {
            JsonNode root = Json.MAPPER.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw ApiProblem.badRequest(ProblemCode.MALFORMED_JSON, null, "the request body holds no JSON value");
            }
            return root;
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw ApiProblem.badRequest(ProblemCode.MALFORMED_JSON, null, "the request body is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + ": "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiProblem.badRequest(ProblemCode.MALFORMED_JSON, null, "the request body could not be read: " + e.getMessage());
        }
    }

    static void rejectUnknown(JsonNode object, Set<String> allowed, String prefix) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw ApiProblem.badRequest(ProblemCode.UNKNOWN_FIELD, prefix + name, Messages.unknown("field", prefix + name,
                        new TreeSet<>(allowed)));
            }
        }
    }

    private static boolean absent(JsonNode n) {
        return n == null || n.isNull();
    }

    static String string(JsonNode n, String field) {
        if (absent(n)) return null;
        if (!n.isTextual()) throw invalidType(field, field + " must be a string, got " + describe(n));
        return n.textValue();
    }

    private static Long integer(JsonNode n, String field) {
        if (absent(n)) return null;
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw invalidType(field, field + " must be an integer, got " + describe(n));
        }
        return n.longValue();
    }

    static boolean bool(JsonNode n, String field) {
        if (absent(n)) return false;
        if (!n.isBoolean()) throw invalidType(field, field + " must be true or false, got " + describe(n));
        return n.booleanValue();
    }

    private static JsonNode array(JsonNode n, String field) {
        if (!n.isArray()) throw invalidType(field, field + " must be an array, got " + describe(n));
        return n;
    }

    private static List<String> stringList(JsonNode n, String field) {
        if (absent(n)) return null;
        List<String> out = new ArrayList<>();
        int i = 0;
        for (JsonNode e : array(n, field)) {
            String f = field + "[" + i++ + "]";
            if (!e.isTextual()) throw invalidType(f, f + " must be a string (a column name), got " + describe(e));
            out.add(e.textValue());
        }
        return out;
    }

    private static List<Filter> filters(JsonNode n) {
        if (absent(n)) return null;
        List<Filter> out = new ArrayList<>();
        int i = 0;
        for (JsonNode e : array(n, "filters")) {
            String f = "filters[" + i++ + "]";
            if (!e.isObject()) {
                throw invalidType(f, f + " must be an object like {\"column\": \"status\", \"op\": \"eq\", \"value\": "
                        + "\"paid\"}, got " + describe(e));
            }
            rejectUnknown(e, FILTER_FIELDS, f + ".");
            JsonNode value = e.get("value");
            out.add(new Filter(string(e.get("column"), f + ".column"), string(e.get("op"), f + ".op"),
                    value == null ? null : filterValue(value, f + ".value")));
        }
        return out;
    }

    /** A filter value is a scalar, or a list of scalars for in, not_in and between. */
    private static Object filterValue(JsonNode n, String field) {
        if (n.isArray()) {
            List<Object> values = new ArrayList<>();
            int i = 0;
            for (JsonNode e : n) {
                String f = field + "[" + i++ + "]";
                if (e.isContainerNode()) throw invalidType(f, f + " must be a string, number, boolean or null, got " + describe(e));
                values.add(scalar(e));
            }
            return values;
        }
        if (n.isObject()) {
            throw invalidType(field, field + " must be a string, number, boolean, null or an array of them, got an object");
        }
        return scalar(n);
    }

    private static SeriesRequest series(JsonNode n) {
        if (absent(n)) return null;
        if (!n.isObject()) {
            throw invalidType("series", "series must be an object like {\"timeframe\": \"last_7d\", \"granularity\": "
                    + "\"day\"}, got " + describe(n));
        }
        rejectUnknown(n, SERIES_FIELDS, "series.");
        List<SeriesRequest.Measure> measures = null;
        JsonNode ms = n.get("measures");
        if (!absent(ms)) {
            measures = new ArrayList<>();
            int i = 0;
            for (JsonNode e : array(ms, "series.measures")) {
                String f = "series.measures[" + i++ + "]";
                if (!e.isObject()) {
                    throw invalidType(f, f + " must be an object like {\"column\": \"unit_price\", \"agg\": \"sum\"}, got "
                            + describe(e));
                }
                rejectUnknown(e, MEASURE_FIELDS, f + ".");
                measures.add(new SeriesRequest.Measure(string(e.get("column"), f + ".column"), string(e.get("agg"), f + ".agg")));
            }
        }
        return new SeriesRequest(string(n.get("time_column"), "series.time_column"),
                string(n.get("timeframe"), "series.timeframe"), string(n.get("from"), "series.from"),
                string(n.get("to"), "series.to"), string(n.get("time_zone"), "series.time_zone"),
                string(n.get("granularity"), "series.granularity"), measures,
                stringList(n.get("group_by"), "series.group_by"), string(n.get("fill"), "series.fill"));
    }

    private static List<SortKey> sort(JsonNode n) {
        if (absent(n)) return null;
        List<SortKey> out = new ArrayList<>();
        int i = 0;
        for (JsonNode e : array(n, "sort")) {
            String f = "sort[" + i++ + "]";
            if (!e.isObject()) {
                throw invalidType(f, f + " must be an object like {\"column\": \"created_at\", \"dir\": \"desc\"}, got "
                        + describe(e));
            }
            rejectUnknown(e, SORT_FIELDS, f + ".");
            out.add(new SortKey(string(e.get("column"), f + ".column"), string(e.get("dir"), f + ".dir")));
        }
        return out;
    }

    private static List<Object> ids(JsonNode n) {
        if (absent(n)) return null;
        List<Object> out = new ArrayList<>();
        int i = 0;
        for (JsonNode e : array(n, "ids")) {
            String f = "ids[" + i++ + "]";
            if (e.isContainerNode() || e.isNull()) throw invalidType(f, f + " must be a string or a number, got " + describe(e));
            out.add(scalar(e));
        }
        return out;
    }

    private static Map<String, Object> options(JsonNode n) {
        if (absent(n)) return null;
        if (!n.isObject()) throw invalidType("options", "options must be an object, got " + describe(n));
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            // Null means "the default"; the options map (Map.copyOf) cannot hold nulls anyway.
            if (!e.getValue().isNull()) out.put(e.getKey(), plain(e.getValue()));
        }
        return out;
    }

    /** JSON as plain Java values: String, Long/BigInteger, BigDecimal, Boolean, null, List, Map. */
    private static Object plain(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNull()) m.put(e.getKey(), plain(e.getValue()));
            }
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            for (JsonNode e : n) l.add(plain(e));
            return l;
        }
        return scalar(n);
    }

    private static Object scalar(JsonNode n) {
        if (n.isNull()) return null;
        if (n.isTextual()) return n.textValue();
        if (n.isBoolean()) return n.booleanValue();
        if (n.isIntegralNumber()) {
            BigInteger big = n.bigIntegerValue();
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        if (n.isNumber()) return n.decimalValue();
        throw invalidType(null, "unsupported JSON value " + describe(n));
    }

    private static ApiProblem invalidType(String field, String detail) {
        return ApiProblem.badRequest(ProblemCode.INVALID_TYPE, field, detail);
    }

    /** "string \"ten\"", "number 1.5", "an array" … for messages. */
    static String describe(JsonNode n) {
        if (n.isTextual()) return "string \"" + Messages.shorten(n.textValue()) + "\"";
        if (n.isNumber()) return "number " + Messages.shorten(n.asText());
        if (n.isBoolean()) return "boolean " + n.booleanValue();
        if (n.isNull()) return "null";
        if (n.isArray()) return "an array";
        if (n.isObject()) return "an object";
        return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
