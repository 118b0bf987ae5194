package dev.freight.storage;

import dev.freight.testing.S3TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The S3 file store against a real S3 protocol server (s3proxy in this JVM, over a temporary directory): what is
 * stored, what is visible when, what is left behind after a failure, and what the store says when it refuses.
 */
class S3FileStoreTest {
    private static final String BUCKET = "exports";
    private static final long MIB = 1 << 20;

    @TempDir
    static Path dir;
    static S3TestServer server;
    S3FileStore store;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.start(dir, BUCKET, "other");
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void openStore() {
        store = store(S3FileStore.Download.REDIRECT, S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY, BUCKET);
    }

    @AfterEach
    void emptyTheBucket() {
        server.client().listMultipartUploadsPaginator(b -> b.bucket(BUCKET)).uploads().forEach(u -> server.client()
                .abortMultipartUpload(b -> b.bucket(BUCKET).key(u.key()).uploadId(u.uploadId())));
        server.objectKeys(BUCKET).forEach(k -> server.client().deleteObject(b -> b.bucket(BUCKET).key(k)));
        store.close();
    }

    static S3FileStore store(S3FileStore.Download download, String accessKey, String secretKey, String bucket) {
        return new S3FileStore(new S3FileStore.Options(bucket, "freight/", S3TestServer.REGION, server.endpoint(), true,
                accessKey, secretKey, download, 5 * MIB));
    }

    static byte[] bytes(long n) {
        byte[] b = new byte[Math.toIntExact(n)];
        new Random(n).nextBytes(b);
        return b;
    }

    /** Writes in uneven pieces, as a format writer does, so part boundaries fall inside writes. */
    static void write(OutputStream out, byte[] data) throws IOException {
        int at = 0;
        int piece = 1;
        while (at < data.length) {
            int n = Math.min(piece, data.length - at);
            out.write(data, at, n);
            at += n;
            piece = piece * 3 % 400_009 + 1;
        }
    }

