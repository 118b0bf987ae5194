package dev.freight.export;

import dev.freight.engine.ExportResult;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.ProblemCode;
import dev.freight.storage.FileStore;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The sinks every caller shares: a buffer, a stream, a local file, a file in the file store. */
public final class Sinks {
    private static final int BUFFER = 64 * 1024;

    private Sinks() {
    }

    /** Keeps the bytes in memory: only for small, bounded exports such as a preview of the first rows. */
    public static final class Buffer implements ExportSink {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public OutputStream open() {
            return bytes;
        }

        @Override
        public boolean commit(ExportResult result) {
            return true;
        }

        @Override
        public void discard() {
            bytes.reset();
        }

        public byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }

    /** Into a stream the caller owns (standard output), buffered; a failure leaves what was sent. */
    public static ExportSink stream(OutputStream target) {
        // Standard output cannot take back what it sent; the exit code tells the reader it is incomplete.
        return new Passthrough(() -> target, false);
    }

    /** Straight into a stream: committing flushes it (and closes it when this sink opened it). */
    private static final class Passthrough implements ExportSink {
        private final Opener opener;
        private final boolean owned;
        private OutputStream out;

        Passthrough(Opener opener, boolean owned) {
            this.opener = opener;
            this.owned = owned;
        }

        @Override
        public OutputStream open() throws IOException {
            out = new BufferedOutputStream(opener.open(), BUFFER);
            return out;
        }

        @Override
        public boolean commit(ExportResult result) throws IOException {
            if (owned) out.close();
            else out.flush();
            return true;
        }

        @Override
        public void discard() {
            if (owned) closeQuietly(out);
        }
    }

    private interface Opener {
        OutputStream open() throws IOException;
    }

    /**
     * Into a local file, written as {@code FILE.part} and renamed when complete, so a failed or interrupted export
     * never leaves a file that looks finished. An existing file that is not a regular file ({@code /dev/null}, a named
     * pipe) is written straight through: renaming over it would replace it.
     */
    public static ExportSink file(Path target) {
        Path absolute = target.toAbsolutePath();
        if (Files.exists(absolute) && !Files.isRegularFile(absolute)) {
            return new Passthrough(() -> Files.newOutputStream(absolute), true);
        }
        Path part = absolute.resolveSibling(absolute.getFileName() + ".part");
        return new ExportSink() {
            private OutputStream out;

            @Override
            public OutputStream open() {
                out = new BufferedOutputStream(createPart(part, target), BUFFER);
                return out;
            }

            @Override
            public boolean commit(ExportResult result) throws IOException {
                out.close();
                Files.move(part, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return true;
            }

            @Override
            public void discard() {
                closeQuietly(out);
                try {
                    Files.deleteIfExists(part);
                } catch (IOException ignored) {
                    // nothing more to do: the .part name already says it is incomplete
                }
            }
        };
    }

    /**
     * The JDK's message for a missing directory is just the path, and of the .part file the user never named. The
     * directory may also go between the caller's check of the output and here (the source can take a while to
     * open): the same error then.
     */
    public static OutputStream createPart(Path part, Path target) {
        try {
            return Files.newOutputStream(part);
        } catch (java.nio.file.FileSystemException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "its directory does not exist"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
            throw cannotWrite(target, why);
        } catch (IOException e) {
            throw cannotWrite(target, String.valueOf(e.getMessage()));
        }
    }

    public static InvalidRequestException cannotWrite(Path target, String why) {
        return new InvalidRequestException(ProblemCode.INVALID_OUTPUT, "output", "cannot write '" + target + "': " + why);
    }

    /**
     * Into the upload {@code opener} makes (a new one, or one an earlier run left, continued), published when complete.
     * Discarded after a failure or a cancel, unless {@code kept} says the upload is to be continued by another run
     * (the job was handed back at shutdown, or to another worker): then, as after a failure the job is tried again
     * for, it is suspended, which keeps what it stored.
     */
    public static ExportSink upload(UploadOpener opener, Commit recorded, java.util.function.BooleanSupplier kept) {
        return upload(opener, recorded, kept, true);
    }

    /** {@code resumable}: false for an upload no run will continue, which is then always discarded. */
    public static ExportSink upload(UploadOpener opener, Commit recorded, java.util.function.BooleanSupplier kept,
                                    boolean resumable) {
        return new ExportSink() {
            private FileStore.Upload upload;

            @Override
            public OutputStream open() throws IOException {
                upload = opener.open();
                return upload.stream();
            }

            @Override
            public boolean commit(ExportResult result) throws IOException {
                return recorded.commit(result, upload);
            }

            @Override
            public void discard() {
                if (upload == null) return;
                if (resumable && kept.getAsBoolean()) upload.suspend();
                else upload.abort();
            }

            @Override
            public void suspend() {
                if (upload == null) return;
                if (resumable) upload.suspend();
                else upload.abort();
            }
        };
    }

    @FunctionalInterface
    public interface UploadOpener {
        FileStore.Upload open() throws IOException;
    }

    /** What publishing a file-store upload means for its owner: true when the published file counts. */
    @FunctionalInterface
    public interface Commit {
        boolean commit(ExportResult result, FileStore.Upload upload) throws IOException;
    }

    private static void closeQuietly(OutputStream out) {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException ignored) {
            // the output is being thrown away
        }
    }
}
