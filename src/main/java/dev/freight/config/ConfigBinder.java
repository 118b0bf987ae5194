package dev.freight.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.freight.error.Messages;
import dev.freight.format.ExportFormat;
import dev.freight.source.Dialect;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns the parsed file and the environment into a {@link FreightConfig}, key by key.
 *
 * <p>Each key is read by its path ({@code exports.sync_max_rows}); the variable {@code FREIGHT_<PATH>} (upper
 * case, {@code .} and {@code -} as {@code _}), when set and not empty, replaces the file's value. A value that is
 * exactly {@code ${env:NAME}} is then replaced by that variable. Only then is it typed, so a value is checked the
 * same way wherever it came from, and an error names the key and its origin (file or variable).
 *
 * <p>Binding is explicit rather than by reflection so that every message can name the key, its expected form and
 * the valid choices, and so that unknown keys are errors instead of silently ignored typos.
 */
final class ConfigBinder {
    static final List<String> TOP_LEVEL_KEYS = List.of("data_dir", "server", "job_store", "storage", "sources",
            "datasets", "exports", "limits", "roles", "api_keys");
    static final List<String> SERVER_KEYS = List.of("host", "port", "max_request_bytes", "public_url", "signed_links",
            "session_ttl", "management_port", "management_host", "mask_key");
    /** Sections named by the design but not built yet: refused when set, rather than silently doing nothing. */
    static final Map<String, String> NOT_IMPLEMENTED = Map.of("webhooks",
            "webhooks are not implemented yet: remove the section (finished jobs can be followed with "
                    + "GET /api/v1/export/jobs/{id}/events)");
    static final List<String> SIGNED_LINKS_KEYS = List.of("key", "previous_keys", "default_ttl", "max_ttl");
    /** HMAC-SHA256 keys shorter than its block of 32 bytes weaken it; a random one is generated when none is set. */
    static final int MIN_LINK_KEY_BYTES = 32;
    static final List<String> JOB_STORE_KEYS = List.of("url", "user", "password", "pool_size");
    static final List<String> STORAGE_KEYS = List.of("type", "path");
    static final List<String> SOURCE_KEYS = List.of("url", "user", "password", "pool_size", "include", "exclude");
    static final List<String> DATASET_KEYS = List.of("source", "table", "sql", "time_column", "key");
    static final List<String> EXPORTS_KEYS = List.of("sync_max_rows", "file_ttl", "job_retention", "max_attempts",
            "retry_backoff", "delete_after_download", "worker_concurrency", "lease", "heartbeat", "shutdown_grace",
            "sweep_interval", "default_format", "pdf_max_rows");
    /** Sections whose every variable must be one this binder reads, so that a misspelt one is an error. */
    private static final List<String> CHECKED_PREFIXES = List.of("SERVER", "JOB_STORE", "STORAGE", "EXPORTS");

    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]+");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String fileLabel;
    private final Map<String, String> env;
    private final int processors;
    /** Every FREIGHT_ variable a key was looked up under, to tell real settings from misspelt ones. */
    private final Set<String> consulted = new HashSet<>();

    /** {@code fileLabel} is null when there is no file. */
    ConfigBinder(String fileLabel, Map<String, String> env, int processors) {
        this.fileLabel = fileLabel;
        this.env = Map.copyOf(env);
        this.processors = processors;
    }

    FreightConfig bind(ObjectNode root) {
        Section top = new Section("", root, fileOrigin());
        List<String> known = new ArrayList<>(TOP_LEVEL_KEYS);
        known.addAll(NOT_IMPLEMENTED.keySet());
        top.allow(known);
        Path dataDir = top.get("data_dir").path(Path.of("freight-data"));
        ServerConfig server = server(top.section("server", SERVER_KEYS));
        JobStoreConfig jobStore = jobStore(top.section("job_store", JOB_STORE_KEYS), dataDir);
        StorageConfig storage = storage(top.section("storage", null), dataDir);
        Map<String, SourceConfig> sources = sources(top);
        Map<String, DatasetConfig> datasets = datasets(top, sources);
        ExportsConfig exports = exports(top.section("exports", EXPORTS_KEYS));
        RawSection limits = raw(top, "limits");
        RawSection roles = raw(top, "roles");
        RawSection apiKeys = raw(top, "api_keys");
        NOT_IMPLEMENTED.forEach((key, why) -> {
            if (!raw(top, key).isEmpty()) throw new ConfigException(fileOrigin(), key, why);
        });
        rejectMisspeltVariables();
        return new FreightConfig(dataDir, server, jobStore, storage, sources, datasets, exports, limits, roles,
                apiKeys);
    }

    // ---- sections ------------------------------------------------------------------------------------------

    private ServerConfig server(Section s) {
        Value hostValue = s.get("host");
        String host = hostValue.string("127.0.0.1");
        if (host.contains("://") || host.contains("/") || host.chars().anyMatch(Character::isWhitespace)) {
            throw hostValue.invalid("expected a host name or IP address to listen on (0.0.0.0 for all interfaces)");
        }
        int port = s.get("port").integer(8080, 0, 65535);
        long maxRequestBytes = s.get("max_request_bytes").size(1L << 20);
        Optional<URI> publicUrl = s.get("public_url").httpUrl();
        SignedLinksConfig signedLinks = signedLinks(s.section("signed_links", SIGNED_LINKS_KEYS));
        Duration sessionTtl = s.get("session_ttl").duration(ServerConfig.DEFAULT_SESSION_TTL, false);
        Value managementHostValue = s.get("management_host");
        String managementHost = managementHostValue.string("127.0.0.1");
        if (managementHost.contains("://") || managementHost.contains("/")
                || managementHost.chars().anyMatch(Character::isWhitespace)) {
            throw managementHostValue.invalid("expected a host name or IP address to listen on");
        }
        Value managementPortValue = s.get("management_port");
        OptionalInt managementPort = managementPortValue.isSet()
                ? OptionalInt.of(managementPortValue.integer(0, 0, 65535)) : OptionalInt.empty();
        if (managementPort.isPresent() && managementPort.getAsInt() != 0 && managementPort.getAsInt() == port) {
            throw managementPortValue.invalid("must differ from server.port (" + port + ")");
        }
        Value maskKeyValue = s.get("mask_key");
        Optional<Secret> maskKey = maskKeyValue.secret();
        maskKey.ifPresent(maskKeyValue::checkKeyLength);
        return new ServerConfig(host, port, maxRequestBytes, publicUrl, signedLinks, sessionTtl,
                new ServerConfig.Management(managementHost, managementPort), maskKey);
    }

    private SignedLinksConfig signedLinks(Section s) {
        Value keyValue = s.get("key");
        Optional<Secret> key = keyValue.secret();
        key.ifPresent(k -> keyValue.checkKeyLength(k));
        Value previousValue = s.get("previous_keys");
        List<Secret> previous = previousValue.secretList();
        previous.forEach(previousValue::checkKeyLength);
        Value defaultValue = s.get("default_ttl");
        Duration defaultTtl = defaultValue.duration(SignedLinksConfig.DEFAULT_TTL, false);
        Value maxValue = s.get("max_ttl");
        Duration maxTtl = maxValue.duration(SignedLinksConfig.MAX_TTL, false);
        if (defaultTtl.compareTo(maxTtl) > 0) {
            Value blamed = defaultValue.isSet() || !maxValue.isSet() ? defaultValue : maxValue;
            throw new ConfigException(blamed.origin, blamed.path, "server.signed_links.default_ttl ("
                    + Units.format(defaultTtl) + ") must not exceed server.signed_links.max_ttl ("
                    + Units.format(maxTtl) + ")");
        }
        return new SignedLinksConfig(key, previous, defaultTtl, maxTtl);
    }

    private JobStoreConfig jobStore(Section s, Path dataDir) {
        // Shared with a second process on this machine (a CLI command beside the server), never beyond it.
        String fallback = dev.freight.source.EmbeddedH2.fileUrl(dataDir.resolve("jobs"));
        Value urlValue = s.get("url");
        String url = urlValue.string(fallback);
        Dialect dialect = urlValue.dialect(url);
        if (dialect != Dialect.H2 && dialect != Dialect.POSTGRESQL) {
            throw urlValue.invalid("the job store must be H2 (jdbc:h2:) or PostgreSQL (jdbc:postgresql:)");
        }
        return new JobStoreConfig(url, s.get("user").optionalString(), s.get("password").secret(),
                s.get("pool_size").integer(10, 1, Integer.MAX_VALUE));
    }

    private StorageConfig storage(Section s, Path dataDir) {
        // The type first: settings of a store that does not exist yet should say so, not "unknown key".
        Value typeValue = s.get("type");
        String type = typeValue.string("local").toLowerCase(Locale.ROOT);
        if (type.equals("s3")) throw typeValue.invalid("S3 storage is not supported yet; use local");
        if (!type.equals("local")) throw typeValue.invalid("expected local (s3 is planned)");
        s.allow(STORAGE_KEYS);
        return new StorageConfig(StorageConfig.Type.LOCAL, s.get("path").path(dataDir.resolve("exports")));
    }

    private Map<String, SourceConfig> sources(Section top) {
        Map<String, SourceConfig> sources = new LinkedHashMap<>();
        ObjectNode file = top.mapping("sources");
        for (Map.Entry<String, String> entry : names("sources", file, SOURCE_KEYS).entrySet()) {
            String name = entry.getKey();
            Section s = new Section("sources." + name, file.get(name), entry.getValue());
            s.allow(SOURCE_KEYS);
            Value urlValue = s.get("url");
            String url = urlValue.required("a JDBC URL such as jdbc:postgresql://host:5432/db");
            urlValue.dialect(url);
            sources.put(name, new SourceConfig(name, url, s.get("user").optionalString(), s.get("password").secret(),
                    s.get("pool_size").integer(4, 1, Integer.MAX_VALUE),
                    s.get("include").list(List.of("*")), s.get("exclude").list(List.of())));
        }
        return sources;
    }

    private Map<String, DatasetConfig> datasets(Section top, Map<String, SourceConfig> sources) {
        Map<String, DatasetConfig> datasets = new LinkedHashMap<>();
        ObjectNode file = top.mapping("datasets");
        for (Map.Entry<String, String> entry : names("datasets", file, DATASET_KEYS).entrySet()) {
            String name = entry.getKey();
            Section d = new Section("datasets." + name, file.get(name), entry.getValue());
            d.allow(DATASET_KEYS);
            Value sourceValue = d.get("source");
            String source = sourceValue.required("the name of a source under sources:");
            if (!sources.containsKey(source) && !source.equals(FreightConfig.DEMO_SOURCE)) {
                throw new ConfigException(sourceValue.origin, sourceValue.path, "unknown source"
                        + choices(source, sources.keySet(), "sources"));
            }
            Value table = d.get("table");
            Value sql = d.get("sql");
            if (table.isSet() && sql.isSet()) {
                throw new ConfigException(d.origin, d.path, "set either table or sql, not both");
            }
            if (!table.isSet() && !sql.isSet()) {
                throw new ConfigException(d.origin, d.path, "missing table (a table of the source) or sql (a SELECT"
                        + " query)");
            }
            Optional<String> timeColumn = d.get("time_column").optionalString();
            List<String> key = d.get("key").list(List.of());
            if (table.isSet()) {
                datasets.put(name, new TableDataset(name, source, table.string(null), timeColumn, key));
            } else {
                String query = sql.string(null).strip();
                String problem = SelectOnly.problem(query);
                if (problem != null) throw new ConfigException(sql.origin, sql.path, problem);
                datasets.put(name, new SqlDataset(name, source, query, timeColumn, key));
            }
        }
        return datasets;
    }

    private ExportsConfig exports(Section s) {
        long syncMaxRows = s.get("sync_max_rows").longInteger(10_000, 1, Long.MAX_VALUE);
        Value ttlValue = s.get("file_ttl");
        Duration fileTtl = ttlValue.duration(Duration.ofHours(24), false);
        Value retentionValue = s.get("job_retention");
        Duration jobRetention = retentionValue.duration(Duration.ofDays(30), false);
        if (jobRetention.compareTo(fileTtl) < 0) {
            Value blamed = retentionValue.isSet() || !ttlValue.isSet() ? retentionValue : ttlValue;
            throw new ConfigException(blamed.origin, blamed.path, "exports.job_retention ("
                    + Units.format(jobRetention) + ") must be at least exports.file_ttl (" + Units.format(fileTtl)
                    + "): a job's record must outlive its file");
        }
        int maxAttempts = s.get("max_attempts").integer(3, 1, 20);
        Duration retryBackoff = s.get("retry_backoff").duration(Duration.ofSeconds(5), false);
        boolean deleteAfterDownload = s.get("delete_after_download").bool(false);
        int workerConcurrency = s.get("worker_concurrency").integer(Math.max(2, 2 * processors), 1, 1024);
        Value leaseValue = s.get("lease");
        Duration lease = leaseValue.duration(Duration.ofSeconds(30), false);
        Value heartbeatValue = s.get("heartbeat");
        Duration heartbeat = heartbeatValue.duration(Duration.ofSeconds(10), false);
        if (heartbeat.compareTo(lease) >= 0) {
            // Blame the key that was set: with only the lease changed, the heartbeat's default is not the mistake.
            Value blamed = heartbeatValue.isSet() || !leaseValue.isSet() ? heartbeatValue : leaseValue;
            throw new ConfigException(blamed.origin, blamed.path, "exports.heartbeat (" + Units.format(heartbeat)
                    + ") must be shorter than exports.lease (" + Units.format(lease) + "), or a running job's lease"
                    + " lapses between heartbeats and another node takes the job over");
        }
        Duration shutdownGrace = s.get("shutdown_grace").duration(Duration.ofSeconds(30), true);
        Duration sweepInterval = s.get("sweep_interval").duration(Duration.ofMinutes(1), false);
        ExportFormat defaultFormat = s.get("default_format").format(ExportFormat.CSV);
        long pdfMaxRows = s.get("pdf_max_rows").longInteger(100_000, 1, 10_000_000);
        return new ExportsConfig(syncMaxRows, fileTtl, jobRetention, maxAttempts, retryBackoff, deleteAfterDownload,
                workerConcurrency, lease, heartbeat, shutdownGrace, sweepInterval, defaultFormat, pdfMaxRows);
    }

    /**
     * A section not defined yet, kept as a tree: its scalars get the same environment overrides and
     * {@code ${env:NAME}} references as any other key, but only keys present in the file can be overridden,
     * since nothing says yet which keys it may have.
     */
    private RawSection raw(Section top, String key) {
        JsonNode node = top.node.get(key);
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().isEmpty())) {
            node = NODES.objectNode();
        } else if (!node.isContainerNode()) {
            throw new ConfigException(fileOrigin(), key, "expected a mapping or a list, got " + describe(node));
        }
        JsonNode tree = node.deepCopy();
        overrideLeaves(tree, key);
        String prefix = envName(key) + "_";
        for (String variable : new TreeMap<>(env).keySet()) {
            if (variable.startsWith(prefix) && !env.get(variable).isEmpty() && !consulted.contains(variable)) {
                throw new ConfigException(variable, null, "no key of " + key + " in the file matches it (only keys"
                        + " present in the file can be overridden until this section is defined)");
            }
        }
        return new RawSection(tree);
    }

    private void overrideLeaves(JsonNode container, String path) {
        if (container instanceof ObjectNode object) {
            for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                JsonNode child = object.get(field);
                if (child.isContainerNode()) {
                    overrideLeaves(child, path + "." + field);
                } else {
                    object.set(field, leaf(value(path + "." + field, child, fileOrigin())));
                }
            }
        } else if (container instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode child = array.get(i);
                if (child.isContainerNode()) {
                    overrideLeaves(child, path + "." + i);
                } else {
                    array.set(i, leaf(value(path + "." + i, child, fileOrigin())));
                }
            }
        }
    }

    private static JsonNode leaf(Value v) {
        return v.node == null ? NODES.nullNode() : v.node;
    }

    // ---- named entries: sources and datasets ---------------------------------------------------------------

    /**
     * The entries of a named map, in file order, then those that exist only as variables
     * ({@code FREIGHT_SOURCES_<NAME>_URL} creates source {@code name}), each with the origin to blame when one of
     * its required keys is missing. The key is recognised at the end of the variable, so names may contain
     * {@code _}.
     */
    private Map<String, String> names(String section, ObjectNode file, List<String> keys) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, String> byVariableForm = new HashMap<>();
        for (Iterator<String> it = file.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            checkName(fileOrigin(), section, name);
            String form = variableForm(name);
            String clash = byVariableForm.put(form, name);
            if (clash != null) {
                throw new ConfigException(fileOrigin(), section, "'" + clash + "' and '" + name + "' would share"
                        + " the environment variables FREIGHT_" + variableForm(section) + "_" + form + "_*; rename one");
            }
            names.put(name, fileOrigin());
        }
        String prefix = "FREIGHT_" + variableForm(section) + "_";
        List<String> suffixes = keys.stream().map(k -> "_" + variableForm(k))
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        for (Map.Entry<String, String> variable : new TreeMap<>(env).entrySet()) {
            String var = variable.getKey();
            if (!var.startsWith(prefix) || variable.getValue().isEmpty()) continue;
            String rest = var.substring(prefix.length());
            String suffix = suffixes.stream().filter(x -> rest.endsWith(x) && rest.length() > x.length())
                    .findFirst().orElse(null);
            if (suffix == null) {
                throw new ConfigException(var, null, "not a setting of " + section + ": expected " + prefix
                        + "<NAME>_<KEY> with KEY one of " + keys.stream().map(ConfigBinder::variableForm)
                        .collect(Collectors.joining(", ")));
            }
            String form = rest.substring(0, rest.length() - suffix.length());
            if (byVariableForm.containsKey(form)) continue;
            String name = form.toLowerCase(Locale.ROOT);
            checkName(var, section, name);
            byVariableForm.put(form, name);
            names.put(name, var);
        }
        return names;
    }

    private static void checkName(String origin, String section, String name) {
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(origin, section, "invalid name '" + name + "': use lower-case letters, digits,"
                    + " '_' and '-'");
        }
        if (section.equals("sources") && name.equals(FreightConfig.DEMO_SOURCE)) {
            throw new ConfigException(origin, section + "." + name, "the name 'demo' is reserved for the built-in"
                    + " demo database (--demo); choose another");
        }
    }

    /** A variable in a checked section that no key was looked up under is a typo, not something to ignore. */
    private void rejectMisspeltVariables() {
        for (String variable : new TreeMap<>(env).keySet()) {
            if (consulted.contains(variable) || env.get(variable).isEmpty()) continue;
            for (String section : CHECKED_PREFIXES) {
                String prefix = "FREIGHT_" + section + "_";
                if (!variable.startsWith(prefix)) continue;
                List<String> known = consulted.stream().filter(c -> c.startsWith(prefix)).sorted().toList();
                String hint = Suggestions.closest(variable, known).map(s -> " (did you mean " + s + "?)")
                        .orElse("; settings: " + String.join(", ", known));
                throw new ConfigException(variable, null, "unknown setting" + hint);
            }
        }
    }

    // ---- values --------------------------------------------------------------------------------------------

    private String fileOrigin() {
        return fileLabel != null ? fileLabel : "configuration";
    }

    static String envName(String path) {
        return "FREIGHT_" + variableForm(path);
    }

    private static String variableForm(String path) {
        return path.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The value of the key at {@code path}: its variable when set, else the file's node, references resolved. */
    private Value value(String path, JsonNode fileNode, String fileOrigin) {
        String variable = envName(path);
        consulted.add(variable);
        String fromEnv = env.get(variable);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return resolve(path, variable, NODES.textNode(fromEnv), true);
        }
        return resolve(path, fileOrigin, fileNode, false);
    }

    private Value resolve(String path, String origin, JsonNode node, boolean fromEnvironment) {
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().isEmpty())) {
            return new Value(path, origin, null, null, fromEnvironment);
        }
        if (!node.isTextual()) return new Value(path, origin, node, null, fromEnvironment);
        String text = node.textValue();
        Matcher m = ENV_REFERENCE.matcher(text.strip());
        if (m.matches()) {
            String name = m.group(1);
            String resolved = env.get(name);
            if (resolved == null) {
                throw new ConfigException(origin, path, "environment variable " + name + " is not set (referenced"
                        + " as ${env:" + name + "})");
            }
            return new Value(path, origin, resolved.isEmpty() ? null : NODES.textNode(resolved), name,
                    fromEnvironment);
        }
        if (text.contains("${env:")) {
            throw new ConfigException(origin, path, "a reference must be the whole value, exactly ${env:NAME} with"
                    + " NAME made of letters, digits and _");
        }
        return new Value(path, origin, node, null, fromEnvironment);
    }

    private static String describe(JsonNode node) {
        if (node.isArray()) return "a list";
        if (node.isObject()) return "a mapping";
        return quote(node.asText());
    }

    private static String quote(String s) {
        return "\"" + Messages.shorten(s.replace("\\", "\\\\").replace("\"", "\\\"")) + "\"";
    }

    private static String choices(String wrong, Set<String> valid, String what) {
        if (valid.isEmpty()) return " '" + Messages.shorten(wrong) + "': no " + what + " are configured";
        return " '" + Messages.shorten(wrong) + "'" + Suggestions.closest(wrong, valid)
                .map(s -> " (did you mean '" + s + "'?)").orElse("") + "; " + what + ": " + Messages.choices(valid);
    }

    /** A mapping in the file, possibly absent, read key by key. */
    private final class Section {
        final String path;
        final ObjectNode node;
        final String origin;

        Section(String path, JsonNode node, String origin) {
            this.path = path;
            this.origin = origin;
            if (node == null || node.isNull() || (node.isTextual() && node.textValue().isEmpty())) {
                this.node = NODES.objectNode();
            } else if (node instanceof ObjectNode object) {
                this.node = object;
            } else {
                throw new ConfigException(origin, path, "expected a mapping (indented key: value lines), got "
                        + describe(node));
            }
        }

        Section section(String key, List<String> keys) {
            Section s = new Section(child(key), node.get(key), origin);
            if (keys != null) s.allow(keys);
            return s;
        }

        ObjectNode mapping(String key) {
            return new Section(child(key), node.get(key), origin).node;
        }

        void allow(List<String> keys) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (keys.contains(key)) continue;
                String hint = Suggestions.closest(key, keys).map(s -> " (did you mean '" + s + "'?)")
                        .orElse("; valid keys: " + String.join(", ", keys));
                throw new ConfigException(origin, path, "unknown key '" + key + "'" + hint);
            }
        }

        Value get(String key) {
            return value(child(key), node.get(key), origin);
        }

        private String child(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }

    /** One key's value, unset when {@code node} is null; typed by the method that knows what the key holds. */
    private final class Value {
        final String path;
        final String origin;
        final JsonNode node;
        final String reference;
        final boolean fromEnvironment;

        Value(String path, String origin, JsonNode node, String reference, boolean fromEnvironment) {
            this.path = path;
            this.origin = origin;
            this.node = node;
            this.reference = reference;
            this.fromEnvironment = fromEnvironment;
        }

        boolean isSet() {
            return node != null;
        }

        ConfigException invalid(String problem) {
            return new ConfigException(origin, path, problem + (node == null ? "" : ", got " + shown()));
        }

        private String shown() {
            String shown = describe(node);
            if (node.isTextual() && path.endsWith("url")) shown = quote(JdbcUrls.redact(node.textValue()));
            return reference == null ? shown : shown + " (from ${env:" + reference + "})";
        }

        /** The text of a scalar; a list or mapping where a scalar belongs is an error. */
        private String text(String expected) {
            if (!node.isTextual()) throw invalid("expected " + expected);
            return node.textValue().strip();
        }

        String string(String fallback) {
            return node == null ? fallback : text("a string");
        }

        Optional<String> optionalString() {
            return Optional.ofNullable(string(null)).filter(s -> !s.isEmpty());
        }

        String required(String what) {
            if (node == null) throw new ConfigException(origin, path, "missing: expected " + what);
            String s = text(what);
            if (s.isEmpty()) throw invalid("expected " + what);
            return s;
        }

        /**
         * Secrets are written as ${env:NAME} in the file, so the file can be checked in and shared; a variable
         * (FREIGHT_SOURCES_SHOP_PASSWORD) may hold one directly, the environment being where secrets live.
         */
        Optional<Secret> secret() {
            if (node == null) return Optional.empty();
            if (!node.isTextual()) throw new ConfigException(origin, path, "expected ${env:NAME}");
            if (reference == null && !fromEnvironment) {
                throw new ConfigException(origin, path, "secrets are not written in the file: write ${env:NAME} and"
                        + " set the variable NAME, or set " + envName(path));
            }
            return Optional.of(new Secret(node.textValue()));
        }

        /**
         * Secrets as a list: each item ${env:NAME} (an item whose variable is set but empty is left out, so an
         * optional old key can stay in the file), or, from a variable, the secrets themselves comma-separated.
         */
        List<Secret> secretList() {
            if (node == null) return List.of();
            List<Secret> items = new ArrayList<>();
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    Value item = resolve(path + "." + i, origin, node.get(i), fromEnvironment);
                    if (item.node == null) continue;
                    item.secret().ifPresent(items::add);
                }
                return List.copyOf(items);
            }
            if (reference == null && !fromEnvironment) {
                throw new ConfigException(origin, path, "secrets are not written in the file: write a list of"
                        + " ${env:NAME}, or set " + envName(path) + " (comma-separated)");
            }
            for (String item : text("a comma-separated list of secrets").split(",", -1)) {
                if (!item.isBlank()) items.add(new Secret(item.strip()));
            }
            return List.copyOf(items);
        }

        void checkKeyLength(Secret key) {
            int bytes = key.reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes < MIN_LINK_KEY_BYTES) {
                throw new ConfigException(origin, path, "a key must be at least " + MIN_LINK_KEY_BYTES
                        + " bytes long, got " + bytes + " (e.g. openssl rand -base64 48)");
            }
        }

        int integer(int fallback, int min, int max) {
            return (int) longInteger(fallback, min, max);
        }

        long longInteger(long fallback, long min, long max) {
            String expected = max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                    ? (min == 1 ? "a positive integer" : "an integer of at least " + min)
                    : "an integer from " + min + " to " + max;
            if (node == null) return fallback;
            String s = text(expected).replace("_", "");
            try {
                long n = Long.parseLong(s);
                if (n < min || n > max) throw invalid("expected " + expected);
                return n;
            } catch (NumberFormatException e) {
                throw invalid("expected " + expected);
            }
        }

        boolean bool(boolean fallback) {
            if (node == null) return fallback;
            String s = text("true or false").toLowerCase(Locale.ROOT);
            if (s.equals("true")) return true;
            if (s.equals("false")) return false;
            throw invalid("expected true or false");
        }

        Duration duration(Duration fallback, boolean zeroAllowed) {
            if (node == null) return fallback;
            String expected = zeroAllowed ? Units.DURATION_FORMS : "a positive " + Units.DURATION_FORMS.substring(2);
            Duration d = Units.duration(text(expected));
            if (d == null || d.isNegative() || (d.isZero() && !zeroAllowed)) throw invalid("expected " + expected);
            return d;
        }

        long size(long fallback) {
            if (node == null) return fallback;
            Long bytes = Units.size(text(Units.SIZE_FORMS));
            if (bytes == null || bytes <= 0) throw invalid("expected " + Units.SIZE_FORMS);
            return bytes;
        }

        Path path(Path fallback) {
            if (node == null) return fallback.normalize();
            try {
                return Path.of(text("a file system path")).normalize();
            } catch (InvalidPathException e) {
                throw invalid("expected a file system path (" + e.getReason() + ")");
            }
        }

        Optional<URI> httpUrl() {
            if (node == null) return Optional.empty();
            String expected = "an absolute http(s) URL such as https://freight.example.com";
            String s = text(expected);
            try {
                URI uri = new URI(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                    throw invalid("expected " + expected + " (no query or fragment)");
                }
                return Optional.of(uri);
            } catch (URISyntaxException e) {
                throw invalid("expected " + expected);
            }
        }

        /** The dialect of a JDBC URL, to refuse at start-up what no driver here could open. */
        Dialect dialect(String url) {
            try {
                return Dialect.fromJdbcUrl(url);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(origin, path, "expected a JDBC URL starting with jdbc:postgresql:,"
                        + " jdbc:mariadb:, jdbc:mysql:, jdbc:h2: or jdbc:sqlite:, got " + quote(JdbcUrls.redact(url))
                        + (reference == null ? "" : " (from ${env:" + reference + "})"));
            }
        }

        ExportFormat format(ExportFormat fallback) {
            if (node == null) return fallback;
            String id = text("a format").toLowerCase(Locale.ROOT);
            return Arrays.stream(ExportFormat.values()).filter(f -> f.id().equals(id)).findFirst()
                    .orElseThrow(() -> invalid("expected one of " + ExportFormat.choices()));
        }

        /**
         * A list of non-empty strings, written as a YAML list or as one comma-separated string (the only way a
         * variable can hold a list: FREIGHT_SOURCES_SHOP_INCLUDE=public.*,sales.*).
         */
        List<String> list(List<String> fallback) {
            if (node == null) return fallback;
            List<String> items = new ArrayList<>();
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    Value item = resolve(path + "." + i, origin, node.get(i), fromEnvironment);
                    if (item.node == null || !item.node.isTextual() || item.node.textValue().isBlank()) {
                        throw invalid("expected a list of non-empty strings");
                    }
                    items.add(item.node.textValue().strip());
                }
                return List.copyOf(items);
            }
            for (String item : text("a list of strings").split(",", -1)) {
                if (item.isBlank()) throw invalid("expected a comma-separated list of non-empty strings");
                items.add(item.strip());
            }
            return List.copyOf(items);
        }
    }
}
