package dev.freight.engine;

import dev.freight.format.FormatOptions;
import dev.freight.query.QueryPlan;
import dev.freight.source.Column;
import dev.freight.source.Dialect;
import org.mariadb.jdbc.client.impl.StandardReadableByteBuf;
import org.mariadb.jdbc.client.result.Result;
import org.mariadb.jdbc.client.result.rowdecoder.TextRowDecoder;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * MariaDB → CSV/TSV from the text protocol's own bytes. The server already sends integers, decimals, dates,
 * timestamps and text as text; turning each into a Java value (Long, BigDecimal, LocalDateTime through a calendar,
 * a String decoded from UTF-8) only for the CSV writer to print and encode it again was most of the export's CPU
 * time. Here a reading thread takes each row's packet as Connector/J received it (one byte array per row, which
 * the driver never reuses) and a writing thread prints its fields straight into the output
 * ({@link TextRowCsvWriter}) with the generic writer's rules, so both paths write the same bytes.
 * <p>
 * Values whose text is not the canonical one (a zero date, a date before the Gregorian reform, which the generic
 * path reads through a calendar, a boolean other than 0 or 1) and columns of types without a byte rule (TIME,
 * text types the driver may render otherwise) are read on the reading thread by the generic path's own getters and
 * printed by its converters. The packet is reached through a field of the driver's result set: pinned driver
 * version, checked once; without it (or on the binary protocol, {@code useServerPrepStmts}) every value is read
 * through the getters, still the same bytes. Options the byte rules do not cover take the generic path
 * ({@link #applies}); so do masked columns, which only the generic path applies.
 */
final class MariaDbTextCsvExport {
    /** {@code Result.rowBuf}: the buffer Connector/J decodes the current row from, its array the row's packet. */
    private static final Field ROW_BUFFER = field("rowBuf", StandardReadableByteBuf.class);
    private static final Field ROW_DECODER = field("rowDecoder", null);

    private static final int BATCH_ROWS = 256;
    private static final int BATCHES_IN_FLIGHT = 4;
    private static final Set<Integer> INTEGER_TYPES = Set.of(Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT);
    private static final Set<Integer> BINARY_TYPES = Set.of(Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY,
            Types.BLOB, Types.BIT);
    private static final Set<Integer> TEXT_TYPES = Set.of(Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR,
            Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB);

    private final ExportPlan job;
    private final CancellationToken cancel;

    MariaDbTextCsvExport(ExportPlan job, CancellationToken cancel) {
        this.job = job;
        this.cancel = cancel;
    }

    static boolean applies(ExportPlan job) {
        FormatOptions o = job.options();
        return job.source().dialect() == Dialect.MARIADB
                && job.plainText()
                && ROW_BUFFER != null && ROW_DECODER != null
                // An ASCII delimiter is one byte in UTF-8 and never part of a longer character; '#' is FastCSV's
                // comment character, which it refuses as a delimiter.
                && o.delimiter() < 0x80 && o.delimiter() != '#';
    }

    long export(OutputStream out, ExportEngine.Tracker tracker) throws IOException {
        job.writePreamble(out);
        JdbcRowSource source = new JdbcRowSource(job.source(), job.plan(), cancel);
        return source.run((rs, statement) -> stream(rs, statement, source, out, tracker));
    }


    /** Rows read ahead: each row's packet, where its fields start, their lengths, and values read through getters. */
    record Batch(byte[][] rows, int[] starts, int[] lengths, Object[][] values, int size) {
    }

    private long stream(ResultSet rs, PreparedStatement statement, JdbcRowSource source, OutputStream out,
                        ExportEngine.Tracker tracker) throws SQLException, IOException {
        QueryPlan plan = job.plan();
        List<Column> columns = plan.columns();
        StandardReadableByteBuf rowBuffer = rowBuffer(rs);
        TextRowCsvWriter.Kind[] kinds = new TextRowCsvWriter.Kind[columns.size()];
        JdbcRowSource.CellReader[] readers = new JdbcRowSource.CellReader[columns.size()];
        ResultSetMetaData meta = rs.getMetaData();
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = rowBuffer == null ? TextRowCsvWriter.Kind.VALUE : kind(columns.get(i), meta.getColumnType(i + 1));
            readers[i] = source.reader(columns.get(i));
        }
        TextRowCsvWriter writer = new TextRowCsvWriter(out, columns, kinds, job.options());
        long[] rows = {0};
        // Written batches go back to the reader: the arrays of 256 rows' field positions are about 100 MB of
        // allocation per million rows of ten columns otherwise.
        BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES_IN_FLIGHT + 2);
        ReadAhead.<Batch>run("freight-reader", BATCHES_IN_FLIGHT, o -> read(rs, rowBuffer, kinds, readers, o, free), batch -> {
            for (int i = 0; i < batch.size(); i++) {
                writer.writeRow(batch, i);
                tracker.rowWritten();
                rows[0]++;
            }
            free.offer(batch);
        }, statement::cancel);
        writer.flush();
        return rows[0];
    }

    /**
     * How a column's text is printed: by a byte rule where the driver reports the type the rule was written for
     * (a named query or a view could report another), else {@code VALUE}: read through the generic getter, printed
     * by its converter.
     */
    private static TextRowCsvWriter.Kind kind(Column column, int resultType) {
        TextRowCsvWriter.Kind kind = switch (column.type()) {
            case INTEGER -> INTEGER_TYPES.contains(resultType) ? TextRowCsvWriter.Kind.INTEGER : null;
            // BIGINT: BIGINT UNSIGNED, which is a decimal here.
            case DECIMAL -> resultType == Types.DECIMAL || resultType == Types.NUMERIC || resultType == Types.BIGINT
                    ? TextRowCsvWriter.Kind.DECIMAL : null;
            case FLOAT -> column.jdbcType() == Types.REAL
                    ? (resultType == Types.REAL ? TextRowCsvWriter.Kind.REAL : null)
                    : (resultType == Types.DOUBLE ? TextRowCsvWriter.Kind.DOUBLE : null);
            case BOOLEAN -> resultType == Types.BIT || resultType == Types.BOOLEAN || resultType == Types.TINYINT
                    ? TextRowCsvWriter.Kind.BOOLEAN : null;
            case DATE -> resultType == Types.DATE ? TextRowCsvWriter.Kind.DATE : null;
            case TIMESTAMP -> resultType == Types.TIMESTAMP ? TextRowCsvWriter.Kind.TIMESTAMP : null;
            case TIMESTAMP_TZ -> resultType == Types.TIMESTAMP ? TextRowCsvWriter.Kind.TIMESTAMP_TZ : null;
            // getBytes hands over these types' bytes as sent.
            case BINARY -> BINARY_TYPES.contains(resultType) ? TextRowCsvWriter.Kind.BINARY : null;
            // getString decodes these types' bytes as UTF-8 and nothing more; others (geometry …) take the getter.
            case STRING, TEXT_LIKE -> TEXT_TYPES.contains(resultType) ? TextRowCsvWriter.Kind.TEXT : null;
            case TIME -> null;
        };
        return kind == null ? TextRowCsvWriter.Kind.VALUE : kind;
    }

    private static void read(ResultSet rs, StandardReadableByteBuf rowBuffer, TextRowCsvWriter.Kind[] kinds,
                             JdbcRowSource.CellReader[] readers, ReadAhead.Out<Batch> out, BlockingQueue<Batch> free)
            throws SQLException {
        int columns = kinds.length;
        Batch batch = newBatch(columns, free);
        byte[][] lastDates = new byte[columns][];
        for (int c = 0; c < columns; c++) lastDates[c] = TextRowCsvWriter.lastDate();
        int size = 0;
        while (!out.stopped() && rs.next()) {
            byte[] row = rowBuffer == null ? null : rowBuffer.buf;
            batch.rows()[size] = row;
            int base = size * columns;
            int pos = 0;
            Object[] values = null;
            for (int c = 0; c < columns; c++) {
                int length;
                if (row != null) {
                    int b = row[pos++] & 0xFF;
                    if (b < 251) {
                        length = b;
                    } else if (b == 251) {
                        length = TextRowCsvWriter.NULL;
                    } else if (b == 252) {
                        length = (row[pos] & 0xFF) | (row[pos + 1] & 0xFF) << 8;
                        pos += 2;
                    } else if (b == 253) {
                        length = (row[pos] & 0xFF) | (row[pos + 1] & 0xFF) << 8 | (row[pos + 2] & 0xFF) << 16;
                        pos += 3;
                    } else {
                        // 8 bytes; a row packet holds at most 2^31 bytes in a Java array.
                        length = (row[pos] & 0xFF) | (row[pos + 1] & 0xFF) << 8 | (row[pos + 2] & 0xFF) << 16
                                | (row[pos + 3] & 0xFF) << 24;
                        pos += 8;
                    }
                    batch.starts()[base + c] = pos;
                    if (length > 0) pos += length;
                } else {
                    length = TextRowCsvWriter.NULL;
                }
                if (kinds[c] == TextRowCsvWriter.Kind.VALUE
                        || (length >= 0 && !TextRowCsvWriter.canonical(kinds[c], row, batch.starts()[base + c], length,
                        lastDates[c]))) {
                    if (values == null) values = new Object[columns];
                    values[c] = readers[c].read(rs, c + 1);
                    length = TextRowCsvWriter.VALUE;
                }
                batch.lengths()[base + c] = length;
            }
            batch.values()[size] = values;
            if (++size == BATCH_ROWS) {
                if (!out.put(new Batch(batch.rows(), batch.starts(), batch.lengths(), batch.values(), size))) return;
                batch = newBatch(columns, free);
                size = 0;
            }
        }
        if (size > 0) out.put(new Batch(batch.rows(), batch.starts(), batch.lengths(), batch.values(), size));
    }

    private static Batch newBatch(int columns, BlockingQueue<Batch> free) {
        Batch written = free.poll();
        if (written != null) return written;
        return new Batch(new byte[BATCH_ROWS][], new int[BATCH_ROWS * columns], new int[BATCH_ROWS * columns],
                new Object[BATCH_ROWS][], 0);
    }

    /** The driver's row buffer when it holds text-protocol rows, else null (every value then through getters). */
    static StandardReadableByteBuf rowBuffer(ResultSet rs) {
        try {
            Result result = rs.unwrap(Result.class);
            if (!(ROW_DECODER.get(result) instanceof TextRowDecoder)) return null;
            return (StandardReadableByteBuf) ROW_BUFFER.get(result);
        } catch (SQLException | ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Field field(String name, Class<?> type) {
        try {
            Field f = Result.class.getDeclaredField(name);
            if (type != null && f.getType() != type) return null;
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
