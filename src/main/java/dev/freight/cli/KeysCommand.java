package dev.freight.cli;

import dev.freight.config.FreightConfig;
import dev.freight.error.InvalidRequestException;
import dev.freight.auth.AdminKey;
import dev.freight.auth.ApiKeys;
import dev.freight.auth.Principal;
import dev.freight.auth.StoredApiKeys;
import dev.freight.error.ProblemCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code freight keys create|list|revoke|hash}: API keys kept in the job store (every node sharing it accepts them
 * at once), or printed as a config entry. A key is shown once, when created; only its SHA-256 is kept.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Create, list, revoke and hash API keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class,
                KeysCommand.RotateAdmin.class, KeysCommand.Hash.class})
final class KeysCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Make a new key and print it once (stdout: only the key). It is stored hashed in the job "
                    + "store, or with --print-config printed with an api_keys entry for freight.yml instead.")
    static final class Create extends NodeCommand {
        @Mixin
        NodeOptions node;

        @Option(names = "--name", required = true, description = "Principal name (owner of the jobs made with the key).")
        String name;

        @Option(names = "--role", required = true, description = "admin, user, or a role of the config's roles.")
        String role;

        @Option(names = "--attr", paramLabel = "<name=value>", description = "A principal attribute (for row filters); repeatable.")
        List<String> attributes = new ArrayList<>();

        @Option(names = "--print-config", description = "Do not store the key: print it with an api_keys entry for the config.")
        boolean printConfig;

        @Override
        int execute() {
            FreightConfig config = node.load();
            // The config's own keys are checked too: a broken api_keys section should not go unnoticed until serve.
            ApiKeys configKeys = ApiKeys.load(config, null);
            Principal principal = ApiKeys.principal(name, role, attributes(attributes), ApiKeys.roleNames(config.roles()));
            String key = ApiKeys.newKey();
            String hash = ApiKeys.sha256Hex(key);
            if (printConfig) {
                // Only the config is checked: printing an entry must not need (or create) the job store.
                refuseTakenName(configKeys, principal);
                System.out.println(key);
                System.out.println();
                System.out.println("api_keys:");
                System.out.println("  - name: " + yaml(principal.name()));
                System.out.println("    sha256: " + hash);
                System.out.println("    role: " + yaml(principal.role()));
                if (!principal.attributes().isEmpty()) {
                    System.out.println("    attributes: { " + principal.attributes().entrySet().stream()
                            .map(e -> e.getKey() + ": " + yaml(e.getValue())).collect(Collectors.joining(", ")) + " }");
                }
                System.out.flush();
                System.err.println("Add the entry to api_keys in freight.yml. The key is shown only now; the config "
                        + "holds its hash.");
                return Main.EXIT_OK;
            }
            try (FreightRuntime runtime = FreightRuntime.storesOnly(config)) {
                StoredApiKeys stored = new StoredApiKeys(runtime.store.dataSource());
                refuseTakenName(ApiKeys.load(config, stored), principal);
                StoredApiKeys.Entry entry = stored.create(principal, hash);
                System.out.println(key);
                System.out.flush();
                System.err.println("Created API key " + entry.id() + " for " + principal.name() + " (role "
                        + principal.role() + "). It is shown only now and stored hashed; revoke it with: freight keys "
                        + "revoke " + entry.id());
                return Main.EXIT_OK;
            }
        }

        /** Jobs belong to a name: a second principal of the same name would own the first one's jobs. */
        private static void refuseTakenName(ApiKeys keys, Principal principal) {
            keys.nameHolder(principal).ifPresent(holder -> {
                throw new InvalidRequestException(ProblemCode.NAME_TAKEN, "name", "the name '" + principal.name()
                        + "' is held by " + holder + "; keys of one name own the same jobs, so a new key of that "
                        + "name needs the same role and attributes: choose another name");
            });
        }

        private static Map<String, String> attributes(List<String> pairs) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String pair : pairs) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new InvalidRequestException(ProblemCode.INVALID_ATTRIBUTE, "attr", "--attr expects name=value, got '"
                            + pair + "'");
                }
                String attribute = pair.substring(0, eq);
                if (m.containsKey(attribute)) {
                    throw new InvalidRequestException(ProblemCode.INVALID_ATTRIBUTE, "attr", "attribute '" + attribute
                            + "' given twice");
                }
                m.put(attribute, pair.substring(eq + 1));
            }
            return m;
        }

        /** Always quoted: YAML would read 042 as a number, yes as true, and a: b as a mapping. */
        private static String yaml(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') b.append('\\');
                b.append(c);
            }
            return b.append('"').toString();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "The nodes' admin key, the keys of the config and of the job store (never their hashes).")
    static final class ListKeys extends NodeCommand {
        @Mixin
        NodeOptions node;

        @Override
        int execute() {
            FreightConfig config = node.load();
            ApiKeys configKeys = ApiKeys.load(config, null);
            String format = "%-20s  %-20s  %-10s  %-30s  %-20s  %s%n";
            System.out.printf(format, "ID", "NAME", "ROLE", "ATTRIBUTES", "CREATED", "REVOKED");
            try (FreightRuntime runtime = FreightRuntime.storesOnly(config)) {
                // The key serve printed when the job store was first used: easily forgotten, and as good as any other.
                AdminKey.stored(runtime.store.dataSource()).ifPresent(admin -> System.out.printf(format,
                        "(node admin)", AdminKey.PRINCIPAL, Principal.ADMIN, "-", time(admin.createdAt()), "-"));
                for (Principal p : configKeys.configPrincipals()) {
                    System.out.printf(format, "(config)", p.name(), p.role(), attributes(p), "-", "-");
                }
                for (StoredApiKeys.Entry e : new StoredApiKeys(runtime.store.dataSource()).list()) {
                    System.out.printf(format, e.id(), e.principal().name(), e.principal().role(), attributes(e.principal()),
                            time(e.createdAt()), e.revokedAt() == null ? "-" : time(e.revokedAt()));
                }
            }
            return Main.EXIT_OK;
        }

        private static String attributes(Principal p) {
            if (p.attributes().isEmpty()) return "-";
            return p.attributes().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        }

        private static String time(Instant t) {
            return t.toString().substring(0, 19);
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a stored key by id, or every active key of a name. Nodes stop accepting it within seconds.")
    static final class Revoke extends NodeCommand {
        @Mixin
        NodeOptions node;

        @Parameters(paramLabel = "<name|id>")
        String nameOrId;

        @Override
        int execute() {
            FreightConfig config = node.load();
            ApiKeys configKeys = ApiKeys.load(config, null);
            try (FreightRuntime runtime = FreightRuntime.storesOnly(config)) {
                int revoked = new StoredApiKeys(runtime.store.dataSource()).revoke(nameOrId);
                if (revoked == 0) {
                    boolean inConfig = configKeys.configPrincipals().stream().anyMatch(p -> p.name().equals(nameOrId));
                    throw new InvalidRequestException(ProblemCode.NOT_FOUND, "key", inConfig
                            ? "'" + nameOrId + "' is a key of the config's api_keys: remove it there and restart"
                            : "no active key with the id or name '" + nameOrId + "' (see freight keys list)");
                }
                System.err.println("Revoked " + revoked + " key(s) of '" + nameOrId + "'; nodes refuse "
                        + (revoked == 1 ? "it" : "them") + ", and the browser sessions and signed links made with "
                        + (revoked == 1 ? "it" : "them") + ", within " + ApiKeys.CACHE_TTL.toSeconds() + " seconds");
                return Main.EXIT_OK;
            }
        }
    }

    @Command(name = "rotate-admin", mixinStandardHelpOptions = true,
            description = "Replace the admin key that every node on the job store shares, and print the new one once "
                    + "(stdout: only the key). Nodes refuse the old key, its sessions and its links within seconds.")
    static final class RotateAdmin extends NodeCommand {
        @Mixin
        NodeOptions node;

        @Override
        int execute() {
            FreightConfig config = node.load();
            try (FreightRuntime runtime = FreightRuntime.storesOnly(config)) {
                String key = AdminKey.rotate(runtime.store.dataSource(), java.time.Clock.systemUTC());
                System.out.println(key);
                System.out.flush();
                System.err.println("Replaced the admin key of every node on this job store. It is shown only now and "
                        + "stored hashed; nodes refuse the old one, its browser sessions and its signed links within "
                        + ApiKeys.CACHE_TTL.toSeconds() + " seconds");
                return Main.EXIT_OK;
            }
        }
    }

    @Command(name = "hash", mixinStandardHelpOptions = true,
            description = "Print the SHA-256 of a key, for the sha256 of an api_keys entry.")
    static final class Hash extends NodeCommand {
        @Parameters(paramLabel = "<key>", description = "The key, or - to read it from standard input (keeps it out of "
                + "the shell history).")
        String key;

        @Override
        int execute() throws java.io.IOException {
            if (key.equals("-")) {
                String line = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                        java.nio.charset.StandardCharsets.UTF_8)).readLine();
                key = line == null ? "" : line.strip();
            }
            if (key.isBlank()) throw new InvalidRequestException(ProblemCode.INVALID_KEY, "key", "the key is empty");
            System.out.println(ApiKeys.sha256Hex(key));
            return Main.EXIT_OK;
        }
    }
}
