package dev.freight.cli;

import dev.freight.config.FreightConfig;
import dev.freight.http.FreightServer;
import dev.freight.security.AdminKey;
import dev.freight.security.ApiKeyCheck;
import dev.freight.security.LinkSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A whole Freight node as {@code serve} runs it: sources, job store, file store, workers, sweeper and the HTTP
 * API, built from one configuration. Closing it stops the API, lets running jobs finish within the grace period
 * and releases the rest.
 */
public final class FreightNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FreightNode.class);

    final FreightConfig config;
    final FreightRuntime runtime;
    final FreightServer server;
    final AdminKey admin;
    private final ScheduledExecutorService sweeps;

    private FreightNode(FreightConfig config, FreightRuntime runtime, FreightServer server, AdminKey admin) {
        this.config = config;
        this.runtime = runtime;
        this.server = server;
        this.admin = admin;
        this.sweeps = Executors.newSingleThreadScheduledExecutor(r -> {
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
            try {
                int ended = runtime.security.sessions().purgeExpired();
                if (ended > 0) LOG.info("sweep: {} expired UI sessions deleted", ended);
            } catch (RuntimeException e) {
                LOG.warn("session purge failed: {}", e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** {@code host}/{@code port}: null takes the configured value; port 0 picks a free port. */
    public static FreightNode start(FreightConfig config, boolean demo, String host, Integer port) {
        FreightRuntime runtime = FreightRuntime.full(config, demo, true);
        try {
            AdminKey admin = AdminKey.loadOrCreate(config.dataDir());
            FreightServer.Settings settings = FreightServer.Settings.defaults()
                    .withHost(host != null ? host : config.server().host())
                    .withPort(port != null ? port : config.server().port())
                    .withSyncMaxRows(config.exports().syncMaxRows())
                    .withMaxRequestBytes(config.server().maxRequestBytes())
                    .withPublicUrl(config.server().publicUrl().map(Object::toString).orElse(null));
            FreightServer server = new FreightServer(runtime.registry, runtime.service, runtime.sweeper, runtime.metrics,
                    runtime.security.withKeys(ApiKeyCheck.firstOf(admin, runtime.security.keys()))
                            .withLinks(LinkSigner.fromConfig(config.server().signedLinks(), config.dataDir(),
                                    Clock.systemUTC())), settings).start();
            return new FreightNode(config, runtime, server, admin);
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    /** The admin key, in plain text only on the start that generated it. */
    public Optional<String> newAdminKey() {
        return admin.newKey();
    }

    /** Where the node keeps finished export files. */
    public Path storageDir() {
        return config.storage().path();
    }

    @Override
    public void close() {
        server.close();
        sweeps.shutdownNow();
        runtime.close();
    }
}
