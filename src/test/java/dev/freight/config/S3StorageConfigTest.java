package dev.freight.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code storage: {type: s3, s3: {...}}}: what a valid bucket configuration becomes, and the one-line refusal of
 * each mistake, at start-up rather than at the first export.
 */
class S3StorageConfigTest {
    private static final Map<String, String> KEYS = Map.of("S3_ID", "AKIAEXAMPLE", "S3_SECRET", "s3-secret");

    @TempDir
    Path dir;

    Configs configs() {
        return new Configs(dir);
    }

    static String s3(String keys) {
        return "storage:\n  type: s3\n  s3:\n" + keys.indent(4);
    }

    @Test
    void aBucketAloneIsEnoughTheRestHasDefaults() {
        StorageConfig storage = configs().load(s3("bucket: exports")).storage();

        assertThat(storage.type()).isEqualTo(StorageConfig.Type.S3);
        assertThat(storage.path()).isNull();
        assertThat(storage.s3()).isEqualTo(new StorageConfig.S3("exports", "", Optional.empty(), Optional.empty(), false,
                Optional.empty(), Optional.empty(), StorageConfig.Download.REDIRECT, 16L << 20));
    }

    @Test
    void everyKeyIsRead() {
        StorageConfig.S3 s3 = configs().load(s3("""
                bucket: freight.exports-1
                prefix: /prod/exports/
                region: eu-west-1
                endpoint: http://127.0.0.1:9000/
                path_style: true
                access_key_id: ${env:S3_ID}
                secret_access_key: ${env:S3_SECRET}
                download: proxy
                part_size: 5MiB"""), KEYS).storage().s3();

        assertThat(s3.bucket()).isEqualTo("freight.exports-1");
        assertThat(s3.prefix()).isEqualTo("prod/exports/");
        assertThat(s3.region()).hasValue("eu-west-1");
        assertThat(s3.endpoint()).hasValue(URI.create("http://127.0.0.1:9000"));
        assertThat(s3.pathStyle()).isTrue();
        assertThat(s3.accessKeyId()).map(Secret::reveal).hasValue("AKIAEXAMPLE");
        assertThat(s3.secretAccessKey()).map(Secret::reveal).hasValue("s3-secret");
        assertThat(s3.download()).isEqualTo(StorageConfig.Download.PROXY);
        assertThat(s3.partSize()).isEqualTo(5L << 20);
        assertThat(s3.toString()).doesNotContain("s3-secret");
    }

    @Test
    void theEnvironmentCanChooseS3AndItsBucket() {
        StorageConfig storage = configs().load("{}", Map.of("FREIGHT_STORAGE_TYPE", "s3",
                "FREIGHT_STORAGE_S3_BUCKET", "from-env", "FREIGHT_STORAGE_S3_PART_SIZE", "32MiB")).storage();
        assertThat(storage.s3().bucket()).isEqualTo("from-env");
        assertThat(storage.s3().partSize()).isEqualTo(32L << 20);
    }

    @Test
    void aMissingBucketIsRefused() {
        assertThat(configs().message("storage:\n  type: s3\n"))
                .isEqualTo("freight.yml: storage.s3.bucket: missing: expected the name of an existing bucket");
        assertThat(configs().message(s3("bucket: Exports_2024")))
                .isEqualTo("freight.yml: storage.s3.bucket: expected a bucket name: 3 to 63 lower-case letters, digits,"
                        + " '.' and '-', got \"Exports_2024\"");
    }

    @Test
    void aPartSizeBelowWhatS3TakesIsRefused() {
        assertThat(configs().message(s3("bucket: exports\npart_size: 4MiB")))
                .isEqualTo("freight.yml: storage.s3.part_size: expected a size from 5MiB (the smallest part S3 takes)"
                        + " to 5GiB, got \"4MiB\"");
        assertThat(configs().message(s3("bucket: exports\npart_size: lots")))
                .startsWith("freight.yml: storage.s3.part_size: expected a size like");
    }

