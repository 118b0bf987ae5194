package dev.freight.access;

import dev.freight.error.Messages;
import dev.freight.auth.Principal;
import dev.freight.auth.SecretFiles;
import dev.freight.config.ConfigException;
import dev.freight.config.RoleConfig;
import dev.freight.config.RolesConfig;
import dev.freight.config.RowFilter;
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
     * The config's {@code roles}, checked there for shape; {@link #validate} checks them against the datasets.
     * {@code hashKey} keys the {@code hash} mask (HMAC-SHA256). A mask no {@link Mask} has is refused here.
     */
    public static AccessPolicy fromConfig(RolesConfig config, byte[] hashKey) {
        if (config == null || config.isEmpty()) return UNRESTRICTED;
        Map<String, List<Rule>> roles = new LinkedHashMap<>();
        for (RoleConfig role : config.roles().values()) {
            List<Rule> rules = new ArrayList<>();
            for (RoleConfig.DatasetRule rule : role.datasets()) rules.add(rule(role.path(rule), rule));
            roles.put(role.name(), List.copyOf(rules));
        }
        return new AccessPolicy(Collections.unmodifiableMap(roles), hashKey.clone());
    }

    private static Rule rule(String key, RoleConfig.DatasetRule rule) {
        Map<String, Mask> masked = new LinkedHashMap<>();
        rule.columnsMasked().forEach((column, name) -> masked.put(column, Mask.fromWire(name).orElseThrow(() ->
                new ConfigException(ORIGIN, key + ".columns_masked." + column, "unknown mask '" + name + "'; masks: "
                        + Mask.choices()))));
        String pattern = rule.pattern();
        Pattern glob = pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 ? glob(pattern) : null;
        return new Rule(pattern, key, glob, rule.columnsAllowed().orElse(null), rule.columnsDenied(),
                Collections.unmodifiableMap(masked), rule.rowFilter().map(RowFilter::sql).orElse(null),
                rule.rowFilter().map(RowFilter::attributes).orElse(List.of()));
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
