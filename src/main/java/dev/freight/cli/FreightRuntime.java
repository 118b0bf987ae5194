package dev.freight.cli;

import dev.freight.config.ConfigException;
import dev.freight.config.ConfigLoader;
import dev.freight.config.DatasetConfig;
import dev.freight.config.ExportsConfig;
import dev.freight.config.FreightConfig;
import dev.freight.config.Secret;
import dev.freight.config.SourceConfig;
import dev.freight.config.SqlDataset;
import dev.freight.config.TableDataset;
import dev.freight.config.VisualConfig;
import dev.freight.visual.ChromiumRenderer;
import dev.freight.job.JdbcJobStore;
import dev.freight.job.JobService;
import dev.freight.job.JobSettings;
import dev.freight.job.Sweeper;
import dev.freight.job.WorkerPool;
import dev.freight.schedule.Scheduler;
import dev.freight.schedule.Schedules;
import dev.freight.access.AccessPolicy;
import dev.freight.auth.ApiKeys;
import dev.freight.audit.JdbcAuditLog;
import dev.freight.access.Limits;
import dev.freight.auth.LinkSigner;
import dev.freight.auth.Authentication;
import dev.freight.export.ExportMetrics;
import dev.freight.export.ExportService;
import dev.freight.auth.Sessions;
import dev.freight.auth.StoredApiKeys;
import dev.freight.source.DemoData;
import dev.freight.source.JdbcSource;
import dev.freight.source.SourceRegistry;
import dev.freight.config.StorageConfig;
import dev.freight.storage.FileStore;
import dev.freight.storage.LocalFileStore;
import dev.freight.storage.S3FileStore;
import dev.freight.storage.StorageUnavailableException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import dev.freight.auth.LinkSigner;
import dev.freight.delivery.DeliveryPolicy;
import dev.freight.push.Deliverer;
import dev.freight.push.UnsentDeliveries;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a server or worker node runs on, built from the configuration: sources and datasets, the job store,
 * the file store, workers and the sweeper. This is the one place configuration meets the other packages.
 */
final class FreightRuntime implements AutoCloseable {
    final FreightConfig config;
    final JdbcJobStore store;
    final FileStore files;
    final JobSettings settings;
    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SourceRegistry registry;
    ExportService exports;
    WorkerPool workers;
    JobService service;
    Sweeper sweeper;
    Authentication auth;
    Deliverer deliverer;
    /** Set instead of {@link #deliverer} on a running node that sends no deliveries. */
    UnsentDeliveries unsent;
    ChromiumRenderer renderer;
    Schedules schedules;
    Scheduler scheduler;

