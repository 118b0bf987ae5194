package dev.freight.cli;

import dev.freight.config.FreightConfig;
import dev.freight.config.ServerConfig;
import dev.freight.http.FreightServer;
import dev.freight.http.ManagementServer;
import dev.freight.auth.AdminKey;
import dev.freight.auth.ApiKeyCheck;
import dev.freight.auth.LinkSigner;
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
    /** The metrics and health listener, when {@code server.management_port} is set. */
    final Optional<ManagementServer> management;
    private final ScheduledExecutorService sweeps;

    private FreightNode(FreightConfig config, FreightRuntime runtime, FreightServer server, AdminKey admin,
                        Optional<ManagementServer> management) {
        this.config = config;
        this.runtime = runtime;
        this.server = server;
        this.admin = admin;
        this.management = management;
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
                int ended = runtime.auth.sessions().purgeExpired();
                if (ended > 0) LOG.info("sweep: {} expired UI sessions deleted", ended);
            } catch (RuntimeException e) {
                LOG.warn("session purge failed: {}", e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** {@code host}/{@code port}: null takes the configured value; port 0 picks a free port. */
    public static FreightNode start(FreightConfig config, boolean demo, String host, Integer port) {
        return launch(config, demo, host, port, Optional.empty());
    }

    /**
     * As {@link #start(FreightConfig, boolean, String, Integer)}, with signed links and the API-key cache timed by
     * {@code clock} instead of the job store's clock and this node's: for tests, which move a manual clock.
     */
    public static FreightNode start(FreightConfig config, boolean demo, String host, Integer port, Clock clock) {
        return launch(config, demo, host, port, Optional.of(clock));
    }

    private static FreightNode launch(FreightConfig config, boolean demo, String host, Integer port,
                                      Optional<Clock> clock) {
        requireSharedLinkKey(config);
        requireWorkersSomewhere(config);
        FreightRuntime runtime = FreightRuntime.full(config, demo, true, clock.orElse(Clock.systemUTC()));
        FreightServer server = null;
        try {
            AdminKey admin = AdminKey.loadOrCreate(runtime.store.dataSource(), config.dataDir());
            FreightServer.Settings settings = FreightServer.Settings.defaults()
                    .withHost(host != null ? host : config.server().host())
                    .withPort(port != null ? port : config.server().port())
                    .withSyncMaxRows(config.exports().syncMaxRows())
                    .withMaxRequestBytes(config.server().maxRequestBytes())
                    .withPublicUrl(config.server().publicUrl().map(Object::toString).orElse(null));
            server = new FreightServer(runtime.registry, runtime.service, runtime.sweeper, runtime.metrics,
                    runtime.auth.withKeys(ApiKeyCheck.firstOf(admin, runtime.auth.keys()))
                            .withLinks(LinkSigner.fromConfig(config.server().signedLinks(), config.dataDir(),
                                    clock.orElse(runtime.store.clock()))), settings, runtime.schedules).start();
            ServerConfig.Management m = config.server().management();
            Optional<ManagementServer> management = Optional.empty();
            if (m.port().isPresent()) {
                management = Optional.of(ManagementServer.start(m.host(), m.port().getAsInt(), runtime.metrics,
                        runtime.service.store(), runtime.service.files()));
            }
            return new FreightNode(config, runtime, server, admin, management);
        } catch (RuntimeException e) {
            if (server != null) server.close();
            runtime.close();
            throw e;
        }
    }

    /**
     * Nodes on a PostgreSQL job store serve each other's jobs behind one address: a link signed with a key
     * generated per node would open nothing on the others, so there the key must be configured, the same on every
     * node. Checked before anything starts, like every configuration error.
     */
    static void requireSharedLinkKey(FreightConfig config) {
        if (config.server().signedLinks().key().isEmpty() && config.jobStore().sharedByNodes()) {
            throw new dev.freight.config.ConfigException("configuration", "server.signed_links.key", "the job store "
                    + "is PostgreSQL, shared by every node, and no key is set: a key generated per node would sign "
                    + "links that open nothing on the other nodes; set server.signed_links.key (${env:NAME}, at "
                    + "least 32 bytes), the same on every node");
        }
    }

    /** A node of no workers (API only) needs other nodes to run its jobs: only a PostgreSQL job store has them. */
    static void requireWorkersSomewhere(FreightConfig config) {
        if (config.exports().workerConcurrency() == 0 && !config.jobStore().sharedByNodes()) {
            throw new dev.freight.config.ConfigException("configuration", "exports.worker_concurrency", "0 makes "
                    + "a node that runs no job, but the job store is H2, which no other node shares: nothing would "
                    + "run its jobs (use a PostgreSQL job store with worker nodes, or at least 1)");
        }
    }

    public int port() {
        return server.port();
    }

    /** The management listener's port, when there is one. */
    public java.util.OptionalInt managementPort() {
        return management.map(m -> java.util.OptionalInt.of(m.port())).orElse(java.util.OptionalInt.empty());
    }

    /** The admin key, in plain text only on the start that generated it. */
    public Optional<String> newAdminKey() {
        return admin.newKey();
    }

    /** Where the node keeps finished export files: the local directory, null with S3 storage. */
    public Path storageDir() {
        return config.storage().path();
    }

    @Override
    public void close() {
        management.ifPresent(ManagementServer::close);
        server.close();
        sweeps.shutdownNow();
        runtime.close();
    }
}
