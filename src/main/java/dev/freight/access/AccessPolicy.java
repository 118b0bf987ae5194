package dev.freight.access;

import dev.freight.auth.Principal;
import dev.freight.auth.SecretFiles;
import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.config.ConfigException;
import dev.freight.config.RawSection;
import dev.freight.error.Messages;
import dev.freight.query.DatasetAccess;
import dev.freight.query.Mask;
import dev.freight.source.Column;
import dev.freight.source.Dialect;
import dev.freight.source.SourceRegistry;
import dev.freight.source.Table;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which datasets, columns and rows each role may export: the config's {@code roles}. A role lists datasets by name
 * or glob ({@code *}, {@code ?}); a dataset it does not match does not exist for it. Per dataset: {@code
 * columns_allowed} (only these), {@code columns_denied} (never these), {@code columns_masked} (column → mask) and
 * {@code row_filter} (SQL on the dataset's columns; {@code :name} binds the principal's attribute {@code name}).
 * An exact name wins over globs; otherwise the first matching glob in file order.
 *
 * <p>{@value Principal#ADMIN} and {@value Principal#USER} are built in and see everything; a principal whose role
 * is not defined (a key created for a role removed since) sees nothing.
 */
public final class AccessPolicy {
    private static final String ORIGIN = "configuration";
    private static final Set<String> ROLE_KEYS = Set.of("datasets", "limits");
    private static final Set<String> RULE_KEYS = Set.of("columns_allowed", "columns_denied", "columns_masked", "row_filter");
    private static final Pattern ROLE_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final AccessPolicy UNRESTRICTED = new AccessPolicy(Map.of(), null);

    /** A role's rules for the datasets one pattern matches; column names as written in the config. */
    record Rule(String pattern, String key, Pattern glob, List<String> allowed, List<String> denied,
                Map<String, Mask> masked, String rowFilterSql, List<String> attributes) {

        boolean matches(String dataset) {
            return glob == null ? pattern.equals(dataset) : glob.matcher(dataset).matches();
        }
    }

    private final Map<String, List<Rule>> roles;
    /** The secret of the {@code hash} mask, shared by every node ({@code server.mask_key}). */
    private final byte[] hashKey;

    private AccessPolicy(Map<String, List<Rule>> roles, byte[] hashKey) {
        this.roles = roles;
        this.hashKey = hashKey;
    }

    /** No roles configured: only the built-in roles, which may export every dataset, whole. */
    public static AccessPolicy unrestricted() {
        return UNRESTRICTED;
    }

    public static final String MASK_KEY_FILE = "mask-key";

    /**
     * The key of the {@code hash} mask: {@code server.mask_key}, else the node's own generated key in
     * {@code dataDir} (good for one node only: nodes with different keys hash the same value differently).
     */
    public static byte[] hashKey(java.util.Optional<dev.freight.config.Secret> configured, java.nio.file.Path dataDir) {
        return configured.map(k -> k.reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .orElseGet(() -> SecretFiles.loadOrCreateKey(dataDir, MASK_KEY_FILE, 32, "mask key"));
    }

    /**
     * Parses and checks the {@code roles} section on its own; {@link #validate} checks it against the datasets.
     * {@code hashKey} keys the {@code hash} mask (HMAC-SHA256).
     */
    public static AccessPolicy fromConfig(RawSection section, byte[] hashKey) {
        JsonNode node = section == null ? null : section.node();
        if (node == null || node.isEmpty()) return UNRESTRICTED;
        if (!node.isObject()) throw new ConfigException(ORIGIN, "roles", "expected a mapping of role names to their rules");
        Map<String, List<Rule>> roles = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String key = "roles." + name;
            if (name.equals(Principal.ADMIN) || name.equals(Principal.USER)) {
                throw new ConfigException(ORIGIN, key, "role '" + name + "' is built in and cannot be defined ("
                        + Principal.ADMIN + " manages everything, " + Principal.USER + " exports every dataset whole)");
            }
            if (!ROLE_NAME.matcher(name).matches()) {
                throw new ConfigException(ORIGIN, key, "invalid role name: use lower-case letters, digits, '_' and '-',"
                        + " starting with a letter");
            }
            roles.put(name, role(key, e.getValue()));
        }
        return new AccessPolicy(Collections.unmodifiableMap(roles), hashKey.clone());
    }

    private static List<Rule> role(String key, JsonNode node) {
        if (node == null || node.isNull()) {
            throw new ConfigException(ORIGIN, key, "a role needs datasets: a mapping of dataset names or globs to rules");
        }
        if (!node.isObject()) throw new ConfigException(ORIGIN, key, "expected a mapping with datasets (and limits)");
        unknownKeys(key, node, ROLE_KEYS);
        JsonNode datasets = node.get("datasets");
        String dkey = key + ".datasets";
        if (datasets == null || datasets.isNull()) {
            throw new ConfigException(ORIGIN, dkey, "missing: list the datasets the role may export (an empty mapping"
                    + " means none)");
        }
        if (!datasets.isObject()) {
            throw new ConfigException(ORIGIN, dkey, "expected a mapping of dataset names or globs to rules, e.g. "
                    + "orders: {columns_denied: [notes]}");
        }
        List<Rule> rules = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = datasets.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            rules.add(rule(e.getKey(), dkey + "." + e.getKey(), e.getValue()));
        }
        return List.copyOf(rules);
    }

    private static Rule rule(String pattern, String key, JsonNode node) {
        if (pattern.isBlank()) throw new ConfigException(ORIGIN, key, "a dataset name or glob must not be empty");
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().isEmpty())) {
            node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            throw new ConfigException(ORIGIN, key, "expected a mapping of rules (" + String.join(", ", sorted(RULE_KEYS))
                    + "), or {} for the whole dataset");
        }
        unknownKeys(key, node, RULE_KEYS);
        List<String> allowed = node.has("columns_allowed") ? names(key + ".columns_allowed", node.get("columns_allowed")) : null;
        List<String> denied = node.has("columns_denied") ? names(key + ".columns_denied", node.get("columns_denied")) : List.of();
        Map<String, Mask> masked = masks(key + ".columns_masked", node.get("columns_masked"));
        for (String m : masked.keySet()) {
            if (containsIgnoreCase(denied, m)) {
                throw new ConfigException(ORIGIN, key + ".columns_masked", "column '" + m + "' is also denied; a denied "
                        + "column is never exported, so masking it means nothing");
            }
            if (allowed != null && !containsIgnoreCase(allowed, m)) {
                throw new ConfigException(ORIGIN, key + ".columns_masked", "column '" + m + "' is not in columns_allowed;"
                        + " only an allowed column can be exported masked");
            }
        }
        String sql = null;
        List<String> attributes = List.of();
        JsonNode filter = node.get("row_filter");
        if (filter != null && !filter.isNull()) {
            if (!filter.isTextual() || filter.textValue().isBlank()) {
                throw new ConfigException(ORIGIN, key + ".row_filter", "expected SQL text, e.g. \"tenant_id = :tenant_id\"");
            }
            RowFilter parsed = RowFilter.parse(key + ".row_filter", filter.textValue());
            sql = parsed.sql();
            attributes = parsed.attributes();
        }
        Pattern glob = pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 ? glob(pattern) : null;
        return new Rule(pattern, key, glob, allowed, denied, masked, sql, attributes);
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private static void unknownKeys(String key, JsonNode node, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new ConfigException(ORIGIN, key + "." + k, "unknown key; valid keys here: "
                        + String.join(", ", sorted(known)));
            }
        }
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    private static List<String> names(String key, JsonNode node) {
        if (node == null || node.isNull()) return List.of();
        if (!node.isArray()) throw new ConfigException(ORIGIN, key, "expected a list of column names, e.g. [id, total]");
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode n : node) {
            if (!n.isTextual() || n.textValue().isBlank()) {
                throw new ConfigException(ORIGIN, key, "expected a list of column names, got an element "
                        + (n.isContainerNode() ? "that is a " + (n.isArray() ? "list" : "mapping") : "'" + n.asText() + "'"));
            }
            if (!names.add(n.textValue())) throw new ConfigException(ORIGIN, key, "column '" + n.textValue() + "' is listed twice");
        }
        return List.copyOf(names);
    }

    private static Map<String, Mask> masks(String key, JsonNode node) {
        if (node == null || node.isNull()) return Map.of();
        if (!node.isObject()) {
            throw new ConfigException(ORIGIN, key, "expected a mapping of column names to masks (" + Mask.choices()
                    + "), e.g. {email: email}");
        }
        Map<String, Mask> masks = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            // An unquoted null in YAML is a null node, not the text "null": both mean the null mask.
            String text = v == null || v.isNull() ? "null" : v.isTextual() ? v.textValue() : null;
            Mask mask = Mask.fromWire(text).orElseThrow(() -> new ConfigException(ORIGIN, key + "." + e.getKey(),
                    Messages.unknown("mask", v == null ? "" : v.asText(), Mask.choices())));
            masks.put(e.getKey(), mask);
        }
        return Collections.unmodifiableMap(masks);
    }

    private static boolean containsIgnoreCase(List<String> list, String name) {
        return list.stream().anyMatch(n -> n.equalsIgnoreCase(name));
    }

    /** A row filter with each {@code :name} replaced by {@code ?}, and the names in order. */
    record RowFilter(String sql, List<String> attributes) {
        private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

        /**
         * Placeholders are found outside quoted text and identifiers only; {@code ::} (PostgreSQL casts) is left
         * alone. A bare {@code ?} is refused: it would shift every bound value after it.
         */
        static RowFilter parse(String key, String text) {
            StringBuilder sql = new StringBuilder(text.length());
            List<String> attributes = new ArrayList<>();
            int i = 0;
            int n = text.length();
            while (i < n) {
                char c = text.charAt(i);
                if (c == '\'' || c == '"' || c == '`') {
                    int end = i + 1;
                    while (end < n) {
                        if (text.charAt(end) == c) {
                            if (end + 1 < n && text.charAt(end + 1) == c) {
                                end += 2;
                                continue;
                            }
                            break;
                        }
                        end++;
                    }
                    if (end >= n) throw new ConfigException(ORIGIN, key, "unterminated " + c + " quote");
                    sql.append(text, i, end + 1);
                    i = end + 1;
                } else if (c == ';') {
                    throw new ConfigException(ORIGIN, key, "a row filter is one condition; ';' is not allowed");
                } else if ((c == '-' && i + 1 < n && text.charAt(i + 1) == '-')
                        || (c == '/' && i + 1 < n && text.charAt(i + 1) == '*')) {
                    // It would comment out whatever the planner puts after the filter.
                    throw new ConfigException(ORIGIN, key, "comments are not allowed in a row filter");
                } else if (c == '?') {
                    throw new ConfigException(ORIGIN, key, "'?' is not allowed; bind principal attributes as :name");
                } else if (c == ':' && i + 1 < n && text.charAt(i + 1) == ':') {
                    sql.append("::");
                    i += 2;
                } else if (c == ':') {
                    java.util.regex.Matcher m = IDENTIFIER.matcher(text).region(i + 1, n);
                    if (!m.lookingAt()) {
                        throw new ConfigException(ORIGIN, key, "':' must start a placeholder :name where name is an"
                                + " identifier (letters, digits, '_'), at character " + (i + 1));
                    }
                    attributes.add(m.group());
                    sql.append('?');
                    i = m.end();
                } else {
                    sql.append(c);
                    i++;
                }
            }
            return new RowFilter(sql.toString(), List.copyOf(attributes));
        }
    }

    /** The roles defined in the config (never {@code admin} or {@code user}). */
    public Set<String> roles() {
        return roles.keySet();
    }

    /** Whether principals of {@code role} may exist: a built-in role or one defined here. */
    public boolean knows(String role) {
        return Principal.ADMIN.equals(role) || Principal.USER.equals(role) || roles.containsKey(role);
    }

    /**
     * Checks the roles against the datasets, so that a mistake stops start-up rather than an export: every rule
     * names a dataset that exists (a glob matches at least one), every column it names exists in each dataset it
     * governs, and each row filter runs there ({@code SELECT 1 … WHERE (filter) AND 1=0}, attributes NULL).
     */
    public void validate(SourceRegistry registry) {
        List<String> datasets = registry.datasetNames();
        for (Map.Entry<String, List<Rule>> role : roles.entrySet()) {
            for (Rule rule : role.getValue()) {
                if (datasets.stream().noneMatch(rule::matches)) {
                    throw new ConfigException(ORIGIN, rule.key(), rule.glob() == null
                            ? "no dataset '" + rule.pattern() + "'; datasets: " + Messages.choices(datasets)
                            : "the pattern matches no dataset; datasets: " + Messages.choices(datasets));
                }
            }
            for (String name : datasets) {
                Optional<Rule> rule = ruleFor(role.getValue(), name);
                if (rule.isEmpty()) continue;
                SourceRegistry.Dataset d = registry.resolve(name);
                check(rule.get(), d);
            }
        }
    }

    private static void check(Rule rule, SourceRegistry.Dataset d) {
        Table t = d.table();
        if (rule.allowed() != null) for (String c : rule.allowed()) column(t, c, rule.key() + ".columns_allowed");
        for (String c : rule.denied()) column(t, c, rule.key() + ".columns_denied");
        for (String c : rule.masked().keySet()) column(t, c, rule.key() + ".columns_masked");
        if (rule.rowFilterSql() == null) return;
        Dialect dialect = d.source().dialect();
        String sql = "SELECT 1 FROM " + dialect.fromItem(t) + " WHERE (" + rule.rowFilterSql() + ") AND 1=0";
        try (Connection c = d.source().connection()) {
            c.setReadOnly(dialect != Dialect.SQLITE);
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < rule.attributes().size(); i++) dialect.bind(s, i + 1, new Dialect.UntypedText(null));
                s.executeQuery().close();
            } finally {
                if (!c.getAutoCommit()) c.rollback();
            }
        } catch (SQLException e) {
            throw new ConfigException(ORIGIN, rule.key() + ".row_filter", "does not run on dataset '" + d.name() + "': "
                    + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private static void column(Table t, String name, String key) {
        if (resolve(t, name).isEmpty()) {
            throw new ConfigException(ORIGIN, key, "'" + name + "' is not a column of dataset '" + t.name()
                    + "'; columns: " + t.columns().stream().map(Column::name).collect(Collectors.joining(", ")));
        }
    }

    /** Exact name first, then a unique case-insensitive match, as the planner resolves requested columns. */
    private static Optional<Column> resolve(Table t, String name) {
        Optional<Column> exact = t.column(name);
        if (exact.isPresent()) return exact;
        List<Column> loose = t.columns().stream().filter(c -> c.name().equalsIgnoreCase(name)).toList();
        return loose.size() == 1 ? Optional.of(loose.get(0)) : Optional.empty();
    }

    private static Optional<Rule> ruleFor(List<Rule> rules, String dataset) {
        for (Rule r : rules) if (r.glob() == null && r.pattern().equals(dataset)) return Optional.of(r);
        for (Rule r : rules) if (r.glob() != null && r.matches(dataset)) return Optional.of(r);
        return Optional.empty();
    }

    /** The same roles, with {@code hashKey} keying the {@code hash} mask. */
    public AccessPolicy withHashKey(byte[] key) {
        return this == UNRESTRICTED ? this : new AccessPolicy(roles, key.clone());
    }

    /** Whether any role masks a column with {@code hash} (whose key every node must share). */
    public boolean usesHashMask() {
        return roles.values().stream().flatMap(List::stream).anyMatch(r -> r.masked().containsValue(Mask.HASH));
    }

    /** What {@code principal} may see; built-in roles see everything, undefined roles nothing. */
    public Access forPrincipal(Principal principal) {
        // Without a roles section nothing is restricted, whatever role a key names (limits may still use it).
        if (this == UNRESTRICTED || principal == null || principal.isAdmin() || Principal.USER.equals(principal.role())) {
            return Access.ALL;
        }
        List<Rule> rules = roles.get(principal.role());
        return rules == null ? Access.NOTHING : new Access(rules, principal.attributes(), hashKey);
    }

    /** One principal's view of the datasets. */
    public static final class Access {
        static final Access ALL = new Access(null, Map.of(), null);
        static final Access NOTHING = new Access(List.of(), Map.of(), null);

        private final List<Rule> rules;
        private final Map<String, String> attributes;
        private final byte[] hashKey;

        private Access(List<Rule> rules, Map<String, String> attributes, byte[] hashKey) {
            this.rules = rules;
            this.attributes = attributes;
            this.hashKey = hashKey;
        }

        /** Everything, whole: admin, user, or no principal at all (the local operator's CLI). */
        public boolean unrestricted() {
            return rules == null;
        }

        /** Whether the dataset exists for this principal (by name; the dataset itself need not exist). */
        public boolean sees(String dataset) {
            return rules == null || (dataset != null && ruleFor(rules, dataset).isPresent());
        }

        /** The principal's access to a dataset; empty when it is invisible to them. */
        public Optional<DatasetAccess> dataset(String name, Table table) {
            if (rules == null) return Optional.of(DatasetAccess.FULL);
            Optional<Rule> found = ruleFor(rules, name);
            if (found.isEmpty()) return Optional.empty();
            Rule rule = found.get();
            Set<String> visible = null;
            if (rule.allowed() != null || !rule.denied().isEmpty()) {
                Set<String> allowed = rule.allowed() == null ? null : resolveAll(table, rule.allowed());
                Set<String> denied = everyCase(table, rule.denied());
                visible = new LinkedHashSet<>();
                for (Column c : table.columns()) {
                    if ((allowed == null || allowed.contains(c.name())) && !denied.contains(c.name())) visible.add(c.name());
                }
            }
            Map<String, Mask> masks = new LinkedHashMap<>();
            rule.masked().forEach((column, mask) -> everyCase(table, List.of(column)).forEach(c -> masks.put(c, mask)));
            List<Object> params = new ArrayList<>();
            String missing = null;
            for (String attribute : rule.attributes()) {
                String value = attributes.get(attribute);
                if (value == null && missing == null) missing = attribute;
                params.add(value == null ? "" : value);
            }
            return Optional.of(new DatasetAccess(visible, masks, rule.rowFilterSql(), missing == null ? params : List.of(),
                    missing, hashKey));
        }

        /**
         * Denials and masks err on the safe side: they take every column whose name matches in any case, so a
         * column added later as {@code Email} next to {@code email} is not let through by the ambiguity.
         */
        private static Set<String> everyCase(Table t, List<String> names) {
            Set<String> result = new LinkedHashSet<>();
            for (Column c : t.columns()) {
                if (names.stream().anyMatch(n -> n.equalsIgnoreCase(c.name()))) result.add(c.name());
            }
            return result;
        }

        private static Set<String> resolveAll(Table t, List<String> names) {
            Set<String> result = new LinkedHashSet<>();
            for (String n : names) resolve(t, n).ifPresent(c -> result.add(c.name()));
            return result;
        }
    }

    @Override
    public String toString() {
        return "AccessPolicy" + roles.keySet().stream().map(r -> r.toLowerCase(Locale.ROOT)).toList();
    }
}