    private FreightRuntime(FreightConfig config) {
        this.config = config;
        this.settings = settings(config.exports());
        this.store = JdbcJobStore.open(config.jobStore().url(), config.jobStore().user().orElse(null),
                config.jobStore().password().map(Secret::reveal).orElse(null), config.jobStore().poolSize(), Clock.systemUTC(),
                config.jobStore().listen());
        try {
            this.files = fileStore(config.storage());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        // The job store's clock, not this node's: expiry and purges compare times other nodes wrote.
        this.sweeper = new Sweeper(store, files, settings, store.clock());
    }

    /** The local directory or the S3 bucket of the configuration. */
    static FileStore fileStore(StorageConfig storage) {
        if (storage.type() == StorageConfig.Type.LOCAL) {
            try {
                return new LocalFileStore(storage.path());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot use storage.path " + storage.path() + ": " + e.getMessage(), e);
            }
        }
        StorageConfig.S3 s3 = storage.s3();
        String region = s3.region().or(S3FileStore::defaultRegion).orElseThrow(() -> new ConfigException(
                "configuration", "storage.s3.region", "missing: set the bucket's region (us-east-1 for most "
                + "S3-compatible servers), or AWS_REGION for the default AWS chain"));
        return new S3FileStore(new S3FileStore.Options(s3.bucket(), s3.prefix(), region, s3.endpoint().orElse(null),
                s3.pathStyle(), s3.accessKeyId().map(Secret::reveal).orElse(null),
                s3.secretAccessKey().map(Secret::reveal).orElse(null),
                s3.download() == StorageConfig.Download.REDIRECT ? S3FileStore.Download.REDIRECT : S3FileStore.Download.PROXY,
                s3.partSize()));
    }

    /**
     * A node that runs or serves exports checks its bucket once at start: refused credentials or a missing bucket
     * stop it with the store's answer; an unreachable store only warns (it may be back before the first job ends).
     */
    static void checkFileStore(FreightConfig config, FileStore files) {
        if (!(files instanceof S3FileStore s3)) return;
        try {
            s3.check();
        } catch (StorageUnavailableException e) {
            if (!e.isTransient()) throw new ConfigException("configuration", "storage.s3", e.getMessage());
            org.slf4j.LoggerFactory.getLogger(FreightRuntime.class).warn("the file store does not answer yet: {}; jobs "
                    + "fail with storage_unavailable (and retry) until it does", e.getMessage());
        }
    }

    static FreightConfig loadConfig(Path file) {
        return ConfigLoader.load(Optional.ofNullable(file), System.getenv());
    }

    /** The job store and file store only: enough for queue and job commands, which need no source. */
    static FreightRuntime storesOnly(FreightConfig config) {
        return new FreightRuntime(config);
    }

    /** Sources, datasets and (unless {@code workerCount} is 0) started workers. */
    static FreightRuntime full(FreightConfig config, boolean demo, boolean startWorkers) {
        return full(config, demo, startWorkers, Clock.systemUTC());
    }

    /** {@code keyCache}: the clock the API-key cache's time is measured on (tests move one by hand). */
    static FreightRuntime full(FreightConfig config, boolean demo, boolean startWorkers, Clock keyCache) {
        config.checkDemoAvailable(demo);
        FreightRuntime runtime = new FreightRuntime(config);
        try {
            checkFileStore(config, runtime.files);
            runtime.registry = registry(config, demo);
            runtime.registry.validate();
            runtime.auth = authentication(config, runtime.store, keyCache);
            runtime.renderer = renderer(config.visual());
            runtime.exports = exports(config, runtime.registry, runtime.store, runtime.metrics)
                    .withRenderer(runtime.renderer);
            runtime.workers = new WorkerPool(runtime.store, runtime.files, runtime.exports, runtime.settings,
                    runtime.store.clock());
            runtime.service = new JobService(runtime.store, runtime.files, runtime.exports, runtime.settings, runtime.workers,
                    new DeliveryPolicy(config.delivery()));
            runtime.schedules = Schedules.over(runtime.store, runtime.service);
            if (startWorkers) {
                runtime.workers.start();
                // Every node that runs also fires due schedules: a tick fires while any node is up.
                // Each tick runs as its owner's key stands then: a revoked owner's schedules make no jobs.
                ApiKeys owners = ApiKeys.load(config, new StoredApiKeys(runtime.store.dataSource(), runtime.store.clock()));
                runtime.scheduler = new Scheduler(runtime.schedules.store(), runtime.service, owners::scheduleOwner);
                runtime.scheduler.start(config.schedules().pollInterval());
                runtime.deliverer = deliverer(config, runtime.store, runtime.files);
                if (runtime.deliverer != null) {
                    runtime.deliverer.start();
                } else {
                    runtime.unsent = unsent(config, runtime.store, runtime.workers.nodeId()).start();
                }
            }
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    /**
     * The browser pool that draws png and pdf_visual. Nothing starts until the first picture is asked for; without
     * Chromium the node runs all the same, its visual exports answering renderer_unavailable.
     */
    static ChromiumRenderer renderer(VisualConfig visual) {
        ChromiumRenderer r = ChromiumRenderer.start(new ChromiumRenderer.Settings(visual.chromium(), visual.maxBrowsers(),
                visual.renderTimeout()));
        r.unavailable().ifPresent(why -> org.slf4j.LoggerFactory.getLogger(FreightRuntime.class).warn("{}", why));
        return r;
    }

    /**
     * Why this node sends no deliveries, if it does not: on a PostgreSQL job store without server.signed_links.key it
     * could not sign their links the way the serving nodes verify them (a key of its own opens nothing elsewhere).
     * Only workers can be such a node: a serve node there refuses to start without the key.
     */
    static Optional<String> whyNoDeliveries(FreightConfig config) {
        if (config.server().signedLinks().key().isPresent() || !config.jobStore().sharedByNodes()) return Optional.empty();
        return Optional.of("it has no server.signed_links.key to sign their links with, and the job store is "
                + "PostgreSQL, shared by every node (only nodes with the key send deliveries)");
    }

    /** Whether a delivery can be asked for at all: webhooks, email or storage targets configured. */
    static boolean deliveriesConfigured(FreightConfig config) {
        return config.delivery().email().isPresent() || !config.delivery().webhooks().allowedHosts().isEmpty()
                || !config.delivery().storageTargets().isEmpty();
    }

    /**
     * This node's sender of deliveries, not started (a long-running node starts it, {@code worker --once} makes one
     * pass); null when it sends none ({@link #whyNoDeliveries}), which is logged: at WARN when deliveries are
     * configured, since if no node has the key they are never sent.
     */
    static Deliverer deliverer(FreightConfig config, JdbcJobStore store, FileStore files) {
        Optional<String> why = whyNoDeliveries(config);
        if (why.isPresent()) {
            var log = org.slf4j.LoggerFactory.getLogger(FreightRuntime.class);
            if (deliveriesConfigured(config)) {
                log.warn("deliveries are not sent by this node: {}. If no node has the key they are never sent: the "
                        + "job pages then say so of each delivery waiting. Set server.signed_links.key (the serve "
                        + "nodes' key) here to send them from this node too", why.get());
            } else {
                log.info("deliveries are not sent by this node: {}", why.get());
            }
            return null;
        }
        if (config.server().publicUrl().isEmpty() && (config.delivery().email().isPresent()
                || !config.delivery().webhooks().allowedHosts().isEmpty())) {
            org.slf4j.LoggerFactory.getLogger(FreightRuntime.class).warn("server.public_url is not set: the download "
                    + "links of webhooks and emails are paths without a host");
        }
        Map<String, FileStore> targets = new LinkedHashMap<>();
        try {
            config.delivery().storageTargets().forEach((name, storage) -> targets.put(name, fileStore(storage)));
            return new Deliverer(store.dataSource(), store, files, () -> LinkSigner.fromConfig(config.server().signedLinks(),
                    config.dataDir(), store.clock()), config.server().publicUrl().map(Object::toString).orElse(null),
                    config.delivery(), targets);
        } catch (RuntimeException e) {
            targets.values().forEach(FileStore::close);
            throw e;
        }
    }

    /**
     * On a node that sends no deliveries: what writes, in the log of each delivery no node has taken, why it waits
     * (the node's reason, as {@link #whyNoDeliveries} gives it). Not started.
     */
    static UnsentDeliveries unsent(FreightConfig config, JdbcJobStore store, String nodeId) {
        return new UnsentDeliveries(store.dataSource(), store.clock(), config.delivery().webhooks(),
                "not sent yet: no node has taken it; node " + nodeId + " sends none: "
                        + whyNoDeliveries(config).orElse("it cannot") + "; set the key on the worker nodes");
    }

    static SourceRegistry registry(FreightConfig config, boolean demo) {
        config.checkDemoAvailable(demo);
        Map<String, SourceRegistry.Entry> sources = new LinkedHashMap<>();
        List<SourceRegistry.Definition> definitions = new ArrayList<>();
        try {
            if (demo) {
                String url = DemoData.ensureEmbedded(config.dataDir());
                sources.put(FreightConfig.DEMO_SOURCE, new SourceRegistry.Entry(
                        JdbcSource.open(FreightConfig.DEMO_SOURCE, url, "sa", "", 4), (schema, table) -> true));
            }
            for (SourceConfig s : config.sources().values()) {
                JdbcSource source = JdbcSource.open(s.name(), s.url(), s.user().orElse(null),
                        s.password().map(Secret::reveal).orElse(null), s.poolSize());
                sources.put(s.name(), new SourceRegistry.Entry(source, s::includes));
            }
        } catch (RuntimeException e) {
            sources.values().forEach(entry -> entry.source().close());
            throw e;
        }
        if (sources.isEmpty()) {
            throw new ConfigException("configuration", "sources", "no sources: add one to freight.yml or run with --demo");
        }
        for (DatasetConfig d : config.datasets().values()) {
            String table = d instanceof TableDataset t ? t.table() : null;
            String sql = d instanceof SqlDataset q ? q.sql() : null;
            definitions.add(new SourceRegistry.Definition(d.name(), d.source(), table, sql, d.timeColumn().orElse(null), d.key()));
        }
        return new SourceRegistry(sources, definitions);
    }

    /**
     * Authentication (beyond the admin key) and UI sessions, from the config. Links are signed only by a node serving
     * the API ({@link FreightNode}): workers never sign, so they create no node key.
     */
    static Authentication authentication(FreightConfig config, JdbcJobStore store, Clock keyCache) {
        // Times other nodes read (session expiry, key times) come from the job store's clock.
        return new Authentication(ApiKeys.load(config, new StoredApiKeys(store.dataSource(), store.clock()),
                ApiKeys.CACHE_TTL, keyCache),
                LinkSigner.disabled(), new Sessions(store.dataSource(), store.clock(), config.server().sessionTtl()));
    }

    /** Permissions, limits, audit and metrics of every export this node runs or serves, from the config. */
    static ExportService exports(FreightConfig config, SourceRegistry registry, JdbcJobStore store,
                                 PrometheusMeterRegistry metrics) {
        Limits limits = Limits.fromConfig(config.limits(), config.roles(), config.server().maxRequestBytes());
        AccessPolicy access = access(config);
        access.validate(registry);
        return new ExportService(registry, access, limits, new JdbcAuditLog(store.dataSource(), store.clock()),
                new ExportMetrics(metrics), new ExportService.Settings(config.exports().defaultFormat(),
                config.exports().pdfMaxRows(), config.exports().seriesMaxCells())).withReports(config.reports());
    }

    /**
     * The roles, with the hash mask's key. Nodes sharing a PostgreSQL job store must hash alike, so there the key
     * must be configured: a key generated per node would make the same value hash differently on each.
     */
    static AccessPolicy access(FreightConfig config) {
        AccessPolicy roles = AccessPolicy.fromConfig(config.roles(), new byte[0]);
        if (roles.usesHashMask() && config.jobStore().sharedByNodes() && config.server().maskKey().isEmpty()) {
            throw new dev.freight.config.ConfigException("configuration", "server.mask_key", "roles mask columns with "
                    + "hash and the job store is PostgreSQL, shared by every node: set server.mask_key (${env:NAME}, "
                    + "at least 32 bytes) so that all nodes hash a value alike");
        }
        return roles.withHashKey(AccessPolicy.hashKey(config.server().maskKey(), config.dataDir()));
    }

    static JobSettings settings(ExportsConfig e) {
        Duration progress = e.heartbeat().compareTo(Duration.ofSeconds(1)) < 0 ? e.heartbeat() : Duration.ofSeconds(1);
        return new JobSettings(e.workerConcurrency(), e.lease(), progress, Duration.ofMillis(500), e.retryBackoff(),
                e.maxAttempts(), e.fileTtl(), e.jobRetention(), e.deleteAfterDownload(), e.shutdownGrace(), e.resume());
    }

    @Override
    public void close() {
        if (scheduler != null) scheduler.close();
        if (workers != null) workers.close();
        if (deliverer != null) deliverer.close();
        if (unsent != null) unsent.close();
        if (renderer != null) renderer.close();
        if (registry != null) registry.close();
        files.close();
        store.close();
    }
}
