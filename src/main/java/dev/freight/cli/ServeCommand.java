package dev.freight.cli;

import dev.freight.config.FreightConfig;
import dev.freight.http.FreightServer;
import dev.freight.auth.AdminKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;


/**
 * {@code freight serve}: the REST API, the workers and the sweeper in one process. On SIGTERM it stops accepting
 * requests, lets running jobs finish within {@code shutdown_grace} and releases the rest.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the HTTP API with workers and the sweeper (--demo: on the built-in demo database).")
final class ServeCommand extends NodeCommand {

    @Mixin
    NodeOptions node;

    @Option(names = "--host", description = "Address to listen on (default: server.host, 127.0.0.1).")
    String host;

    @Option(names = "--port", description = "Port (default: server.port, 8080; 0 picks a free one).")
    Integer port;

    @Override
    int execute() throws Exception {
        StopSignal stop = StopSignal.install();
        FreightConfig config = node.load();
        FreightNode running = FreightNode.start(config, node.demo, host, port);
        FreightRuntime runtime = running.runtime;
        FreightServer server = running.server;
        AdminKey admin = running.admin;
        String host = this.host != null ? this.host : config.server().host();

        String base = config.server().publicUrl().map(Object::toString).orElse("http://" + host + ":" + server.port());
        System.out.println("Freight is serving " + runtime.registry.datasetNames().size() + " dataset(s) at " + base);
        System.out.println("  API:     " + base + "/api/v1   (OpenAPI: " + base + "/api/v1/openapi.json)");
        running.managementPort().ifPresent(p -> System.out.println("  Metrics: http://"
                + config.server().management().host() + ":" + p + "/metrics   (management listener, no key)"));
        System.out.println("  Workers: " + (runtime.settings.concurrency() == 0 ? "none (API only: worker nodes run "
                + "the jobs)" : runtime.settings.concurrency()) + "; job store: "
                + dev.freight.source.JdbcSource.redact(config.jobStore().url()));
        System.out.println(adminKeyLine(admin, base));
        System.out.flush();

        stop.await();
        running.close();
        return Main.EXIT_OK;
    }

    /** The banner's word on the admin key: the key itself on the start that made it, else how to get a new one. */
    static String adminKeyLine(AdminKey admin, String base) {
        return admin.newKey().map(key -> "  Admin API key (shown once, stored hashed): " + key
                        + "\n  Use it as: curl -H 'Authorization: Bearer " + key + "' " + base + "/api/v1/export/tables")
                .orElse("  Admin API key: the one shown when this job store was first used; the same on every node "
                        + "of it (freight keys rotate-admin makes a new one)");
    }
}
