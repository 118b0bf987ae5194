package dev.freight.engine;

import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reading on a second thread while the caller's thread formats and writes: decoding the database's wire format and
 * writing the file then run on both cores instead of taking turns. Batches pass through a queue of at most
 * {@code inFlight}, so memory stays bounded; the writer stays on the caller's thread (it owns the output stream,
 * e.g. an HTTP response). A failure of the reader is thrown on the caller's thread. When the caller stops early (a
 * failed write, a cancel), the reader is told to stop, {@code interrupt} unblocks it if it waits on the server, and
 * it has ended before {@link #run} returns.
 */
final class ReadAhead {
    private static final Object END = new Object();

    private record Failure(Throwable cause) {
    }

    /** Reads batches and puts them out until there are no more or {@link Out#put} says the caller stopped. */
    @FunctionalInterface
    interface Reader<B> {
        void read(Out<B> out) throws Exception;
    }

    interface Out<B> {
        /** Hands a batch over, waiting for room; false when the caller has stopped listening: stop reading. */
        boolean put(B batch);

        /** Whether the caller has stopped listening. */
        boolean stopped();
    }

    @FunctionalInterface
    interface Consumer<B> {
        void accept(B batch) throws SQLException, IOException;
    }

    @FunctionalInterface
    interface Interrupt {
        void run() throws SQLException;
    }

    private ReadAhead() {
    }

    static <B> void run(String threadName, int inFlight, Reader<B> reader, Consumer<B> consumer, Interrupt interrupt)
            throws SQLException, IOException {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(inFlight);
        AtomicBoolean stop = new AtomicBoolean();
        Out<B> out = new Out<>() {
            @Override
            public boolean put(B batch) {
                return offer(queue, batch, stop);
            }

            @Override
            public boolean stopped() {
                return stop.get();
            }
        };
        Thread thread = new Thread(() -> {
            try {
                reader.read(out);
                offer(queue, END, stop);
            } catch (Throwable t) {
                offer(queue, new Failure(t), stop);
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
        boolean readerDone = false;
        boolean finished = false;
        try {
            while (true) {
                Object message = queue.take();
                if (message == END) {
                    readerDone = true;
                    break;
                }
                if (message instanceof Failure f) {
                    readerDone = true;
                    if (f.cause() instanceof SQLException e) throw e;
                    throw new IllegalStateException("reading rows failed: " + f.cause().getMessage(), f.cause());
                }
                @SuppressWarnings("unchecked")
                B batch = (B) message;
                consumer.accept(batch);
            }
            finished = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExportCancelledException();
        } finally {
            if (!finished && !readerDone) {
                stop.set(true);
                queue.clear();  // unblocks a reader waiting for room
                // ... and one waiting for the server. The connection is then not reused (see the row sources).
                try {
                    interrupt.run();
                } catch (SQLException ignored) {
                    // the reader stops at its next batch anyway
                }
            }
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for room unless the caller has stopped listening; false when it has. */
    private static boolean offer(BlockingQueue<Object> queue, Object message, AtomicBoolean stop) {
        try {
            while (!stop.get()) {
                if (queue.offer(message, 100, TimeUnit.MILLISECONDS)) return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
