package dev.freight.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Where finished export files live. Keys are job ids, never user input. A file is written under a temporary
 * name and published atomically, so a reader never sees a half-written file.
 */
public interface FileStore {

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
    }

    Upload create(String key) throws IOException;

    /** Size of a published file, empty when there is none. */
    Optional<Long> size(String key) throws IOException;

    /** Reads a published file from {@code offset}. */
    InputStream open(String key, long offset) throws IOException;

    boolean delete(String key) throws IOException;

    /** An upload not published (yet): of a running export, or left by one that crashed. */
    record Part(String key, String name) {
    }

    /** Every unpublished upload in the store. */
    java.util.List<Part> parts() throws IOException;

    /** Removes an unpublished upload (a no-op when it was published or removed meanwhile). */
    void deletePart(Part part) throws IOException;
}
