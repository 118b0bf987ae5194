package dev.freight.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The database that holds export jobs (and is their queue): H2 embedded by default, PostgreSQL to scale out.
 * {@code listen}: on PostgreSQL, whether nodes LISTEN for each other's announcements (false: they poll, as behind a
 * pooler in transaction mode, where LISTEN does not work).
 */
public record JobStoreConfig(String url, Optional<String> user, Optional<Secret> password, int poolSize, boolean listen) {

    public JobStoreConfig(String url, Optional<String> user, Optional<Secret> password, int poolSize) {
        this(url, user, password, poolSize, true);
    }

    public JobStoreConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /**
     * Whether several nodes may share this job store: PostgreSQL. Then what a node would otherwise generate for
     * itself (link and mask keys) must be configured, the same on every node. H2 serves one node.
     */
    public boolean sharedByNodes() {
        return dev.freight.source.Dialect.fromJdbcUrl(url) == dev.freight.source.Dialect.POSTGRESQL;
    }

    /** The URL may carry a password parameter; it is masked like the password itself. */
    @Override
    public String toString() {
        return "JobStoreConfig[url=" + JdbcUrls.redact(url) + ", user=" + user + ", password=" + password
                + ", poolSize=" + poolSize + ", listen=" + listen + "]";
    }
}
