package dev.freight.config;

import java.nio.file.Path;
import java.util.Objects;

/** Where finished export files live. Only a local directory for now; {@code s3} is reserved for the S3 store. */
public record StorageConfig(Type type, Path path) {

    public enum Type { LOCAL }

    public StorageConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(path, "path");
    }
}