    static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void aNamedCopyIsOnePutUnderThePrefixAndReplacesAnEarlierOne() throws IOException {
        byte[] first = bytes(1000);
        byte[] second = bytes(2000);
        store.putNamed("orders/2026/11/30/weekly.csv", new java.io.ByteArrayInputStream(first), first.length);
        store.putNamed("orders/2026/11/30/weekly.csv", new java.io.ByteArrayInputStream(second), second.length);
        assertThat(server.objectKeys(BUCKET)).containsExactly("freight/orders/2026/11/30/weekly.csv");
        assertThat(server.client().getObjectAsBytes(b -> b.bucket(BUCKET).key("freight/orders/2026/11/30/weekly.csv"))
                .asByteArray()).isEqualTo(second);
        assertThatThrownBy(() -> store.putNamed("../escape.csv", new java.io.ByteArrayInputStream(first), first.length))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFileOfMoreThanThreePartsGoesUpAsOneMultipartUploadAndAppearsOnlyWhenPublished() throws Exception {
        byte[] data = bytes(17 * MIB + 12_345); // 3 full parts of 5 MiB and a last one of 2 MiB and a bit
        try (FileStore.Upload upload = store.create("job1")) {
            write(upload.stream(), data);

            assertThat(store.size("job1")).isEmpty();
            assertThat(server.objectKeys(BUCKET)).isEmpty();
            assertThat(store.parts()).extracting(FileStore.Part::key).containsExactly("job1");

            assertThat(upload.publish()).isEqualTo(data.length);
        }

        assertThat(server.objectKeys(BUCKET)).containsExactly("freight/job1");
        assertThat(server.pendingUploads(BUCKET)).isEmpty();
        // A multipart object's ETag ends with its part count.
        assertThat(server.client().headObject(b -> b.bucket(BUCKET).key("freight/job1")).eTag()).endsWith("-4\"");
        assertThat(store.size("job1")).hasValue((long) data.length);
        assertThat(read(store.open("job1", 0))).isEqualTo(data);
        assertThat(read(store.open("job1", 11 * MIB, 100))).isEqualTo(Arrays.copyOfRange(data, 11 * (int) MIB, 11 * (int) MIB + 100));
        assertThat(read(store.open("job1", data.length - 7))).isEqualTo(Arrays.copyOfRange(data, data.length - 7, data.length));
        assertThat(store.parts()).isEmpty();
    }

    /**
     * A suspended upload stores whole parts; another store (another node) continues the same multipart upload from
     * them, sending its own bytes from where they end, and the published object is the whole file.
     */
    @Test
    void aSuspendedUploadIsContinuedFromItsStoredPartsByAnotherStore() throws Exception {
        byte[] data = bytes(23 * MIB + 777);
        FileStore.Upload first = store.create("job1");
        write(first.stream(), Arrays.copyOf(data, 16 * (int) MIB));
        first.suspend();
        FileStore.Stored stored = first.stored().orElseThrow();
        assertThat(stored.bytes()).isEqualTo(15 * MIB); // three parts up; the fourth was still filling
        assertThat(server.objectKeys(BUCKET)).isEmpty();

        try (S3FileStore other = store(S3FileStore.Download.PROXY, S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY, BUCKET);
             FileStore.Upload continued = other.resume("job1", stored).orElseThrow()) {
            assertThat(continued.stored().orElseThrow()).isEqualTo(stored);
            write(continued.stream(), Arrays.copyOfRange(data, (int) stored.bytes(), data.length));
            assertThat(continued.publish()).isEqualTo(data.length);
        }

        assertThat(read(store.open("job1", 0))).isEqualTo(data);
        assertThat(server.pendingUploads(BUCKET)).isEmpty();
    }

    @Test
    void anUploadThatIsGoneOrHoldsFewerPartsIsNotContinued() throws Exception {
        FileStore.Upload first = store.create("job1");
        write(first.stream(), bytes(11 * MIB));
        first.suspend();
        FileStore.Stored stored = first.stored().orElseThrow();

        assertThat(store.resume("job1", new FileStore.Stored(stored.bytes() + 5 * MIB, stored.upload()))).isEmpty();
        assertThat(store.resume("job1", new FileStore.Stored(stored.bytes() - 1, stored.upload()))).isEmpty();
        first.abort();
        // suspended, then aborted: the upload is gone
        for (FileStore.Part part : store.parts()) store.deletePart(part);
        assertThat(store.resume("job1", stored)).isEmpty();
    }

    /**
     * Bounded memory: the writing thread allocates the buffers of two parts (one filling, one being sent, then
     * reused), not the file. Measured as the bytes the thread allocated while writing eight parts' worth.
     */
    @Test
    void anUploadHoldsAtMostTwoPartsWhateverTheFileSize() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] piece = bytes(64 * 1024);
        long before = threads.getCurrentThreadAllocatedBytes();
        try (FileStore.Upload upload = store.create("long")) {
            OutputStream out = upload.stream();
            for (int i = 0; i < 8 * 5 * 16; i++) out.write(piece);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(allocated).as("bytes allocated while writing 40 MiB in parts of 5 MiB")
                    .isBetween(10 * MIB, 10 * MIB + 2 * MIB);
            assertThat(upload.publish()).isEqualTo(40 * MIB);
        }
        assertThat(store.size("long")).hasValue(40 * MIB);
    }

    @Test
    void aFileSmallerThanAPartIsOnePutAtPublishAndLeavesNoUploadBehind() throws Exception {
        byte[] data = bytes(300_000);
        try (FileStore.Upload upload = store.create("small")) {
            write(upload.stream(), data);
            assertThat(store.parts()).isEmpty();
            assertThat(server.objectKeys(BUCKET)).isEmpty();
            upload.publish();
        }
        assertThat(read(store.open("small", 0))).isEqualTo(data);
        try (FileStore.Upload empty = store.create("empty")) {
            assertThat(empty.publish()).isZero();
        }
        assertThat(store.size("empty")).hasValue(0L);
        assertThat(read(store.open("empty", 0))).isEmpty();
    }

    @Test
    void anAbortedUploadLeavesNoObjectAndNoPendingUpload() throws Exception {
        FileStore.Upload upload = store.create("failed");
        write(upload.stream(), bytes(12 * MIB)); // two parts sent, the third filling
        assertThat(server.pendingUploads(BUCKET)).containsExactly("freight/failed");

        upload.abort();
        upload.abort();

        assertThat(server.pendingUploads(BUCKET)).isEmpty();
        assertThat(server.objectKeys(BUCKET)).isEmpty();
        assertThat(store.size("failed")).isEmpty();
        IOException afterAbort = catchThrowableOfType(IOException.class, () -> upload.stream().write(1));
        assertThat(afterAbort).hasMessageContaining("has ended");
    }

    @Test
    void closingAnUnpublishedUploadAbortsIt() throws Exception {
        try (FileStore.Upload upload = store.create("closed")) {
            write(upload.stream(), bytes(6 * MIB));
        }
        assertThat(server.pendingUploads(BUCKET)).isEmpty();
        assertThat(server.objectKeys(BUCKET)).isEmpty();
    }

    @Test
    void unfinishedUploadsUnderThePrefixAreListedAndAbortedOthersAreLeftAlone() throws Exception {
        String orphan = server.client().createMultipartUpload(b -> b.bucket(BUCKET).key("freight/crashed")).uploadId();
        String foreign = server.client().createMultipartUpload(b -> b.bucket(BUCKET).key("elsewhere/x")).uploadId();
        String nested = server.client().createMultipartUpload(b -> b.bucket(BUCKET).key("freight/sub/x")).uploadId();

        List<FileStore.Part> parts = store.parts();
        assertThat(parts).extracting(FileStore.Part::key, FileStore.Part::name)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("crashed", orphan));
        assertThat(parts.get(0).started()).isBetween(java.time.Instant.now().minusSeconds(60), java.time.Instant.now().plusSeconds(60));
        store.deletePart(parts.get(0));
        store.deletePart(parts.get(0)); // another node's sweep got there first: no error

        assertThat(server.pendingUploads(BUCKET)).containsExactlyInAnyOrder("elsewhere/x", "freight/sub/x");
        server.client().abortMultipartUpload(b -> b.bucket(BUCKET).key("elsewhere/x").uploadId(foreign));
        server.client().abortMultipartUpload(b -> b.bucket(BUCKET).key("freight/sub/x").uploadId(nested));
    }

    @Test
    void deleteRemovesThePublishedFile() throws Exception {
        try (FileStore.Upload upload = store.create("gone")) {
            upload.stream().write(bytes(10));
            upload.publish();
        }
        assertThat(store.delete("gone")).isTrue();
        assertThat(store.delete("gone")).isFalse();
        assertThat(store.size("gone")).isEmpty();
        assertThat(server.objectKeys(BUCKET)).isEmpty();
    }

    @Test
    void aPresignedUrlServesRangesUnderTheGivenFileName() throws Exception {
        byte[] data = bytes(6 * MIB);
        try (FileStore.Upload upload = store.create("signed")) {
            write(upload.stream(), data);
            upload.publish();
        }
        String disposition = "attachment; filename=\"orders-20240102-030405-signed.csv\"; "
                + "filename*=UTF-8''orders-20240102-030405-signed.csv";
        URI url = store.downloadUrl("signed", disposition, "text/csv; charset=utf-8", Duration.ofMinutes(2)).orElseThrow();

        assertThat(url.getRawQuery()).contains("X-Amz-Expires=120").doesNotContain(S3TestServer.SECRET_KEY);
        HttpResponse<byte[]> ranged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url)
                .header("Range", "bytes=5242870-5242889").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(ranged.statusCode()).isEqualTo(206);
        assertThat(ranged.body()).isEqualTo(Arrays.copyOfRange(data, 5_242_870, 5_242_890));
        assertThat(ranged.headers().firstValue("Content-Disposition")).hasValue(disposition);
        assertThat(ranged.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");

        HttpResponse<byte[]> tampered = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url.toString().replace("signed", "signee"))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(tampered.statusCode()).isEqualTo(403);
    }

    @Test
    void inProxyModeThereIsNoDownloadUrl() throws Exception {
        try (S3FileStore proxied = store(S3FileStore.Download.PROXY, S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY, BUCKET)) {
            assertThat(proxied.downloadUrl("any", "attachment", "text/csv", Duration.ofMinutes(1))).isEmpty();
        }
    }

    @Test
    void refusedCredentialsAreAPermanentFailureThatSaysWhatToCheck() throws Exception {
        try (S3FileStore wrong = store(S3FileStore.Download.REDIRECT, S3TestServer.ACCESS_KEY, "not-the-secret", BUCKET)) {
            StorageUnavailableException atStart = catchThrowableOfType(StorageUnavailableException.class, wrong::check);
            assertThat(atStart.isTransient()).isFalse();
            assertThat(atStart).hasMessageStartingWith("S3 bucket 'exports' at " + server.endpoint() + ": checking the bucket failed: HTTP 403")
                    .hasMessageContaining("check the S3 credentials").hasMessageNotContaining("not-the-secret");

            FileStore.Upload upload = wrong.create("denied");
            StorageUnavailableException onUpload = catchThrowableOfType(StorageUnavailableException.class,
                    () -> write(upload.stream(), bytes(6 * MIB)));
            assertThat(onUpload.isTransient()).isFalse();
            assertThat(onUpload).hasMessageContaining("starting the upload of freight/denied failed: HTTP 403");
            upload.abort();

            FileStore.Upload small = wrong.create("denied");
            small.stream().write(bytes(10));
            assertThat(catchThrowableOfType(StorageUnavailableException.class, small::publish))
                    .hasMessageContaining("storing freight/denied failed: HTTP 403");
        }
        assertThat(server.pendingUploads(BUCKET)).isEmpty();
        assertThat(server.objectKeys(BUCKET)).isEmpty();
    }

    @Test
    void aMissingBucketIsNamed() {
        try (S3FileStore missing = store(S3FileStore.Download.REDIRECT, S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY, "no-such-bucket")) {
            StorageUnavailableException e = catchThrowableOfType(StorageUnavailableException.class, missing::check);
            assertThat(e.isTransient()).isFalse();
            assertThat(e).hasMessageContaining("S3 bucket 'no-such-bucket'").hasMessageContaining("HTTP 404")
                    .hasMessageEndingWith("the bucket does not exist (storage.s3.bucket)");
        }
    }

    @Test
    void anUnreachableStoreIsATransientFailure() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (S3FileStore nowhere = new S3FileStore(new S3FileStore.Options(BUCKET, "", S3TestServer.REGION,
                URI.create("http://127.0.0.1:" + closedPort), true, "a", "b", S3FileStore.Download.PROXY, 5 * MIB))) {
            StorageUnavailableException e = catchThrowableOfType(StorageUnavailableException.class, nowhere::check);
            assertThat(e.isTransient()).isTrue();
            assertThat(e).hasMessageContaining("checking the bucket failed, no answer");
        }
    }

    @Test
    void keysThatAreNotFileKeysAreRefused() {
        for (String key : List.of("../x", "a/b", "", "UPPER")) {
            assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> store.create(key))).isNotNull();
        }
    }
}
