package dev.freight.config;

import java.util.Objects;
import java.util.Optional;

/** The database that holds export jobs (and is their queue): H2 embedded by default, PostgreSQL to scale out. */
public record JobStoreConfig(String url, Optional<String> user, Optional<Secret> password, int poolSize) {

    public JobStoreConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /** The URL may carry a password parameter; it is masked like the password itself. */
    @Override
    public String toString() {
        return "JobStoreConfig[url=" + JdbcUrls.redact(url) + ", user=" + user + ", password=" + password
                + ", poolSize=" + poolSize + "]";
    }
}
