package dev.freight.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gzip stream compressed on other threads: whatever the size, and however the bytes arrive, three independent
 * readers (the JDK's GZIPInputStream, the gzip command and Python's gzip module) get back exactly what was written.
 */
class ParallelGzipOutputStreamTest {
    private static final int BLOCK = ParallelGzipOutputStream.BLOCK_SIZE;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 9 * BLOCK + 17})
    void theJdkReaderGetsBackTheExactBytes(int size) throws Exception {
        byte[] data = csv(size);
        Path gz = compress(data, 1);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, BLOCK, 9 * BLOCK + 17})
    void theGzipCommandTestsTheFileAndGetsBackTheExactBytes(int size) throws Exception {
        byte[] data = csv(size);
        Path gz = compress(data, 1);
        assertThat(run("gzip", "-t", gz.toString())).isEmpty();
        assertThat(run("gzip", "-dc", gz.toString())).isEqualTo(data);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, BLOCK, 9 * BLOCK + 17})
    void pythonsGzipModuleGetsBackTheExactBytes(int size) throws Exception {
        byte[] data = csv(size);
        Path gz = compress(data, 1);
        assertThat(run("python3", "-c", "import gzip, sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())",
                gz.toString())).isEqualTo(data);
    }

    /** About a million rows, written row by row as a format writer does, checked by digest with every reader. */
    @Test
    void aMillionRowsReadBackIdenticallyWithEveryReader() throws Exception {
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        Path gz = dir.resolve("rows.csv.gz");
        try (OutputStream file = Files.newOutputStream(gz)) {
            ParallelGzipOutputStream out = new ParallelGzipOutputStream(file, 1);
            try {
                for (int i = 0; i < 1_000_000; i++) {
                    byte[] row = row(i);
                    out.write(row);
                    written.update(row);
                }
                out.finish();
            } finally {
                out.shutdown();
            }
        }
        String expected = HexFormat.of().formatHex(written.digest());
        try (InputStream in = new DigestInputStream(new GZIPInputStream(Files.newInputStream(gz)),
                MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            assertThat(HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest())).isEqualTo(expected);
        }
        assertThat(new String(run("sh", "-c", "gzip -dc \"$1\" | sha256sum", "sh", gz.toString()), StandardCharsets.US_ASCII))
                .startsWith(expected);
        assertThat(new String(run("python3", "-c", "import gzip, hashlib, sys; h = hashlib.sha256();"
                + " f = gzip.open(sys.argv[1]);\nfor chunk in iter(lambda: f.read(1 << 20), b''): h.update(chunk)\n"
                + "print(h.hexdigest())", gz.toString()), StandardCharsets.US_ASCII)).startsWith(expected);
    }

    @Test
    void singleBytesAndWritesSpanningBlocksComeBackInOrder() throws Exception {
        byte[] data = csv(3 * BLOCK + 5);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        ParallelGzipOutputStream out = new ParallelGzipOutputStream(file, 2);
        try {
            out.write(data, 0, 10);
            for (int i = 10; i < 1000; i++) out.write(data[i]);
            out.write(data, 1000, 2 * BLOCK);
            out.write(data, 1000 + 2 * BLOCK, data.length - 1000 - 2 * BLOCK);
            out.finish();
        } finally {
            out.shutdown();
        }
        assertThat(gunzip(file.toByteArray())).isEqualTo(data);
    }

    /**
     * One compressing thread deflates every block as part of one stream: after the 10-byte header (whose OS byte
     * differs), the very bytes the JDK's own gzip stream writes at level 1, however the input was cut into blocks.
     */
    @Test
    void oneCompressingThreadWritesWhatOneGzipStreamAtLevelOneWrites() throws Exception {
        byte[] data = csv(40 * BLOCK + 123);
        byte[] ours = Files.readAllBytes(compress(data, 1));
        byte[] jdk = gzipLevelOne(data);
        assertThat(ours.length).isEqualTo(jdk.length);
        assertThat(Arrays.equals(ours, 10, ours.length, jdk, 10, jdk.length)).as("same deflate stream and trailer").isTrue();
    }

    /** With several threads each block is primed with the 32 KiB before it: cutting the stream costs almost nothing. */
    @Test
    void severalCompressingThreadsCompressAsWellAsOneGzipStreamAtLevelOne() throws Exception {
        byte[] data = csv(40 * BLOCK);
        long parallel = Files.size(compress(data, 2));
        assertThat(parallel).isLessThanOrEqualTo(gzipLevelOne(data).length * 101L / 100);
    }

    private static byte[] gzipLevelOne(byte[] data) throws IOException {
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(one) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gzip.write(data);
        }
        return one.toByteArray();
    }

    /** Blocks finish out of order on several threads; they are written out in the order they were cut. */
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {2, 3})
    void severalCompressingThreadsStillGiveBackTheExactBytes(int threads) throws Exception {
        byte[] data = csv(12 * BLOCK + 99);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(compress(data, threads)))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    /** The destination is written on the caller's thread only, and at most a few blocks behind the input. */
    @Test
    void theDestinationIsWrittenOnTheCallersThreadWhileTheInputIsStillComing() throws Exception {
        Thread caller = Thread.currentThread();
        ByteArrayOutputStream file = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] b, int off, int len) {
                assertThat(Thread.currentThread()).isSameAs(caller);
                super.write(b, off, len);
            }
        };
        ParallelGzipOutputStream out = new ParallelGzipOutputStream(file, 1);
        try {
            byte[] data = csv(40 * BLOCK);
            out.write(data);
            int before = file.size();
            out.finish();
            // At most the blocks in circulation (eight with one thread) were not written out before the end.
            assertThat(before).isGreaterThan(file.size() / 2);
            assertThat(gunzip(file.toByteArray())).isEqualTo(data);
        } finally {
            out.shutdown();
        }
    }

    @Test
    @Timeout(60) // a guard against a hang, the failure this test is about; not a measure of speed
    void aFailureOnTheCompressingThreadSurfacesOnTheCallersThreadAsAnIoException() throws Exception {
        ParallelGzipOutputStream out = new ParallelGzipOutputStream(new ByteArrayOutputStream(), 1, ParallelGzipOutputStreamTest::ended);
        try {
            assertThatThrownBy(() -> {
                out.write(csv(10 * BLOCK));
                out.finish();
            }).isInstanceOf(IOException.class).hasMessageStartingWith("compressing the export failed");
        } finally {
            out.shutdown();
        }
        assertThat(liveCompressingThreads()).isZero();
    }

    /**
     * The one continuous stream breaking part way (its third block): the blocks after it are never written, so the
     * destination holds no gzip that could pass for the whole export.
     */
    @Test
    @Timeout(60)
    void aStreamThatBreaksPartWayWritesNothingAfterTheBlockThatFailed() throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        ParallelGzipOutputStream out = new ParallelGzipOutputStream(file, 1, () -> new Deflater(Deflater.BEST_SPEED, true) {
            private int blocks;

            @Override
            public void setInput(byte[] input, int off, int len) {
                // A real deflater whose native stream is gone from the third block on.
                if (++blocks == 3) end();
                super.setInput(input, off, len);
            }
        });
        byte[] data = csv(12 * BLOCK);
        try {
            assertThatThrownBy(() -> {
                out.write(data);
                out.finish();
            }).isInstanceOf(IOException.class).hasMessageStartingWith("compressing the export failed");
        } finally {
            out.shutdown();
        }
        assertThat(liveCompressingThreads()).isZero();
        // At most the first two blocks' worth came out: far less than the data, and no complete gzip.
        assertThat(file.size()).isLessThan(2 * BLOCK);
        assertThatThrownBy(() -> gunzip(file.toByteArray())).isInstanceOf(IOException.class);
    }

    @Test
    void noCompressingThreadOutlivesShutdownWhetherFinishedOrAbandoned() throws Exception {
        ParallelGzipOutputStream finished = new ParallelGzipOutputStream(new ByteArrayOutputStream(), 2);
        ParallelGzipOutputStream abandoned = new ParallelGzipOutputStream(new ByteArrayOutputStream(), 2);
        assertThat(liveCompressingThreads()).isEqualTo(4);
        finished.write(csv(5 * BLOCK));
        finished.finish();
        finished.shutdown();
        abandoned.write(csv(5 * BLOCK));
        abandoned.shutdown();
        assertThat(liveCompressingThreads()).isZero();
    }

    @Test
    void aWriteAfterShutdownFails() throws Exception {
        ParallelGzipOutputStream out = new ParallelGzipOutputStream(new ByteArrayOutputStream(), 1);
        out.shutdown();
        assertThatThrownBy(() -> {
            out.write(csv(2 * BLOCK));
            out.finish();
        }).isInstanceOf(IOException.class).hasMessageContaining("stopped");
    }

    @Test
    void aDestinationThatRefusesTheHeaderLeavesNoThreadBehind() {
        OutputStream refusing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("refused");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("refused");
            }
        };
        assertThatThrownBy(() -> new ParallelGzipOutputStream(refusing, 2)).hasMessage("refused");
        assertThat(liveCompressingThreads()).isZero();
    }

    @Test
    void onceAWriteFailedEveryLaterWriteFails() throws Exception {
        OutputStream failsAfterTheHeader = new OutputStream() {
            private int writes;

            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (++writes > 1) throw new IOException("No space left on device");
            }
        };
        ParallelGzipOutputStream out = new ParallelGzipOutputStream(failsAfterTheHeader, 1);
        try {
            assertThatThrownBy(() -> out.write(csv(10 * BLOCK))).hasMessage("No space left on device");
            assertThatThrownBy(() -> out.write(csv(2 * BLOCK))).hasMessageContaining("earlier write");
            assertThatThrownBy(out::finish).hasMessageContaining("earlier write");
        } finally {
            out.shutdown();
        }
    }

    static long liveCompressingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals(ParallelGzipOutputStream.THREAD_NAME)).count();
    }

    /** A real deflater, already ended: it fails on first use as a broken native stream would. */
    private static Deflater ended() {
        Deflater d = new Deflater(Deflater.BEST_SPEED, true);
        d.end();
        return d;
    }

    private Path compress(byte[] data, int threads) throws IOException {
        Path gz = dir.resolve("data-" + data.length + "-" + threads + ".gz");
        try (OutputStream file = Files.newOutputStream(gz)) {
            ParallelGzipOutputStream out = new ParallelGzipOutputStream(file, threads);
            try {
                out.write(data);
                out.finish();
            } finally {
                out.shutdown();
            }
        }
        return gz;
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    /** CSV-like bytes that compress as exports do, cut to {@code size}. */
    private static byte[] csv(int size) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(size + 100);
        for (int i = 0; b.size() < size; i++) b.writeBytes(row(i));
        return java.util.Arrays.copyOf(b.toByteArray(), size);
    }

    private static byte[] row(int i) {
        return (i + "," + (i * 7919 % 5000) + ",SKU-" + (i % 997) + ",\"item " + Integer.toHexString(i * 31)
                + "\"," + (i % 13) + "," + (i % 1000) / 10.0 + ",2024-01-" + (1 + i % 28) + "T10:00:00+00:00,"
                + (i % 2 == 0) + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
        return out;
    }
}