    @Test
    void anUnknownKeyIsRefusedWithTheClosestOne() {
        assertThat(configs().message(s3("bucket: exports\nregoin: eu-west-1")))
                .isEqualTo("freight.yml: storage.s3: unknown key 'regoin' (did you mean 'region'?)");
        assertThat(configs().message("{}", Map.of("FREIGHT_STORAGE_TYPE", "s3", "FREIGHT_STORAGE_S3_BUCKET", "bkt",
                "FREIGHT_STORAGE_S3_PATHSTYLE", "true")))
                .startsWith("FREIGHT_STORAGE_S3_PATHSTYLE: unknown setting (did you mean FREIGHT_STORAGE_S3_PATH_STYLE?)");
    }

    @Test
    void keysAreGivenByReferenceAndTogether() {
        assertThat(configs().message(s3("bucket: exports\naccess_key_id: AKIAEXAMPLE\nsecret_access_key: ${env:S3_SECRET}"), KEYS))
                .isEqualTo("freight.yml: storage.s3.access_key_id: secrets are not written in the file: write"
                        + " ${env:NAME} and set the variable NAME, or set FREIGHT_STORAGE_S3_ACCESS_KEY_ID");
        assertThat(configs().message(s3("bucket: exports\naccess_key_id: ${env:S3_ID}"), KEYS))
                .isEqualTo("freight.yml: storage.s3.secret_access_key: missing: access_key_id and secret_access_key go"
                        + " together (set both, or neither to use the default AWS credential chain)");
    }

    @Test
    void theSettingsOfTheOtherTypeAreRefused() {
        assertThat(configs().message("storage:\n  s3:\n    bucket: exports\n"))
                .isEqualTo("freight.yml: storage.s3: only for storage.type s3, and the type is local; set type: s3, or"
                        + " remove the s3 settings");
        assertThat(configs().message("{}", Map.of("FREIGHT_STORAGE_S3_BUCKET", "exports")))
                .isEqualTo("FREIGHT_STORAGE_S3_BUCKET: storage.s3.bucket: only for storage.type s3, and the type is local");
        assertThat(configs().message("storage:\n  type: s3\n  path: /srv/exports\n  s3:\n    bucket: exports\n"))
                .isEqualTo("freight.yml: storage.path: only for storage.type local: S3 storage keeps the files in"
                        + " storage.s3.bucket");
        assertThat(configs().message("storage:\n  type: gcs\n"))
                .isEqualTo("freight.yml: storage.type: expected local or s3, got \"gcs\"");
    }

    @Test
    void otherValuesAreChecked() {
        assertThat(configs().message(s3("bucket: exports\ndownload: stream")))
                .isEqualTo("freight.yml: storage.s3.download: expected redirect or proxy, got \"stream\"");
        assertThat(configs().message(s3("bucket: exports\nendpoint: minio:9000")))
                .startsWith("freight.yml: storage.s3.endpoint: expected an absolute http(s) URL");
        assertThat(configs().message(s3("bucket: exports\nregion: Europe West")))
                .isEqualTo("freight.yml: storage.s3.region: expected a region name such as eu-west-1, got \"Europe West\"");
    }

    @Test
    void aRedirectedDownloadCannotBeDeletedAfterItFinishes() {
        assertThat(configs().message(s3("bucket: exports") + "exports:\n  delete_after_download: true\n"))
                .isEqualTo("freight.yml: storage.s3.download: redirect (the default) cannot be combined with"
                        + " exports.delete_after_download: Freight does not see a redirected download finish; set"
                        + " download: proxy, or turn delete_after_download off");
        assertThat(configs().load(s3("bucket: exports\ndownload: proxy") + "exports:\n  delete_after_download: true\n")
                .exports().deleteAfterDownload()).isTrue();
    }
}
