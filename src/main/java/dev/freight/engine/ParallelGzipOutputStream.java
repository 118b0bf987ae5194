package dev.freight.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip at level 1, compressed on other threads than the one formatting the rows: the bytes are cut into blocks that
 * are handed to the compressing threads and written out in order. The result is one gzip member, readable by any
 * gzip reader.
 *
 * <p>With one compressing thread (what an export uses: on two cores the database and the formatting thread need the
 * other), that thread feeds every block to one deflater, one continuous stream: no flush between blocks and no
 * dictionary to prime, so it costs no more CPU than a plain {@link java.util.zip.GZIPOutputStream} and compresses
 * exactly as well. With several, as pigz does, each block is deflated on its own (primed with the 32 KiB before it,
 * so the ratio stays that of one stream) and ended with a sync flush, so that blocks compressed side by side join
 * up on byte boundaries.
 *
 * <p>Everything that touches the destination (the writes, their count, cancellation, a size cap) stays on the
 * calling thread: the compressing threads only read a block and fill its output buffer. A fixed number of blocks
 * circulates, so memory is bounded whatever the export's size; the caller waits for the oldest block when all are
 * in use. {@link #shutdown()} stops the threads and must be called however the export ends.
 */
final class ParallelGzipOutputStream extends OutputStream {
    static final String THREAD_NAME = "freight-gzip";
    static final int BLOCK_SIZE = 128 * 1024;
    private static final int DICTIONARY_SIZE = 32 * 1024;
    private static final int SINGLE_THREAD_BLOCKS = 8;
    /** Java's own header: deflate, no name, no time, no flags. */
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, 0};

    private final OutputStream out;
    private final Thread[] workers;
    /** One compressing thread: one deflater stream across all blocks (see the class comment). */
    private final boolean continuous;
    private final BlockingQueue<Block> work;
    /** Blocks handed over to the compressing threads, oldest first: the order they are written out in. */
    private final ArrayDeque<Block> inFlight = new ArrayDeque<>();
    /** Blocks written out, ready to be filled again. */
    private final ArrayDeque<Block> free = new ArrayDeque<>();
    private final int maxBlocks;
    private final CRC32 crc = new CRC32();
    private int allocated;
    private Block current;
    private long size;
    private boolean finished;
    private boolean shutDown;

    /** One block of input and its compressed output; owned by the caller, or by a compressing thread meanwhile. */
    private static final class Block {
        /** Tells a compressing thread to end. */
        static final Block STOP = new Block(0, false);

        final byte[] input;
        final byte[] dictionary;
        byte[] output;
        int length;
        int dictionaryLength;
        boolean last;
        int outputLength;
        private boolean done;
        private Throwable failure;

        Block(int size, boolean primed) {
            input = new byte[size];
            dictionary = primed ? new byte[Math.min(size, DICTIONARY_SIZE)] : null;
            // Level 1 rarely grows a block (stored blocks cost 5 bytes in 64 KiB); compress() grows it if ever.
            output = new byte[size + size / 8 + 64];
        }

        synchronized boolean isDone() {
            return done;
        }

        synchronized void complete(Throwable failure) {
            this.failure = failure;
            done = true;
            notifyAll();
        }

        /** Waits for the compressing thread; then the block is the caller's again. */
        synchronized void await() throws IOException {
            try {
                while (!done) wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while compressing");
            }
            if (failure != null) {
                throw new IOException("compressing the export failed: " + failure, failure);
            }
        }

        synchronized void reset() {
            done = false;
            failure = null;
            length = 0;
            dictionaryLength = 0;
            outputLength = 0;
            last = false;
        }
    }

    ParallelGzipOutputStream(OutputStream out, int threads) throws IOException {
        this(out, threads, () -> new Deflater(Deflater.BEST_SPEED, true));
    }

    /**
     * @param deflaters makes each compressing thread's raw ({@code nowrap}) deflater; tests hand in a broken one to
     *                  see a failure on a compressing thread surface on the caller's
     */
    ParallelGzipOutputStream(OutputStream out, int threads, Supplier<Deflater> deflaters) throws IOException {
        if (threads < 1) throw new IllegalArgumentException("threads must be positive");
        this.out = out;
        // Before any thread starts: a destination that refuses the first bytes leaves nothing to stop.
        out.write(HEADER);
        // Each thread busy with one block, as many more queued, and the one being filled: enough to keep every
        // thread busy while the caller writes out the oldest. One thread gets more room: beside the database and
        // the formatting thread on two cores it is preempted and resumed all the time. On a 1M-row export (2 cores
        // shared, load 3-10) it sat waiting for input 0.4-1.9 s with three blocks, although it is the slowest stage;
        // 0.1-0.9 s with eight (1 MiB ahead, allocated only when the compressor falls behind).
        this.maxBlocks = threads == 1 ? SINGLE_THREAD_BLOCKS : 2 * threads + 1;
        this.work = new ArrayBlockingQueue<>(maxBlocks + threads);
        this.workers = new Thread[threads];
        this.continuous = threads == 1;
        for (int i = 0; i < threads; i++) {
            workers[i] = new Thread(() -> compressAll(deflaters), THREAD_NAME);
            workers[i].setDaemon(true);
            workers[i].start();
        }
        this.current = newBlock();
    }

    @Override
    public void write(int b) throws IOException {
        if (current == null || current.length == BLOCK_SIZE) handOver();
        current.input[current.length++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (current == null || current.length == BLOCK_SIZE) handOver();
            int n = Math.min(len, BLOCK_SIZE - current.length);
            System.arraycopy(b, off, current.input, current.length, n);
            current.length += n;
            off += n;
            len -= n;
        }
    }

    /** Passes a flush on to the destination; like {@link java.util.zip.GZIPOutputStream}, it does not end a block. */
    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Compresses what is left and writes the gzip trailer; the destination stays open. */
    public void finish() throws IOException {
        if (finished) return;
        if (current == null) throw unusable();
        Block last = current;
        current = null;
        last.last = true;
        submit(last);
        while (!inFlight.isEmpty()) writeOut(inFlight.removeFirst());
        finished = true;
        // CRC-32 and length mod 2^32 of the uncompressed bytes, little-endian.
        byte[] trailer = new byte[8];
        int c = (int) crc.getValue();
        int s = (int) size;
        for (int i = 0; i < 4; i++) {
            trailer[i] = (byte) (c >>> (8 * i));
            trailer[4 + i] = (byte) (s >>> (8 * i));
        }
        out.write(trailer);
    }

    /** Finishes, stops the compressing threads and closes the destination. */
    @Override
    public void close() throws IOException {
        try {
            if (!shutDown) finish();
        } finally {
            shutdown();
            out.close();
        }
    }

    /**
     * Stops the compressing threads and waits for them to end (at most the time to compress the block each one
     * holds), dropping whatever was not written yet. Safe to call more than once, and after a failure.
     */
    void shutdown() {
        if (shutDown) return;
        shutDown = true;
        work.clear();
        boolean interrupted = false;
        for (int i = 0; i < workers.length; i++) work.add(Block.STOP);
        for (Thread worker : workers) {
            while (worker.isAlive()) {
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Hands the full block over and takes the next one; after a failure here, every later write fails too. */
    private void handOver() throws IOException {
        if (current == null) throw unusable();
        Block full = current;
        current = null;
        submit(full);
        // Written out as soon as done, not only when a block is needed: the destination sees steady progress.
        while (!inFlight.isEmpty() && inFlight.peekFirst().isDone()) writeOut(inFlight.removeFirst());
        Block next = free.poll();
        if (next == null && allocated < maxBlocks) next = newBlock();
        if (next == null) {
            // At least two blocks are in flight (maxBlocks > 1), so the oldest is not the one just handed over,
            // whose end is the next block's dictionary.
            writeOut(inFlight.removeFirst());
            next = free.poll();
        }
        if (!continuous) {
            // The next block's deflater starts from the end of this one, as one stream would.
            int d = Math.min(DICTIONARY_SIZE, full.length);
            System.arraycopy(full.input, full.length - d, next.dictionary, 0, d);
            next.dictionaryLength = d;
        }
        current = next;
    }

    private IOException unusable() {
        return new IOException(finished ? "the gzip stream is finished" : shutDown ? "the compressing threads were stopped"
                : "an earlier write to the gzip stream failed");
    }

    private void submit(Block block) throws IOException {
        if (shutDown) throw unusable();
        crc.update(block.input, 0, block.length);
        size += block.length;
        inFlight.addLast(block);
        work.add(block);
    }

    /** Waits for a block handed over, writes its output to the destination and puts it back for reuse. */
    private void writeOut(Block block) throws IOException {
        block.await();
        out.write(block.output, 0, block.outputLength);
        block.reset();
        free.push(block);
    }

    private Block newBlock() {
        allocated++;
        return new Block(BLOCK_SIZE, !continuous);
    }

    private void compressAll(Supplier<Deflater> deflaters) {
        Deflater deflater = null;
        // A continuous stream that failed part way is lost: every later block fails the same way, so that none
        // of it can be written out after the block that failed (the caller stops at that one anyway).
        Throwable broken = null;
        try {
            while (true) {
                Block block = work.take();
                if (block == Block.STOP) return;
                if (broken != null) {
                    block.complete(broken);
                    continue;
                }
                try {
                    if (deflater == null) deflater = deflaters.get();
                    if (continuous) {
                        compressContinuing(deflater, block);
                    } else {
                        compress(deflater, block);
                    }
                    block.complete(null);
                } catch (Throwable t) {
                    if (continuous) broken = t;
                    block.complete(t);
                }
            }
        } catch (InterruptedException e) {
            // stopped
        } finally {
            if (deflater != null) deflater.end();
        }
    }

    /**
     * Deflates one block as the next part of the one stream: the deflater may keep some of the block's output back
     * (it comes out with a later block's, in order); the last block ends the stream.
     */
    private static void compressContinuing(Deflater deflater, Block block) {
        deflater.setInput(block.input, 0, block.length);
        if (block.last) deflater.finish();
        while (true) {
            if (block.outputLength == block.output.length) {
                block.output = Arrays.copyOf(block.output, block.output.length * 2);
            }
            block.outputLength += deflater.deflate(block.output, block.outputLength, block.output.length - block.outputLength,
                    Deflater.NO_FLUSH);
            if (block.last ? deflater.finished() : deflater.needsInput()) return;
        }
    }

    /**
     * Deflates one block on its own: primed with the preceding 32 KiB, ended with a sync flush (an empty stored
     * block, so the next block's bits start on a byte boundary) or, for the last, with the final block.
     */
    private static void compress(Deflater deflater, Block block) {
        deflater.reset();
        if (block.dictionaryLength > 0) deflater.setDictionary(block.dictionary, 0, block.dictionaryLength);
        deflater.setInput(block.input, 0, block.length);
        if (block.last) deflater.finish();
        int flush = block.last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH;
        while (true) {
            if (block.outputLength == block.output.length) {
                block.output = Arrays.copyOf(block.output, block.output.length * 2);
            }
            int space = block.output.length - block.outputLength;
            int n = deflater.deflate(block.output, block.outputLength, space, flush);
            block.outputLength += n;
            if (block.last ? deflater.finished() : n < space) return;
        }
    }
}
