package dev.freight.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where finished export files live. Keys are job ids, never user input. A file is written under a temporary
 * name and published atomically, so a reader never sees a half-written file. Implementations: a local directory
 * ({@link LocalFileStore}) and an S3-compatible bucket ({@link S3FileStore}). A store that cannot be used throws
 * {@link StorageUnavailableException}.
 */
public interface FileStore extends AutoCloseable {

    /** A file being written; exactly one of {@link #publish} or {@link #abort} ends it. */
    interface Upload extends AutoCloseable {
        OutputStream stream();

        /** Makes the file visible under its key; returns its size in bytes. */
        long publish() throws IOException;

        /** Removes what was written so far. Idempotent; safe after a failed publish. */
        void abort();

        /** Aborts unless published. */
        @Override
        void close();

        /**
         * Where the upload stands for a run that may continue it ({@link FileStore#resume}): the bytes stored so that
         * they outlive this process, and the store's name for the upload; empty when the store cannot continue one.
         * Called from another thread than the one writing.
         */
        default Optional<Stored> stored() {
            return Optional.empty();
        }

        /** Ends the upload without publishing it and keeps what it stored, for {@link FileStore#resume}. */
        default void suspend() {
            abort();
        }
    }

    /** An unfinished upload's bytes that outlive the process writing it, and the store's name for it. */
    record Stored(long bytes, String upload) {
    }

    Upload create(String key) throws IOException;

    /**
     * Continues an upload that a stopped run left under {@code key}, keeping its first {@code stored.bytes()} bytes;
     * empty when it is gone, holds fewer bytes, or the store cannot continue uploads.
     */
    default Optional<Upload> resume(String key, Stored stored) throws IOException {
        return Optional.empty();
    }

    /** Size of a published file, empty when there is none. */
    Optional<Long> size(String key) throws IOException;

    /** Reads a published file from {@code offset}. */
    InputStream open(String key, long offset) throws IOException;

    /**
     * Reads {@code length} bytes of a published file from {@code offset}: a store across the network asks for just
     * those, rather than for the rest of the file and then hanging up.
     */
    default InputStream open(String key, long offset, long length) throws IOException {
        return open(key, offset);
    }

    /**
     * A URL from which a client downloads the file straight from the store, valid for {@code validFor}, that
     * answers with {@code contentDisposition} and {@code contentType}; empty when the file is served through Freight
     * (a local store, or S3 with {@code download: proxy}).
     */
    default Optional<URI> downloadUrl(String key, String contentDisposition, String contentType, Duration validFor)
            throws IOException {
        return Optional.empty();
    }

    boolean delete(String key) throws IOException;

    /** A name of {@link #putNamed}: relative, of plain segments, never climbing out of the store. */
    java.util.regex.Pattern NAMED = java.util.regex.Pattern.compile(
            "(?!.*(^|/)\\.{1,2}(/|$))[A-Za-z0-9._=+@-]+(/[A-Za-z0-9._=+@-]+)*");

    /**
     * Writes {@code length} bytes of {@code content} under {@code name} (a relative path such as
     * {@code orders/2026/11/30/weekly.csv}, see {@link #NAMED}), replacing a file of that name: a storage delivery's
     * copy of a finished file. The copy appears whole or not at all.
     */
    default void putNamed(String name, InputStream content, long length) throws IOException {
        throw new UnsupportedOperationException("this file store takes no named copies");
    }

    /** Throws IllegalArgumentException unless {@code name} is a {@link #NAMED} name. */
    static String checkNamed(String name) {
        if (name == null || name.length() > 1000 || !NAMED.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid file name for a copy: " + name);
        }
        return name;
    }

    /**
     * An upload not published (yet): of a running export, or left by one that crashed. {@code started}: when it
     * began, by the store's clock (a local part: when it was last written).
     */
    record Part(String key, String name, java.time.Instant started) {
    }

    /** Every unpublished upload in the store. */
    java.util.List<Part> parts() throws IOException;

    /** Removes an unpublished upload (a no-op when it was published or removed meanwhile). */
    void deletePart(Part part) throws IOException;

    /**
     * Whether the store answers now, for readiness probes: an exception saying why not. Cheap: one request at most.
     */
    default void check() throws IOException {
    }

    /** Releases connections to the store, if any. */
    @Override
    default void close() {
    }
}
