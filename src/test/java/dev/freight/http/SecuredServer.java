package dev.freight.http;

import dev.freight.auth.Sessions;
import dev.freight.auth.Authentication;
import dev.freight.export.ExportMetrics;
import dev.freight.export.ExportService;
import dev.freight.testing.Await;
import dev.freight.testing.ManualClock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
import dev.freight.job.JdbcJobStore;
import dev.freight.job.JobService;
import dev.freight.job.JobSettings;
import dev.freight.job.Sweeper;
import dev.freight.job.WorkerPool;
import dev.freight.access.AccessPolicy;
import dev.freight.auth.AdminKey;
import dev.freight.auth.ApiKeyCheck;
import dev.freight.auth.ApiKeys;
import dev.freight.audit.AuditLog;
import dev.freight.access.Limits;
import dev.freight.auth.LinkSigner;
import dev.freight.auth.Principal;
import dev.freight.auth.StoredApiKeys;
import dev.freight.storage.LocalFileStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real server (H2 job store, local files, workers, the shared test sources) whose limits and signed links come
 * from a freight.yml the test writes. Callers: {@code key-<name>} is principal {@code name} of role user,
 * {@code key-<name>@<role>} the same with that role; the admin uses {@link #adminKey}; keys stored in the job store
 * ({@link #storedKeys}) work too. The admin key and stored keys are re-read on the test's {@link #clock}.
 */
final class SecuredServer implements AutoCloseable {
    static final String JOBS = "/api/v1/export/jobs";

    final Path dir;
    final FreightConfig config;
    final JdbcJobStore store;
    final LocalFileStore files;
    final WorkerPool workers;
    final JobService jobs;
    final FreightServer server;
    final String adminKey;
    final StoredApiKeys storedKeys;
    final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));

    SecuredServer(String yaml, FreightServer.Settings settings) {
        this(yaml, settings, null);
    }

    /** {@code links}: the signer to use; null for the one the config describes, on the test clock. */
    SecuredServer(String yaml, FreightServer.Settings settings, LinkSigner links) {
        this(yaml, settings, links, null);
    }

    /**
     * {@code jobStoreUrl}: a job store shared with other servers (the nodes of one cluster); null for an H2 job
     * store of this server's own.
     */
    SecuredServer(String yaml, FreightServer.Settings settings, LinkSigner links, String jobStoreUrl) {
        this(yaml, settings, links, jobStoreUrl, true);
    }

    /** {@code runsJobs}: false for a node that only takes requests, its jobs staying queued (no workers). */
    SecuredServer(String yaml, FreightServer.Settings settings, LinkSigner links, String jobStoreUrl, boolean runsJobs) {
        try {
            dir = Files.createTempDirectory("freight-secured");
            config = ConfigLoader.load(Optional.of(Files.writeString(dir.resolve("freight.yml"),
                    "data_dir: " + dir.resolve("data") + "\n" + yaml)), Map.of("LINK_KEY", "k".repeat(40),
                    "OLD_LINK_KEY", "o".repeat(40)));
            store = jobStoreUrl != null ? JdbcJobStore.open(jobStoreUrl, null, null, 8, Clock.systemUTC())
                    : JdbcJobStore.open("jdbc:h2:file:" + dir.resolve("jobs"), "sa", "", 8, Clock.systemUTC());
            files = new LocalFileStore(dir.resolve("files"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FreightServer.Settings s = settings;
        Limits limits = Limits.fromConfig(config.limits(), config.roles(), s.maxRequestBytes());
        LinkSigner signer = links != null ? links
                : LinkSigner.fromConfig(config.server().signedLinks(), config.dataDir(), clock);
        AdminKey admin = AdminKey.loadOrCreate(store.dataSource(), dir, clock, ApiKeys.CACHE_TTL);
        // On a job store shared with an earlier server, the key is that server's (shown once, by it).
        adminKey = admin.newKey().orElse(null);
        storedKeys = new StoredApiKeys(store.dataSource());
        ApiKeys stored = ApiKeys.load(config, storedKeys, ApiKeys.CACHE_TTL, clock);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JobSettings jobSettings = new JobSettings(2, Duration.ofSeconds(10), Duration.ofMillis(200),
                Duration.ofMillis(100), Duration.ofMillis(200), 3, Duration.ofHours(1), Duration.ofDays(1), false,
                Duration.ofSeconds(2));
        ExportService exports = new ExportService(TestSources.registry(), AccessPolicy.unrestricted(), limits, AuditLog.NONE, new ExportMetrics(registry),
                new ExportService.Settings(config.exports().defaultFormat(), config.exports().pdfMaxRows()));
        workers = runsJobs ? new WorkerPool(store, files, exports, jobSettings, Clock.systemUTC()) : null;
        if (workers != null) workers.start();
        jobs = new JobService(store, files, exports, jobSettings, workers);
        server = new FreightServer(TestSources.registry(), jobs, new Sweeper(store, files, jobSettings, Clock.systemUTC()),
                registry, new Authentication(ApiKeyCheck.firstOf(admin, stored, new TestKeys()), signer,
                Sessions.disabled()), s).start();
    }

    static FreightServer.Settings defaults() {
        return FreightServer.Settings.defaults().withPort(0).withSyncMaxRows(500).withMaxRequestBytes(64 * 1024)
                .withEventPollInterval(Duration.ofMillis(100));
    }

    /** The {@code key-<name>[@<role>]} keys; a link names its key by fingerprint, so those of keys seen are known. */
    private static final class TestKeys implements ApiKeyCheck {
        private final Map<String, Principal> byFingerprint = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public Optional<Principal> authenticate(String token) {
            if (!token.startsWith("key-") || token.length() <= 4) return Optional.empty();
            String spec = token.substring(4);
            int at = spec.indexOf('@');
            Principal p = at < 0 ? Principal.user(spec) : new Principal(spec.substring(0, at), spec.substring(at + 1), Map.of());
            byFingerprint.put(ApiKeys.fingerprint(ApiKeys.sha256Hex(token)), p);
            return Optional.of(p);
        }

        @Override
        public Optional<Principal> authenticateFingerprint(String fingerprint) {
            return Optional.ofNullable(byFingerprint.get(fingerprint));
        }
    }

    /** A client with a new key stored in the job store for {@code principal}. */
    ApiClient storedClient(Principal principal) {
        String key = ApiKeys.newKey();
        storedKeys.create(principal, ApiKeys.sha256Hex(key));
        return new ApiClient(server.port(), key);
    }

    ApiClient client(String principal) {
        return new ApiClient(server.port(), "key-" + principal);
    }

    ApiClient admin() {
        return new ApiClient(server.port(), adminKey);
    }

    /** No Authorization header at all. */
    ApiClient anonymous() {
        return new ApiClient(server.port(), null);
    }

    /** The ids of the caller's jobs, newest first. */
    static List<String> jobIds(ApiClient c) {
        HttpResponse<byte[]> r = c.get(JOBS + "?limit=500");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        ApiClient.json(r).get("jobs").forEach(j -> ids.add(j.get("id").asText()));
        return ids;
    }

    static JsonNode submit(ApiClient c, String body) {
        HttpResponse<byte[]> r = c.post(JOBS, body);
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        return ApiClient.json(r);
    }

    static JsonNode awaitStatus(ApiClient c, String id, String status) {
        return Await.until("job " + id + " to be " + status, Duration.ofSeconds(30),
                () -> ApiClient.json(c.get(JOBS + "/" + id)), j -> j.path("status").asText().equals(status));
    }

    @Override
    public void close() {
        server.close();
        if (workers != null) workers.close();
        store.close();
        TestSources.deleteTree(dir);
    }

}
