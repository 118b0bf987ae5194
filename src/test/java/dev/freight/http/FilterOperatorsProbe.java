package dev.freight.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.freight.query.FilterOp;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks {@code operators} of {@code GET /export/tables} against what the API does: for one column of each type
 * (and mask) of a dataset, every listed operator is accepted by {@code POST /export/estimate} (validated exactly as
 * a create) and every other one is refused.
 */
final class FilterOperatorsProbe {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private FilterOperatorsProbe() {
    }

    /** Returns how many columns were probed. */
    static int assertListedOperatorsAreExactlyTheAcceptedOnes(ApiClient caller, String dataset) {
        JsonNode columns = null;
        for (JsonNode d : ApiClient.json(caller.get("/api/v1/export/tables")).get("datasets")) {
            if (d.get("name").asText().equals(dataset)) columns = d.get("columns");
        }
        assertThat(columns).as(dataset + " is listed").isNotNull();
        Set<String> kinds = new HashSet<>();
        int probed = 0;
        for (JsonNode column : columns) {
            String type = column.get("type").asText();
            String mask = column.has("masked") ? column.get("masked").asText() : null;
            if (!kinds.add(type + "/" + mask)) continue;
            probed++;
            List<String> listed = new ArrayList<>();
            column.get("operators").forEach(o -> listed.add(o.asText()));
            if (mask != null) assertThat(listed).as(column.get("name") + " is masked").isEmpty();
            for (FilterOp op : FilterOp.values()) {
                HttpResponse<byte[]> r = caller.post(SessionHttpContract.ESTIMATE, body(dataset, column, op));
                String what = dataset + "." + column.get("name").asText() + " (" + type + ") " + op.wireName();
                if (listed.contains(op.wireName())) {
                    assertThat(r.statusCode()).as(what + ": " + ApiClient.text(r)).isEqualTo(200);
                } else {
                    HttpApiContract.assertProblem(r, 400, mask != null ? "masked_column" : "invalid_operator");
                }
            }
        }
        return probed;
    }

    private static String body(String dataset, JsonNode column, FilterOp op) {
        ObjectNode filter = NODES.objectNode().put("column", column.get("name").asText()).put("op", op.wireName());
        JsonNode value = sample(column.get("type").asText());
        switch (op.arity()) {
            case NONE -> { }
            case ONE -> filter.set("value", value);
            case TWO -> filter.set("value", NODES.arrayNode().add(value).add(value));
            case MANY -> filter.set("value", NODES.arrayNode().add(value));
        }
        ArrayNode filters = NODES.arrayNode().add(filter);
        return NODES.objectNode().put("dataset", dataset).set("filters", filters).toString();
    }

    /** A value of the column's type; a refused operator is refused before its value is looked at. */
    private static JsonNode sample(String type) {
        return switch (type) {
            case "integer" -> NODES.numberNode(1);
            case "decimal" -> NODES.textNode("1.50");
            case "float" -> NODES.numberNode(0.5);
            case "boolean" -> NODES.booleanNode(true);
            case "date" -> NODES.textNode("2024-01-01");
            case "time" -> NODES.textNode("12:00:00");
            case "timestamp" -> NODES.textNode("2024-01-01T00:00:00");
            case "timestamptz" -> NODES.textNode("2024-01-01T00:00:00Z");
            default -> NODES.textNode("x");
        };
    }
}
