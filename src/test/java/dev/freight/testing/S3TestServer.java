package dev.freight.testing;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * A real S3 protocol server in the test's JVM: s3proxy over a directory (jclouds' filesystem layout: a sub-directory
 * is a bucket), on a free loopback port, checking AWS signatures against one access key. {@link #restart} brings it
 * back on the same port and directory with other credentials, as when a bucket's keys are rotated under a node.
 * {@link #client()} is a plain SDK client of the test's own, to look at the bucket from outside Freight.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS_KEY = "freight-test-access";
    public static final String SECRET_KEY = "freight-test-secret-0123456789";
    public static final String REGION = "us-east-1";

    private final Path dir;
    private final BlobStore blobs;
    private S3Proxy proxy;
    private int port;
    private S3Client client;

    private S3TestServer(Path dir) throws Exception {
        this.dir = dir;
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", dir.toString());
        p.setProperty("jclouds.identity", ACCESS_KEY);
        p.setProperty("jclouds.credential", SECRET_KEY);
        this.blobs = BlobStores.create("filesystem", p);
    }

    /** Started, with the buckets created. */
    public static S3TestServer start(Path dir, String... buckets) throws Exception {
        S3TestServer server = new S3TestServer(dir);
        server.listen(0, ACCESS_KEY, SECRET_KEY);
        for (String bucket : buckets) server.client().createBucket(b -> b.bucket(bucket));
        return server;
    }

    private void listen(int wantedPort, String accessKey, String secretKey) throws Exception {
        proxy = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:" + wantedPort))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // Clients keep connections open; a graceful stop would wait for them.
                .stopTimeout(0).build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            Thread.sleep(10);
        }
        port = proxy.getPort();
    }

    /** The same bucket directory on the same port, now accepting only {@code accessKey}/{@code secretKey}. */
    public void restart(String accessKey, String secretKey) throws Exception {
        proxy.stop();
        listen(port, accessKey, secretKey);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Path dir() {
        return dir;
    }

    /** The test's own client (original credentials), for looking at the bucket from outside. */
    public synchronized S3Client client() {
        if (client == null) {
            client = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(REGION))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                    .endpointOverride(endpoint()).forcePathStyle(true).build();
        }
        return client;
    }

    public List<String> objectKeys(String bucket) {
        return client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
    }

    public List<String> pendingUploads(String bucket) {
        return client().listMultipartUploadsPaginator(b -> b.bucket(bucket)).uploads().stream().map(MultipartUpload::key)
                .toList();
    }

    /** The YAML of {@code storage} for this server, keys by reference to S3_ACCESS_KEY and S3_SECRET_KEY. */
    public String storageYaml(String bucket, String extra) {
        return """
                storage:
                  type: s3
                  s3:
                    bucket: %s
                    region: %s
                    endpoint: %s
                    path_style: true
                    access_key_id: ${env:S3_ACCESS_KEY}
                    secret_access_key: ${env:S3_SECRET_KEY}
                %s""".formatted(bucket, REGION, endpoint(), extra.isEmpty() ? "" : extra.indent(4));
    }

    @Override
    public void close() throws Exception {
        if (client != null) client.close();
        proxy.stop();
    }
}
