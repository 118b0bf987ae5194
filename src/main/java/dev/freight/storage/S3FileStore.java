package dev.freight.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Files in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, s3proxy) under a key prefix. A file that fits in one
 * part goes up in one PUT when it is published; a larger one is a multipart upload whose parts are sent while the
 * export goes on, so an upload holds at most two parts in memory (one filling, one being sent) whatever the file's
 * size. Either way the object appears only when it is complete (the PUT, or complete-multipart); a failed or
 * cancelled upload is aborted. Unpublished uploads ({@link #parts()}) are the multipart uploads under the prefix.
 *
 * <p>Every failure to reach or use the bucket is a {@link StorageUnavailableException} naming the bucket and what
 * it answered; refused credentials and a missing bucket are not transient.
 */
public final class S3FileStore implements FileStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3FileStore.class);
    /** S3 refuses smaller parts (but the last). */
    public static final long MIN_PART_SIZE = 5L << 20;
    public static final long MAX_PART_SIZE = 5L << 30;
    /** S3's most parts in one upload: with 16 MiB parts a file may reach 160 GiB. */
    static final int MAX_PARTS = 10_000;
    /** The presigned URLs S3 accepts live at most a week. */
    public static final Duration MAX_URL_VALIDITY = Duration.ofDays(7);
    private static final Pattern SAFE_KEY = Pattern.compile("[a-z0-9]{1,64}");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final String BINARY = "application/octet-stream";

    /** How clients download: a redirect to a presigned URL, or through Freight. */
    public enum Download { REDIRECT, PROXY }

    /**
     * {@code region} and {@code endpoint} may be null (the default region chain; AWS's endpoint); the keys are both
     * set or both null (then the default AWS credential chain: environment, profile, container or instance role).
     */
    public record Options(String bucket, String prefix, String region, URI endpoint, boolean pathStyle,
                          String accessKeyId, String secretAccessKey, Download download, long partSize) {
        public Options {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(download, "download");
            if (!BUCKET.matcher(bucket).matches()) throw new IllegalArgumentException("invalid bucket name: " + bucket);
            prefix = normalizedPrefix(prefix);
            if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
                throw new IllegalArgumentException("part size must be 5 MiB to 5 GiB, got " + partSize);
            }
            if ((accessKeyId == null) != (secretAccessKey == null)) {
                throw new IllegalArgumentException("give both access key id and secret access key, or neither");
            }
        }

        /** Without the secret. */
        @Override
        public String toString() {
            return "S3 bucket '" + bucket + "'" + (prefix.isEmpty() ? "" : " under '" + prefix + "'")
                    + (endpoint == null ? "" : " at " + endpoint) + ", download " + download + ", parts of " + partSize
                    + " bytes";
        }
    }

    /** "" or a prefix ending in one '/': keys are prefix + job id. */
    static String normalizedPrefix(String prefix) {
        if (prefix == null) return "";
        String p = prefix.strip();
        while (p.startsWith("/")) p = p.substring(1);
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return p.isEmpty() ? "" : p + "/";
    }

    /** The region of the default AWS chain (AWS_REGION, the profile), if it names one. */
    public static Optional<String> defaultRegion() {
        try {
            return Optional.of(new DefaultAwsRegionProviderChain().getRegion().id());
        } catch (SdkException e) {
            return Optional.empty();
        }
    }

    private final Options options;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final ExecutorService senders;
    private final String where;

    public S3FileStore(Options options) {
        this.options = options;
        String region = options.region() != null ? options.region() : defaultRegion().orElseThrow(() ->
                new IllegalArgumentException("no region: none is configured and the default AWS chain names none"));
        AwsCredentialsProvider credentials = options.accessKeyId() != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(options.accessKeyId(), options.secretAccessKey()))
                : DefaultCredentialsProvider.builder().build();
        S3Configuration service = S3Configuration.builder().pathStyleAccessEnabled(options.pathStyle()).build();
        var builder = S3Client.builder()
                // Blocking I/O on the JDK's HttpURLConnection: an upload or download is one thread's work anyway.
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)).build())
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .serviceConfiguration(service)
                // The SDK's default CRC trailers are not understood by every S3-compatible server; TLS (or, over
                // plain HTTP, the signed payload hash) already protects the bytes in transit.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        var presign = S3Presigner.builder().region(Region.of(region)).credentialsProvider(credentials)
                .serviceConfiguration(service);
        if (options.endpoint() != null) {
            builder.endpointOverride(options.endpoint());
            presign.endpointOverride(options.endpoint());
        }
        this.s3 = builder.build();
        this.presigner = presign.build();
        AtomicInteger threads = new AtomicInteger();
        this.senders = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "freight-s3-upload-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.where = "S3 bucket '" + options.bucket() + "'" + (options.endpoint() == null ? "" : " at " + options.endpoint());
    }

    public Options options() {
        return options;
    }

    /** Whether the bucket answers to these credentials: one HEAD request. */
    @Override
    public void check() throws StorageUnavailableException {
        try {
            s3.headBucket(b -> b.bucket(options.bucket()));
        } catch (SdkException e) {
            throw failure("checking the bucket", e);
        }
    }

    private String objectKey(String key) {
        // Defence in depth, as in the local store: keys are job ids, nothing that could name another object.
        if (key == null || !SAFE_KEY.matcher(key).matches()) throw new IllegalArgumentException("invalid file key");
        return options.prefix() + key;
    }

    /** One PUT of the whole copy (S3 takes up to 5 GB so), under the prefix. */
    @Override
    public void putNamed(String name, InputStream content, long length) throws IOException {
        String objectKey = options.prefix() + FileStore.checkNamed(name);
        try {
            s3.putObject(b -> b.bucket(options.bucket()).key(objectKey).contentLength(length),
                    RequestBody.fromInputStream(content, length));
        } catch (SdkException e) {
            throw failure("writing " + objectKey, e);
        }
    }

    @Override
    public Upload create(String key) {
        return new S3Upload(objectKey(key));
    }

    /**
     * The multipart upload goes on under its id: S3 keeps its parts until it is completed or aborted. Its first
     * {@code stored.bytes()} bytes are whole parts of this store's part size, listed by S3 (their ETags are S3's
     * word, not the stopped run's); a part sent after the checkpoint is sent again, which replaces it.
     */
    @Override
    public Optional<Upload> resume(String key, Stored stored) throws IOException {
        String objectKey = objectKey(key);
        if (stored.upload() == null || stored.bytes() % options.partSize() != 0) return Optional.empty();
        long wanted = stored.bytes() / options.partSize();
        List<CompletedPart> parts = new ArrayList<>();
        try {
            for (var part : s3.listPartsPaginator(b -> b.bucket(options.bucket()).key(objectKey).uploadId(stored.upload()))
                    .parts()) {
                if (part.partNumber() > wanted) break;
                if (part.partNumber() != parts.size() + 1 || part.size() != options.partSize()) return Optional.empty();
                parts.add(CompletedPart.builder().partNumber(part.partNumber()).eTag(part.eTag()).build());
            }
        } catch (NoSuchUploadException gone) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("continuing the upload of " + objectKey, e);
        }
        if (parts.size() != wanted) return Optional.empty();
        S3Upload upload = new S3Upload(objectKey);
        upload.continueFrom(stored.upload(), parts, stored.bytes());
        return Optional.of(upload);
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(options.bucket()).key(objectKey(key))).contentLength());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) return Optional.empty();
            throw failure("reading the size of file " + key, e);
        } catch (SdkException e) {
            throw failure("reading the size of file " + key, e);
        }
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
        return open(key, offset, -1);
    }

    /** {@code length} -1: to the end. */
    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        if (length == 0) return InputStream.nullInputStream();
        GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(options.bucket()).key(objectKey(key));
        if (offset > 0 || length > 0) get.range("bytes=" + offset + "-" + (length > 0 ? offset + length - 1 : ""));
        try {
            return s3.getObject(get.build());
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(key);
        } catch (SdkException e) {
            throw failure("reading file " + key, e);
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        boolean existed = size(key).isPresent();
        try {
            s3.deleteObject(b -> b.bucket(options.bucket()).key(objectKey(key)));
            return existed;
        } catch (SdkException e) {
            throw failure("deleting file " + key, e);
        }
    }

    @Override
    public Optional<URI> downloadUrl(String key, String contentDisposition, String contentType, Duration validFor)
            throws IOException {
        if (options.download() != Download.REDIRECT) return Optional.empty();
        Duration valid = validFor.compareTo(MAX_URL_VALIDITY) > 0 ? MAX_URL_VALIDITY
                : validFor.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : validFor;
        try {
            var url = presigner.presignGetObject(p -> p.signatureDuration(valid).getObjectRequest(g -> g
                    .bucket(options.bucket()).key(objectKey(key))
                    .responseContentDisposition(contentDisposition).responseContentType(contentType))).url();
            return Optional.of(url.toURI());
        } catch (SdkException e) {
            // Signing is local; only the default chain's credentials can fail here (none found, expired).
            throw failure("signing a download URL", e);
        } catch (URISyntaxException e) {
            throw new IOException("the presigned URL is not a URI: " + e.getMessage(), e);
        }
    }

    /** The multipart uploads directly under the prefix whose names are file keys: ours, unfinished. */
    @Override
    public List<Part> parts() throws IOException {
        List<Part> parts = new ArrayList<>();
        try {
            for (MultipartUpload u : s3.listMultipartUploadsPaginator(b -> b.bucket(options.bucket())
                    .prefix(options.prefix()).delimiter("/")).uploads()) {
                if (!u.key().startsWith(options.prefix())) continue;
                String key = u.key().substring(options.prefix().length());
                if (SAFE_KEY.matcher(key).matches()) parts.add(new Part(key, u.uploadId(), u.initiated()));
            }
            return parts;
        } catch (SdkException e) {
            throw failure("listing unfinished uploads", e);
        }
    }

    @Override
    public void deletePart(Part part) throws IOException {
        try {
            s3.abortMultipartUpload(b -> b.bucket(options.bucket()).key(objectKey(part.key())).uploadId(part.name()));
        } catch (NoSuchUploadException e) {
            // completed or aborted meanwhile (another node's sweep)
        } catch (AwsServiceException e) {
            if (e.statusCode() != 404) throw failure("aborting an unfinished upload of file " + part.key(), e);
        } catch (SdkException e) {
            throw failure("aborting an unfinished upload of file " + part.key(), e);
        }
    }

    @Override
    public void close() {
        senders.shutdownNow();
        presigner.close();
        s3.close();
    }

    /**
     * What went wrong, for a job's error message and the log: the bucket, the step, what S3 answered, and what to
     * check when it is the configuration's fault. 4xx answers other than timeouts and throttling are permanent:
     * the same request with the same configuration fails again.
     */
    StorageUnavailableException failure(String doing, SdkException e) {
        if (e instanceof AwsServiceException s) {
            int status = s.statusCode();
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            String said = s.awsErrorDetails() != null && s.awsErrorDetails().errorMessage() != null
                    ? s.awsErrorDetails().errorMessage() : null;
            String hint = "";
            if (status == 401 || status == 403 || "InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)) {
                hint = "; check the S3 credentials (storage.s3.access_key_id and secret_access_key, or the default AWS "
                        + "credential chain) and their permissions on the bucket";
            } else if ("NoSuchBucket".equals(code) || (status == 404 && doing.equals("checking the bucket"))) {
                hint = "; the bucket does not exist (storage.s3.bucket)";
            } else if (status == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)) {
                hint = "; the bucket is in another region than the one configured (storage.s3.region)";
            }
            boolean permanent = status >= 300 && status < 500 && status != 408 && status != 429;
            return new StorageUnavailableException(where + ": " + doing + " failed: HTTP " + status
                    + (code == null ? "" : " " + code) + (said == null ? "" : ": " + said) + hint, !permanent, e);
        }
        return new StorageUnavailableException(where + ": " + doing + " failed, no answer: " + e.getMessage(), true, e);
    }

    /**
     * One file on its way up. The export thread fills a part; a full part is handed to a sender thread while the
     * next one fills, and the export waits only when a second part is full before the first has gone: at most two
     * parts are held. The upload id exists once the first part is full.
     */
    private final class S3Upload implements Upload {
        private final String objectKey;
        private final List<CompletedPart> sent = new ArrayList<>();
        /** Parts S3 has, in order: read by the heartbeat's thread while the export writes. */
        private final List<CompletedPart> stored = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final OutputStream stream = new PartStream();
        private Chunks filling = new Chunks();
        private Chunks sendingBuffer;
        private Future<CompletedPart> sending;
        private volatile String uploadId;
        private long total;
        private boolean done;

        S3Upload(String objectKey) {
            this.objectKey = objectKey;
        }

        void continueFrom(String id, List<CompletedPart> parts, long bytes) {
            uploadId = id;
            sent.addAll(parts);
            stored.addAll(parts);
            total = bytes;
        }

        @Override
        public Optional<Stored> stored() {
            String id = uploadId;
            return Optional.of(new Stored(id == null ? 0 : stored.size() * options.partSize(), id));
        }

        /** Waits for the part on its way, which then counts as stored, and leaves the upload to be continued. */
        @Override
        public void suspend() {
            if (done) return;
            done = true;
            // A part that failed is not stored: the run that continues sends it again.
            settle();
        }

        /** Lets the part being sent end, stored or failed, and drops the buffers: the upload writes no more. */
        private void settle() {
            if (sending != null) {
                try {
                    sending.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException ignored) {
                    // it failed: nothing of it is stored
                }
                sending = null;
            }
            filling = null;
            sendingBuffer = null;
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        private final class PartStream extends OutputStream {
            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (done) throw new IOException("the upload of " + objectKey + " has ended");
                while (len > 0) {
                    int n = (int) Math.min(len, options.partSize() - filling.size());
                    filling.write(b, off, n);
                    total += n;
                    off += n;
                    len -= n;
                    if (filling.size() == options.partSize()) ship();
                }
            }
        }

        /** Sends the filled part once the previous one has gone, and reuses the previous one's buffer. */
        private void ship() throws IOException {
            if (uploadId == null) {
                try {
                    uploadId = s3.createMultipartUpload(b -> b.bucket(options.bucket()).key(objectKey)).uploadId();
                } catch (SdkException e) {
                    throw failure("starting the upload of " + objectKey, e);
                }
            }
            Chunks free = awaitSending();
            int number = sent.size() + 1;
            if (number > MAX_PARTS) {
                throw new IOException("the file is larger than S3's " + MAX_PARTS + " parts of " + options.partSize()
                        + " bytes allow; raise storage.s3.part_size");
            }
            Chunks part = filling;
            filling = free != null ? free.reset() : new Chunks();
            sendingBuffer = part;
            String id = uploadId;
            sending = senders.submit(() -> {
                var response = s3.uploadPart(UploadPartRequest.builder().bucket(options.bucket()).key(objectKey)
                        .uploadId(id).partNumber(number).contentLength(part.size()).build(),
                        RequestBody.fromContentProvider(part::stream, part.size(), BINARY));
                CompletedPart completed = CompletedPart.builder().partNumber(number).eTag(response.eTag()).build();
                stored.add(completed);
                return completed;
            });
        }

        /** Waits for the part being sent; its buffer, free again, or null when none was being sent. */
        private Chunks awaitSending() throws IOException {
            if (sending == null) return null;
            try {
                sent.add(sending.get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SdkException sdk) throw failure("sending part " + (sent.size() + 1) + " of " + objectKey, sdk);
                throw new IOException("sending part " + (sent.size() + 1) + " of " + objectKey + " failed: " + cause, cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while sending part " + (sent.size() + 1));
            } finally {
                sending = null;
            }
            Chunks free = sendingBuffer;
            sendingBuffer = null;
            return free;
        }

        @Override
        public long publish() throws IOException {
            if (done) throw new IOException("the upload of " + objectKey + " has ended");
            if (uploadId == null) {
                Chunks whole = filling;
                try {
                    s3.putObject(b -> b.bucket(options.bucket()).key(objectKey).contentLength(whole.size()),
                            RequestBody.fromContentProvider(whole::stream, whole.size(), BINARY));
                } catch (SdkException e) {
                    throw failure("storing " + objectKey, e);
                }
            } else {
                if (filling.size() > 0) ship();
                awaitSending();
                try {
                    s3.completeMultipartUpload(b -> b.bucket(options.bucket()).key(objectKey).uploadId(uploadId)
                            .multipartUpload(m -> m.parts(sent)));
                } catch (SdkException e) {
                    throw failure("completing the upload of " + objectKey, e);
                }
            }
            done = true;
            filling = null;
            return total;
        }

        @Override
        public void abort() {
            if (done) return;
            done = true;
            // A part still being sent could land after the abort and keep its bytes stored: let it end first.
            settle();
            if (uploadId == null) return;
            try {
                s3.abortMultipartUpload(b -> b.bucket(options.bucket()).key(objectKey).uploadId(uploadId));
            } catch (NoSuchUploadException e) {
                // already gone
            } catch (SdkException e) {
                LOG.warn("could not abort the upload of {} ({}): {}; a sweep aborts it later", objectKey, uploadId,
                        e.getMessage());
            }
        }

        @Override
        public void close() {
            if (!done) abort();
        }
    }

    /** A part's bytes in 1 MiB chunks, allocated as they fill: a small file takes little memory. */
    static final class Chunks {
        private static final int CHUNK = 1 << 20;
        private final List<byte[]> chunks = new ArrayList<>();
        private long size;

        long size() {
            return size;
        }

        void write(byte[] b, int off, int len) {
            while (len > 0) {
                int index = (int) (size / CHUNK);
                int at = (int) (size % CHUNK);
                if (index == chunks.size()) chunks.add(new byte[CHUNK]);
                int n = Math.min(len, CHUNK - at);
                System.arraycopy(b, off, chunks.get(index), at, n);
                size += n;
                off += n;
                len -= n;
            }
        }

        Chunks reset() {
            size = 0;
            return this;
        }

        /** A fresh stream over the bytes each time: the SDK reads a body again to sign it or to retry. */
        InputStream stream() {
            long end = size;
            return new InputStream() {
                private long position;

                @Override
                public int read() {
                    if (position >= end) return -1;
                    byte b = chunks.get((int) (position / CHUNK))[(int) (position % CHUNK)];
                    position++;
                    return b & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    Objects.checkFromIndexSize(off, len, b.length);
                    if (len == 0) return 0;
                    if (position >= end) return -1;
                    int at = (int) (position % CHUNK);
                    int n = (int) Math.min(Math.min(len, CHUNK - at), end - position);
                    System.arraycopy(chunks.get((int) (position / CHUNK)), at, b, off, n);
                    position += n;
                    return n;
                }

                @Override
                public int available() {
                    return (int) Math.min(Integer.MAX_VALUE, end - position);
                }
            };
        }
    }
}
