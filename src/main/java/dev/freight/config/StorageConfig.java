package dev.freight.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where finished export files live: a local directory ({@code path}; one shared by every node, over NFS, works too),
 * or an S3-compatible bucket ({@code s3}). Exactly the one of the type is set.
 */
public record StorageConfig(Type type, Path path, S3 s3) {

    public enum Type { LOCAL, S3 }

    /** How a client downloads a file kept in S3: redirected to a presigned URL, or streamed through Freight. */
    public enum Download { REDIRECT, PROXY }

    /**
     * {@code prefix} is "" or ends with '/'; the keys are both set or both empty (then the default AWS credential
     * chain); {@code partSize} is at least 5 MiB, as S3 requires.
     */
    public record S3(String bucket, String prefix, Optional<String> region, Optional<URI> endpoint, boolean pathStyle,
                     Optional<Secret> accessKeyId, Optional<Secret> secretAccessKey, Download download, long partSize) {
        public static final long DEFAULT_PART_SIZE = 16L << 20;
        public static final long MIN_PART_SIZE = 5L << 20;
        public static final long MAX_PART_SIZE = 5L << 30;

        public S3 {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
            Objects.requireNonNull(download, "download");
            if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
                throw new IllegalArgumentException("access key id and secret access key go together");
            }
            if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) throw new IllegalArgumentException("part size");
        }
    }

    /** A local directory. */
    public StorageConfig(Type type, Path path) {
        this(type, path, null);
    }

    public StorageConfig {
        Objects.requireNonNull(type, "type");
        if (type == Type.LOCAL) Objects.requireNonNull(path, "path");
        if (type == Type.S3) Objects.requireNonNull(s3, "s3");
        if ((type == Type.LOCAL) != (s3 == null) || (type == Type.S3 && path != null)) {
            throw new IllegalArgumentException("a local store has a path, an S3 store its s3 settings");
        }
    }

    public static StorageConfig local(Path path) {
        return new StorageConfig(Type.LOCAL, path, null);
    }

    public static StorageConfig s3(S3 s3) {
        return new StorageConfig(Type.S3, null, s3);
    }
}
