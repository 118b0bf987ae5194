package dev.freight.cli;

import dev.freight.config.FreightConfig;
import dev.freight.http.FreightServer;
import dev.freight.security.AdminKey;
import dev.freight.security.ApiKeyCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code freight serve}: the REST API, the workers and the sweeper in one process. On SIGTERM it stops accepting
 * requests, lets running jobs finish within {@code shutdown_grace} and releases the rest.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the HTTP API with workers and the sweeper (--demo: on the built-in demo database).")
final class ServeCommand extends NodeCommand {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    NodeOptions node;

    @Option(names = "--host", description = "Address to listen on (default: server.host, 127.0.0.1).")
    String host;

    @Option(names = "--port", description = "Port (default: server.port, 8080; 0 picks a free one).")
    Integer port;

    @Override
    int execute() throws Exception {
        FreightConfig config = node.load();
        FreightRuntime runtime = FreightRuntime.full(config, node.demo, true);
        AdminKey admin = AdminKey.loadOrCreate(config.dataDir());
        FreightServer.Settings settings = FreightServer.Settings.defaults()
                .withHost(host != null ? host : config.server().host())
                .withPort(port != null ? port : config.server().port())
                .withSyncMaxRows(config.exports().syncMaxRows())
                .withMaxRequestBytes(config.server().maxRequestBytes())
                .withPublicUrl(config.server().publicUrl().map(Object::toString).orElse(null));
        FreightServer server;
        try {
            server = new FreightServer(runtime.registry, runtime.service, runtime.sweeper, runtime.metrics,
                    runtime.security.withKeys(ApiKeyCheck.firstOf(admin, runtime.security.keys())), settings).start();
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        ScheduledExecutorService sweeps = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "freight-sweeper");
            t.setDaemon(true);
            return t;
        });
        long every = config.exports().sweepInterval().toMillis();
        sweeps.scheduleWithFixedDelay(() -> {
            try {
                runtime.sweeper.sweepOnce();
            } catch (RuntimeException e) {
                LOG.warn("sweep failed: {}", e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);

        String base = config.server().publicUrl().map(Object::toString)
                .orElse("http://" + settings.host() + ":" + server.port());
        System.out.println("Freight is serving " + runtime.registry.datasetNames().size() + " dataset(s) at " + base);
        System.out.println("  API:     " + base + "/api/v1   (OpenAPI: " + base + "/api/v1/openapi.json)");
        System.out.println("  Workers: " + runtime.settings.concurrency() + "; job store: "
                + dev.freight.source.JdbcSource.redact(config.jobStore().url()));
        admin.newKey().ifPresentOrElse(
                key -> System.out.println("  Admin API key (shown once, stored hashed): " + key
                        + "\n  Use it as: curl -H 'Authorization: Bearer " + key + "' " + base + "/api/v1/export/tables"),
                () -> System.out.println("  Admin API key: the one shown at first start (delete "
                        + config.dataDir().resolve(AdminKey.FILE_NAME) + " to make a new one)"));
        System.out.flush();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            sweeps.shutdownNow();
            runtime.close();
            stopped.countDown();
        }, "freight-shutdown"));
        stopped.await();
        return Main.EXIT_OK;
    }
}
