package dev.freight.config;

import dev.freight.source.Dialect;
import dev.freight.source.EmbeddedH2;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Binds where Freight keeps its state: {@code job_store} (jobs and keys) and {@code storage} (export files). */
final class StoresBinder {
    static final List<String> JOB_STORE_KEYS = List.of("url", "user", "password", "pool_size", "listen");
    static final List<String> STORAGE_KEYS = List.of("type", "path", "s3");
    static final List<String> S3_KEYS = List.of("bucket", "prefix", "region", "endpoint", "path_style",
            "access_key_id", "secret_access_key", "download", "part_size");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

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

    /**
     * {@code storage}: {@code type} local (the default: {@code path}) or s3 ({@code s3.*}). The settings of the other
     * type are refused, from the file or a variable, rather than silently unused.
     */
    static StorageConfig storage(ConfigSection s, Path dataDir) {
        s.allow(STORAGE_KEYS);
        ConfigValue typeValue = s.get("type");
        String type = typeValue.string("local").toLowerCase(Locale.ROOT);
        ConfigSection s3 = s.section("s3", null);
        ConfigValue path = s.get("path");
        switch (type) {
            case "local" -> {
                if (!s3.node.isEmpty()) {
                    throw new ConfigException(s3.origin, s3.path, "only for storage.type s3, and the type is local;"
                            + " set type: s3, or remove the s3 settings");
                }
                for (String key : S3_KEYS) {
                    ConfigValue v = s3.get(key);
                    if (v.isSet()) {
                        throw new ConfigException(v.origin, v.path, "only for storage.type s3, and the type is local");
                    }
                }
                return StorageConfig.local(path.path(dataDir.resolve("exports")));
            }
            case "s3" -> {
                if (path.isSet()) {
                    throw new ConfigException(path.origin, path.path, "only for storage.type local: S3 storage keeps"
                            + " the files in storage.s3.bucket");
                }
                s3.allow(S3_KEYS);
                return StorageConfig.s3(s3(s3));
            }
            default -> throw typeValue.invalid("expected local or s3");
        }
    }

    private static StorageConfig.S3 s3(ConfigSection s) {
        ConfigValue bucketValue = s.get("bucket");
        String bucket = bucketValue.required("the name of an existing bucket");
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw bucketValue.invalid("expected a bucket name: 3 to 63 lower-case letters, digits, '.' and '-'");
        }
        ConfigValue prefixValue = s.get("prefix");
        String prefix = prefixValue.optionalString().orElse("");
        while (prefix.startsWith("/")) prefix = prefix.substring(1);
        while (prefix.endsWith("/")) prefix = prefix.substring(0, prefix.length() - 1);
        if (prefix.contains("//") || prefix.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
            throw prefixValue.invalid("expected a key prefix such as exports or freight/prod");
        }
        ConfigValue region = s.get("region");
        Optional<String> regionName = region.optionalString();
        if (regionName.isPresent() && !regionName.get().matches("[a-z0-9-]{1,32}")) {
            throw region.invalid("expected a region name such as eu-west-1");
        }
        ConfigValue keyId = s.get("access_key_id");
        ConfigValue secretKey = s.get("secret_access_key");
        Optional<Secret> id = keyId.secret();
        Optional<Secret> secret = secretKey.secret();
        if (id.isPresent() != secret.isPresent()) {
            ConfigValue missing = id.isPresent() ? secretKey : keyId;
            throw new ConfigException(missing.origin, missing.path, "missing: access_key_id and secret_access_key go"
                    + " together (set both, or neither to use the default AWS credential chain)");
        }
        ConfigValue downloadValue = s.get("download");
        StorageConfig.Download download = switch (downloadValue.string("redirect").toLowerCase(Locale.ROOT)) {
            case "redirect" -> StorageConfig.Download.REDIRECT;
            case "proxy" -> StorageConfig.Download.PROXY;
            default -> throw downloadValue.invalid("expected redirect or proxy");
        };
        ConfigValue partValue = s.get("part_size");
        long partSize = partValue.size(StorageConfig.S3.DEFAULT_PART_SIZE);
        if (partSize < StorageConfig.S3.MIN_PART_SIZE || partSize > StorageConfig.S3.MAX_PART_SIZE) {
            throw partValue.invalid("expected a size from 5MiB (the smallest part S3 takes) to 5GiB");
        }
        return new StorageConfig.S3(bucket, prefix.isEmpty() ? "" : prefix + "/", regionName, s.get("endpoint").httpUrl(),
                s.get("path_style").bool(false), id, secret, download, partSize);
    }
}
