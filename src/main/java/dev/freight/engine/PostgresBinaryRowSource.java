package dev.freight.engine;

import dev.freight.query.QueryPlan;
import dev.freight.source.Column;
import dev.freight.source.Dialect;
import dev.freight.source.JdbcSource;
import org.postgresql.copy.CopyOut;
import org.postgresql.jdbc.PgConnection;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL rows through {@code COPY (SELECT …) TO STDOUT (FORMAT binary)}: integers, numerics and timestamps
 * arrive in their binary form and are decoded by {@link PgBinaryCopyDecoder} into exactly the values
 * {@link JdbcRowSource} reads, with no text to parse and no cursor round trips. Types whose binary form is not
 * decoded (intervals, arrays, money, enums …) are sent as their text output, which is what pgJDBC's getString
 * returns for them.
 * <p>
 * COPY takes no bind parameters and values are never written into SQL text, so only plans without parameters
 * qualify. Masks do not matter here: the engine applies them to the rows any source produces.
 */
final class PostgresBinaryRowSource implements RowSource {
    private final JdbcSource source;
    private final QueryPlan plan;
    private final CancellationToken cancel;

    PostgresBinaryRowSource(JdbcSource source, QueryPlan plan, CancellationToken cancel) {
        this.source = source;
        this.plan = plan;
        this.cancel = cancel;
    }

    static boolean applies(JdbcSource source, QueryPlan plan) {
        return source.dialect() == Dialect.POSTGRESQL && plan.parameters().isEmpty()
                && plan.columns().stream().allMatch(c -> expression(c) != null);
    }

    /** The statement that runs; its SELECT is {@link #select}. */
    static String copySql(QueryPlan plan) {
        return "COPY (" + select(plan) + ") TO STDOUT (FORMAT binary)";
    }

    /** The plan's query with each column as the decoder expects it. */
    static String select(QueryPlan plan) {
        List<String> list = new ArrayList<>();
        for (Column c : plan.columns()) list.add(expression(c));
        return "SELECT " + String.join(", ", list) + plan.fromAndWhere()
                + (plan.orderBy().isEmpty() ? "" : " ORDER BY " + plan.orderBy());
    }

    /**
     * The column as it is sent: as stored when the decoder reads its binary form; as its text output when it is text
     * to Freight anyway (what pgJDBC's getString returns); null when neither gives the cursor path's value (a domain
     * over a number, {@code bit(1)} read as a boolean …), and the plan keeps the cursor. The text output is taken
     * with {@code format('%s', …)}, which calls the type's output function, because a plain {@code ::text} cast
     * may be a function of its own: {@code inet::text} adds the netmask the output omits, {@code bpchar::text}
     * strips the padding.
     */
    static String expression(Column c) {
        String quoted = Dialect.POSTGRESQL.quote(c.name());
        if (PgBinaryCopyDecoder.sentAsStored(c)) return PgBinaryCopyDecoder.field(c) == null ? null : quoted;
        return "CASE WHEN " + quoted + " IS NULL THEN NULL ELSE format('%s', " + quoted + ") END AS " + quoted;
    }

    @Override
    public long stream(RowConsumer consumer) throws IOException {
        Connection connection = null;
        boolean reusable = false;
        try {
            connection = source.connection();
            Dialect.POSTGRESQL.prepareForStreaming(connection);
            PgConnection pg = connection.unwrap(PgConnection.class);
            long rows;
            // A server that is slow to send the next row is interrupted by a cancel request on the side channel.
            try (CancellationToken.Registration ignored = cancel.interruptWith(pg::cancelQuery)) {
                CopyOut copy = pg.getCopyAPI().copyOut(copySql(plan));
                rows = Boolean.getBoolean("freight.binaryThread") ? pumpThreaded(copy, pg, consumer) : pump(copy, consumer);
            }
            connection.rollback();
            reusable = !cancel.isCancelled();
            return rows;
        } catch (SQLException e) {
            if (cancel.isCancelled()) throw new ExportCancelledException();
            throw new ExportFailedException(JdbcSourceErrors.code(e), "source '" + source.name() + "' failed: "
                    + JdbcSourceErrors.describe(e), JdbcSourceErrors.isTransient(e), e,
                    "source '" + source.name() + "' failed: " + e.getMessage());
        } finally {
            source.release(connection, reusable);
        }
    }

    private long pump(CopyOut copy, RowConsumer consumer) throws SQLException, IOException {
        PgBinaryCopyDecoder decoder = new PgBinaryCopyDecoder(plan.columns());
        long rows = 0;
        boolean complete = false;
        try {
            byte[] chunk;
            while ((chunk = copy.readFromCopy()) != null) rows += decoder.feed(chunk, consumer);
            complete = true;
        } finally {
            if (!complete && copy.isActive()) {
                try {
                    copy.cancelCopy();
                } catch (SQLException ignored) {
                    // the connection is not reused after an early stop anyway
                }
            }
        }
        if (!decoder.ended()) throw new SQLException("the binary COPY stream ended before its trailer", "08006");
        return rows;
    }

    private static final int CHUNKS_PER_BATCH = 512;
    private static final int BATCHES_IN_FLIGHT = 4;

    private record Batch(byte[][] chunks, int size, Throwable failure, boolean end) {
    }

    private long pumpThreaded(CopyOut copy, PgConnection pg, RowConsumer consumer) throws SQLException, IOException {
        PgBinaryCopyDecoder decoder = new PgBinaryCopyDecoder(plan.columns());
        java.util.concurrent.BlockingQueue<Batch> queue = new java.util.concurrent.ArrayBlockingQueue<>(BATCHES_IN_FLIGHT);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            try {
                byte[][] batch = new byte[CHUNKS_PER_BATCH][];
                int size = 0;
                byte[] chunk;
                while (!stop.get() && (chunk = copy.readFromCopy()) != null) {
                    batch[size++] = chunk;
                    if (size == CHUNKS_PER_BATCH) {
                        if (!offer(queue, new Batch(batch, size, null, false), stop)) return;
                        batch = new byte[CHUNKS_PER_BATCH][];
                        size = 0;
                    }
                }
                if (size > 0 && !offer(queue, new Batch(batch, size, null, false), stop)) return;
                offer(queue, new Batch(null, 0, null, true), stop);
            } catch (Throwable t) {
                offer(queue, new Batch(null, 0, t, false), stop);
            }
        }, "freight-copy-reader");
        reader.setDaemon(true);
        reader.start();
        long rows = 0;
        boolean readerDone = false;
        boolean finished = false;
        try {
            while (true) {
                Batch batch = queue.take();
                readerDone = batch.end() || batch.failure() != null;
                if (batch.failure() != null) {
                    if (batch.failure() instanceof SQLException e) throw e;
                    throw new IllegalStateException("reading rows failed: " + batch.failure().getMessage(), batch.failure());
                }
                if (batch.end()) break;
                for (int i = 0; i < batch.size(); i++) rows += decoder.feed(batch.chunks()[i], consumer);
            }
            finished = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExportCancelledException();
        } finally {
            if (!finished && !readerDone) {
                stop.set(true);
                queue.clear();
                pg.cancelQuery();
            }
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!decoder.ended()) throw new SQLException("the binary COPY stream ended before its trailer", "08006");
        return rows;
    }

    private static boolean offer(java.util.concurrent.BlockingQueue<Batch> queue, Batch batch,
                                 java.util.concurrent.atomic.AtomicBoolean stop) {
        try {
            while (!stop.get()) {
                if (queue.offer(batch, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
