package dev.freight.config;

import dev.freight.source.Dialect;
import dev.freight.source.EmbeddedH2;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Binds where Freight keeps its state: {@code job_store} (jobs and keys) and {@code storage} (export files). */
final class StoresBinder {
    static final List<String> JOB_STORE_KEYS = List.of("url", "user", "password", "pool_size", "listen");
    static final List<String> STORAGE_KEYS = List.of("type", "path");

    private StoresBinder() {
    }

    static JobStoreConfig jobStore(ConfigSection s, Path dataDir) {
        // Shared with a second process on this machine (a CLI command beside the server), never beyond it.
        String fallback = EmbeddedH2.fileUrl(dataDir.resolve("jobs"));
        ConfigValue urlValue = s.get("url");
        String url = urlValue.string(fallback);
        Dialect dialect = JdbcUrls.dialect(urlValue, url);
        if (dialect != Dialect.H2 && dialect != Dialect.POSTGRESQL) {
            throw urlValue.invalid("the job store must be H2 (jdbc:h2:) or PostgreSQL (jdbc:postgresql:)");
        }
        return new JobStoreConfig(url, s.get("user").optionalString(), s.get("password").secret(),
                s.get("pool_size").integer(10, 1, Integer.MAX_VALUE), s.get("listen").bool(true));
    }

    /** {@code s} is read before its keys are checked: see the type. */
    static StorageConfig storage(ConfigSection s, Path dataDir) {
        // The type first: settings of a store that does not exist yet should say so, not "unknown key".
        ConfigValue typeValue = s.get("type");
        String type = typeValue.string("local").toLowerCase(Locale.ROOT);
        if (type.equals("s3")) throw typeValue.invalid("S3 storage is not supported yet; use local");
        if (!type.equals("local")) throw typeValue.invalid("expected local (s3 is planned)");
        s.allow(STORAGE_KEYS);
        return new StorageConfig(StorageConfig.Type.LOCAL, s.get("path").path(dataDir.resolve("exports")));
    }
}
