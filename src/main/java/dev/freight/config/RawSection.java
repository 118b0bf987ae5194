package dev.freight.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * A section whose keys are not defined yet ({@code limits}, {@code roles}, {@code api_keys}: the
 * security work gives them meaning). It is kept as read, a mapping or a list, with environment overrides and
 * {@code ${env:NAME}} references already applied. Every scalar is kept as its text exactly as written (YAML 1.1
 * would read {@code yes} as true and {@code 0123} as octal; Freight does not guess), and an empty or null value
 * is a {@code NullNode}.
 */
public record RawSection(JsonNode node) {

    public RawSection {
        node = node == null || node.isNull() || node.isMissingNode()
                ? JsonNodeFactory.instance.objectNode() : node.deepCopy();
    }

    static RawSection empty() {
        return new RawSection(null);
    }

    /** A copy: the section stays immutable whatever the caller does with the tree. */
    @Override
    public JsonNode node() {
        return node.deepCopy();
    }

    public boolean isEmpty() {
        return node.isEmpty();
    }

    /** Only the top-level keys: these sections will hold API keys and webhook secrets. */
    @Override
    public String toString() {
        if (node.isArray()) return "[" + node.size() + " entries]";
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) keys.add(it.next());
        return Objects.toString(keys);
    }
}
