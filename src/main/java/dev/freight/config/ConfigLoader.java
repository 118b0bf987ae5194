package dev.freight.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code freight.yml} and the {@code FREIGHT_*} environment into a validated {@link FreightConfig}.
 *
 * <p>The file is the one given (the {@code --config} option), else the one {@code FREIGHT_CONFIG} names, else there
 * is none and every key has its default. A file that was named must exist. Any problem is a
 * {@link ConfigException} whose one-line message names the key; start-up should print it and stop.
 *
 * <p>The environment is passed in rather than read here, so that tests (and embedding code) control it.
 */
public final class ConfigLoader {
    public static final String CONFIG_VARIABLE = "FREIGHT_CONFIG";

    private static final YAMLFactory YAML = YAMLFactory.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConfigLoader() {
    }

    public static FreightConfig load(Optional<Path> file, Map<String, String> env) {
        Optional<Path> path = file;
        String namedBy = "--config";
        if (path.isEmpty()) {
            String fromEnv = env.get(CONFIG_VARIABLE);
            if (fromEnv != null && !fromEnv.isBlank()) {
                path = Optional.of(Path.of(fromEnv.trim()));
                namedBy = CONFIG_VARIABLE;
            }
        }
        int processors = Runtime.getRuntime().availableProcessors();
        if (path.isEmpty()) {
            return new ConfigBinder(null, env, processors).bind(NODES.objectNode());
        }
        String label = path.get().toString();
        return new ConfigBinder(label, env, processors).bind(parse(label, read(path.get(), label, namedBy)));
    }

    private static String read(Path path, String label, String namedBy) {
        if (Files.isDirectory(path)) {
            throw new ConfigException(label, null, "is a directory, not a config file (named by " + namedBy + ")");
        }
        try {
            String text = Files.readString(path);
            // Some Windows editors start UTF-8 files with a byte order mark, which YAML would take as content.
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (NoSuchFileException e) {
            throw new ConfigException(label, null, "no such file (named by " + namedBy + ")");
        } catch (CharacterCodingException e) {
            throw new ConfigException(label, null, "not valid UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(label, null, "cannot read: " + e.getMessage());
        }
    }

    /**
     * The document as a tree of mappings, lists and text. The tree is built here rather than by
     * {@code ObjectMapper.readTree} because that keeps YAML 1.1's guesses ({@code yes} becomes true, {@code 0123}
     * octal 83, an alias {@code *x} the string "x") and drops duplicate keys silently; here every scalar stays
     * the text that was written and the binder types it, exactly as it types environment variables.
     */
    static ObjectNode parse(String label, String yaml) {
        try (JsonParser parser = YAML.createParser(yaml)) {
            JsonToken first = parser.nextToken();
            if (first == null) return NODES.objectNode();
            if (first != JsonToken.START_OBJECT) {
                JsonNode root = value(label, parser);
                if (root.isNull()) return NODES.objectNode();
                throw new ConfigException(label, null, "expected a mapping of sections (server:, sources:, ...) at the"
                        + " top level, got " + (root.isArray() ? "a list" : "a single value"));
            }
            ObjectNode root = (ObjectNode) value(label, parser);
            if (parser.nextToken() != null) {
                throw new ConfigException(label, null, at(parser.currentTokenLocation())
                        + "only one YAML document is allowed, found a second one");
            }
            return root;
        } catch (JsonProcessingException e) {
            // SnakeYAML's own exception (the cause) separates the problem from its position and a snippet.
            if (e.getCause() instanceof MarkedYAMLException marked) throw syntaxError(label, marked);
            throw new ConfigException(label, null, at(e.getLocation()) + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ConfigException(label, null, "cannot read: " + e.getMessage());
        }
    }

    private static JsonNode value(String label, JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            ObjectNode object = NODES.objectNode();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonLocation where = parser.currentTokenLocation();
                parser.nextToken();
                JsonNode child = value(label, parser);
                if (object.has(key)) {
                    throw new ConfigException(label, null, at(where) + "duplicate key '" + key + "'");
                }
                object.set(key, child);
            }
            return object;
        }
        if (token == JsonToken.START_ARRAY) {
            ArrayNode array = NODES.arrayNode();
            while (parser.nextToken() != JsonToken.END_ARRAY) array.add(value(label, parser));
            return array;
        }
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            throw new ConfigException(label, null, at(parser.currentTokenLocation()) + "YAML aliases (*"
                    + parser.getText() + ") are not supported; write the value out");
        }
        if (token == JsonToken.VALUE_NULL) return NODES.nullNode();
        return NODES.textNode(parser.getText());
    }

    private static ConfigException syntaxError(String label, MarkedYAMLException e) {
        var mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        String where = mark == null ? "" : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
        String problem = firstLine(e.getProblem() != null ? e.getProblem() : e.getMessage());
        String context = e.getContext() == null ? "" : " (" + firstLine(e.getContext()) + ")";
        String hint = problem.contains("\\t") ? "; indent with spaces, YAML does not allow tabs" : "";
        return new ConfigException(label, null, where + "YAML syntax error: " + problem + context + hint);
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) return "";
        return "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
    }

    private static String firstLine(String message) {
        if (message == null) return "unreadable YAML";
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).trim();
    }
}
