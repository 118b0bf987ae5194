package dev.freight.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Pattern;

/** Files in one directory (outside any web root), written as {@code key.part} and renamed into place. */
public final class LocalFileStore implements FileStore {
    private static final Pattern SAFE_KEY = Pattern.compile("[a-z0-9]{1,64}");
    private final Path root;

    public LocalFileStore(Path root) throws IOException {
        this.root = Files.createDirectories(root.toAbsolutePath().normalize());
        removeLeftoverParts();
    }

    /**
     * Parts left by a crash. Another process (a {@code freight worker} beside {@code freight serve}) may be writing
     * into the same directory, so only parts untouched for an hour count as abandoned: a live upload writes all
     * the time.
     */
    private void removeLeftoverParts() throws IOException {
        java.nio.file.attribute.FileTime cutoff = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofHours(1)));
        try (var files = Files.list(root)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".part")).toList()) {
                if (Files.getLastModifiedTime(p).compareTo(cutoff) < 0) Files.deleteIfExists(p);
            }
        }
    }

    private Path path(String key) {
        // Defence in depth: keys are job ids, but a key that could climb out of the directory is refused outright.
        if (key == null || !SAFE_KEY.matcher(key).matches()) throw new IllegalArgumentException("invalid file key");
        return root.resolve(key);
    }

    @Override
    public Upload create(String key) throws IOException {
        path(key);
        return open(key, newPart(key), 0);
    }

    /** Unique per upload: a worker that lost its lease must never write into the part of the one that took over. */
    private Path newPart(String key) {
        return root.resolve(key + "." + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + ".part");
    }

    /**
     * A copy of the stopped upload's first bytes in a new part, then the old part removed: its writer may not be
     * dead (a lease lost to a long pause), and writing on into the same file would let it overwrite what follows.
     */
    @Override
    public Optional<Upload> resume(String key, Stored stored) throws IOException {
        path(key);
        if (stored.upload() == null || !stored.upload().startsWith(key + ".") || !isPartName(stored.upload())) {
            return Optional.empty();
        }
        Path old = root.resolve(stored.upload());
        Path part = newPart(key);
        try (FileChannel from = FileChannel.open(old, StandardOpenOption.READ);
             FileChannel to = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            if (from.size() < stored.bytes()) {
                Files.deleteIfExists(part);
                return Optional.empty();
            }
            long copied = 0;
            while (copied < stored.bytes()) copied += from.transferTo(copied, stored.bytes() - copied, to);
        } catch (NoSuchFileException gone) {
            Files.deleteIfExists(part);
            return Optional.empty();
        }
        Files.deleteIfExists(old);
        return Optional.of(open(key, part, stored.bytes()));
    }

    private Upload open(String key, Path part, long already) throws IOException {
        Path target = path(key);
        OutputStream file = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                already == 0 ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
        // Counted below the buffer: what reached the file, which a process that dies now leaves there.
        java.util.concurrent.atomic.AtomicLong inFile = new java.util.concurrent.atomic.AtomicLong(already);
        OutputStream out = new BufferedOutputStream(new java.io.FilterOutputStream(file) {
            @Override
            public void write(int b) throws IOException {
                file.write(b);
                inFile.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                file.write(b, off, len);
                inFile.addAndGet(len);
            }
        }, 64 * 1024);
        return new Upload() {
            private boolean done;

            @Override
            public OutputStream stream() {
                return out;
            }

            @Override
            public long publish() throws IOException {
                out.close();
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                done = true;
                return Files.size(target);
            }

            @Override
            public Optional<Stored> stored() {
                return Optional.of(new Stored(inFile.get(), part.getFileName().toString()));
            }

            @Override
            public void suspend() {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // what reached the file stays; a checkpoint only counts bytes that did
                }
                done = true;
            }

            @Override
            public void abort() {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // a full disk fails the close too; the part is deleted either way
                }
                try {
                    Files.deleteIfExists(part);
                } catch (IOException ignored) {
                    // removed at the next start
                }
                done = true;
            }

            @Override
            public void close() {
                if (!done) abort();
            }
        };
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        Path p = path(key);
        try {
            return Optional.of(Files.size(p));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
        FileChannel channel = FileChannel.open(path(key), StandardOpenOption.READ);
        channel.position(offset);
        return Channels.newInputStream(channel);
    }

    /** Written beside its final name, then moved over it: a reader never sees half a copy. */
    @Override
    public void putNamed(String name, InputStream content, long length) throws IOException {
        Path target = root.resolve(FileStore.checkNamed(name)).normalize();
        if (!target.startsWith(root)) throw new IllegalArgumentException("invalid file name for a copy: " + name);
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling(target.getFileName() + "." + Long.toHexString(
                java.util.concurrent.ThreadLocalRandom.current().nextLong()) + ".copying");
        try {
            Files.copy(content, part);
            Files.move(part, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        return Files.deleteIfExists(path(key));
    }

    @Override
    public java.util.List<Part> parts() throws IOException {
        java.util.List<Part> parts = new java.util.ArrayList<>();
        try (var files = Files.list(root)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".part")).toList()) {
                String n = p.getFileName().toString();
                try {
                    parts.add(new Part(n.substring(0, Math.max(0, n.indexOf('.'))), n,
                            Files.getLastModifiedTime(p).toInstant()));
                } catch (NoSuchFileException gone) {
                    // published or aborted meanwhile
                }
            }
        }
        return parts;
    }

    @Override
    public void deletePart(Part part) throws IOException {
        // Only names this store made: key, a dot, hex, ".part".
        if (!isPartName(part.name())) {
            throw new IllegalArgumentException("not an upload part: " + part.name());
        }
        Files.deleteIfExists(root.resolve(part.name()));
    }

    private static boolean isPartName(String name) {
        return name.matches("[a-z0-9]{1,64}\\.[0-9a-f]{1,16}\\.part");
    }

    /** The directory is there and writable (a shared one may have been unmounted). */
    @Override
    public void check() throws IOException {
        if (!Files.isDirectory(root) || !Files.isWritable(root)) {
            throw new IOException("the storage directory " + root + " is missing or not writable");
        }
    }

    public Path root() {
        return root;
    }
}
