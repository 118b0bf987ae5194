package dev.freight.format.parquet;

import dev.freight.format.FormatOptions;
import dev.freight.format.FormatWriter;
import dev.freight.format.NonFinite;
import dev.freight.format.UnrepresentableValueException;
import dev.freight.source.Column;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.apache.parquet.util.AutoCloseables;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.JDBCType;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Apache Parquet through parquet-java, streamed to the engine's output stream (no Hadoop file system: an
 * {@link OutputFile} over the stream, which is never closed here). The schema comes from the catalog, one field
 * per column, named by the column's label; nullable columns are {@code optional}, NOT NULL ones {@code required}.
 * <table>
 *   <caption>Type mapping</caption>
 *   <tr><th>column</th><th>Parquet</th></tr>
 *   <tr><td>integer (any size)</td><td>INT64 (INT(64, signed)); one type for every integer column, so that
 *       unsigned or widened integers never overflow</td></tr>
 *   <tr><td>decimal(p, s), 1 ≤ p ≤ 38, 0 ≤ s ≤ p</td><td>DECIMAL(p, s) on INT32 (p ≤ 9), INT64 (p ≤ 18) or
 *       FIXED_LEN_BYTE_ARRAY (the fewest bytes for p); values are exact, rescaled to s without rounding</td></tr>
 *   <tr><td>decimal without usable precision (PostgreSQL {@code numeric} without precision reports 0 or
 *       131089), p &gt; 38 or a negative scale</td><td>UTF8 string of the exact plain digits
 *       ({@link BigDecimal#toPlainString()}), since no Parquet DECIMAL can hold every such value</td></tr>
 *   <tr><td>float</td><td>FLOAT for JDBC REAL, DOUBLE otherwise</td></tr>
 *   <tr><td>boolean</td><td>BOOLEAN</td></tr>
 *   <tr><td>string, text-like (JSON, UUID, arrays …)</td><td>BINARY UTF8 (STRING)</td></tr>
 *   <tr><td>date</td><td>INT32 DATE</td></tr>
 *   <tr><td>time</td><td>INT64 TIME(MICROS, isAdjustedToUTC=false)</td></tr>
 *   <tr><td>timestamp</td><td>INT64 TIMESTAMP(MICROS, isAdjustedToUTC=false): the wall-clock time</td></tr>
 *   <tr><td>timestamp with time zone</td><td>INT64 TIMESTAMP(MICROS, isAdjustedToUTC=true): the instant</td></tr>
 *   <tr><td>binary</td><td>BINARY</td></tr>
 * </table>
 * Fractions below a microsecond (H2 keeps nanoseconds) are truncated toward the past. The presentation options
 * (time_zone, number_locale, bool_text, date_format …) never change these typed values. Compression and the row
 * group size come from {@link ParquetOptions}; the writer buffers one row group in memory, so the row group size
 * bounds the heap an export takes.
 * <p>
 * Three threads share the work: the caller's converts each row's values into column batches (see {@link #begin});
 * an encoder thread and its helper each feed the column writers of about half the columns (see
 * {@link ColumnsWriter}). Only the batches in flight (three of at most {@value #BATCH_ROWS} rows or about
 * {@value #BATCH_BYTES} bytes of strings each) are added to the row group's memory. The threads end with
 * {@link #finish} or {@link #abandon}.
 */
final class ParquetFormatWriter implements FormatWriter {
    /**
     * Rows per batch handed to the encoding thread: large enough that the hand-over costs nothing per row, small
     * enough that the batches in flight stay small beside the row group parquet-java buffers ...
     */
    static final int BATCH_ROWS = 2048;
    /** ... or fewer when their variable-length values (strings, bytes) pass this many bytes. */
    static final int BATCH_BYTES = 1 << 20;
    /** Batches there are: one being filled, the others queued or being encoded. Bounds the hand-over's memory. */
    private static final int BATCHES = 3;

    private final OutputStream out;
    private final ParquetOptions parquet;
    private final MessageType schema;
    private final Field[] fields;
    private ColumnsWriter writer;
    /** Filled batches for the encoder, then {@link #END}. */
    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(BATCHES + 1);
    /** Batches the encoder is done with. */
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES);
    private final Batch end;
    private Batch filling;
    private Thread encoder;
    /** What stopped the encoder; it then only hands batches back, so this thread never waits for it in vain. */
    private volatile Throwable failure;
    private volatile boolean abandoned;

    ParquetFormatWriter(OutputStream out, List<Column> columns, List<String> labels, FormatOptions options) {
        this.out = out;
        this.parquet = ParquetOptions.of(options);
        this.fields = new Field[columns.size()];
        Types.MessageTypeBuilder message = Types.buildMessage();
        for (int i = 0; i < fields.length; i++) {
            fields[i] = Field.of(columns.get(i), labels.get(i), i);
            message.addField(fields[i].type);
        }
        this.schema = message.named("freight_export");
        this.end = new Batch(new Field[0]);
    }

    MessageType schema() {
        return schema;
    }

    /**
     * Values are converted on the caller's thread into column batches; another thread feeds them to parquet-java's
     * column writers (dictionaries, statistics, levels, pages, compression). The caller's thread also decodes the
     * source's rows, so the two halves of the work run on two cores instead of taking turns. The encoder writes the
     * row groups to the output stream while this thread waits for nothing but a free batch; the footer is written
     * here, after the encoder has ended.
     */
    @Override
    public void begin() throws IOException {
        writer = new ColumnsWriter(new StreamOutputFile(out), schema, fields, parquet);
        for (int i = 0; i < BATCHES - 1; i++) free.add(new Batch(fields));
        filling = new Batch(fields);
        encoder = new Thread(this::encode, "freight-parquet-encoder");
        encoder.setDaemon(true);
        encoder.start();
    }

    @Override
    public void writeRow(Object[] row) throws IOException {
        Batch batch = filling;
        int r = batch.rows;
        for (Field field : fields) {
            Object v = row[field.index];
            if (v == null) {
                if (batch.nulls[field.index] == null) {
                    throw new IllegalStateException("column " + field.name
                            + " is NOT NULL in the catalog but a row has NULL");
                }
                batch.nulls[field.index][r] = true;
                if (batch.ends[field.index] != null) batch.ends[field.index][r] = batch.end(field.index);
            } else {
                if (batch.nulls[field.index] != null) batch.nulls[field.index][r] = false;
                field.put(batch, r, v);
            }
        }
        batch.rows = r + 1;
        if (batch.rows == BATCH_ROWS || batch.bytes >= BATCH_BYTES) hand(batch);
    }

    /** Queues the batch for the encoder and takes a free one to fill next. */
    private void hand(Batch batch) throws IOException {
        try {
            full.put(batch);
            filling = free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while writing Parquet");
        }
        rethrow();
    }

    private void rethrow() throws IOException {
        Throwable t = failure;
        if (t == null) return;
        if (t instanceof IOException e) throw new IOException(e.getMessage(), e);
        if (t instanceof java.io.UncheckedIOException e) throw new IOException(e.getCause().getMessage(), e.getCause());
        if (t instanceof RuntimeException e) throw e;
        if (t instanceof Error e) throw e;
        throw new IOException(t);
    }

    /** The encoder: writes each batch's rows, hands the batch back; after a failure only hands them back. */
    private void encode() {
        try {
            while (true) {
                Batch batch = full.take();
                if (batch == end) return;
                try {
                    if (failure == null && !abandoned) writer.write(batch);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    batch.rows = 0;
                    batch.bytes = 0;
                    free.put(batch);
                }
            }
        } catch (InterruptedException e) {
            // not interrupted by this class; the JVM is going down
        }
    }

    /** Waits for the encoder to write every queued batch and end. */
    private void stopEncoder() throws IOException {
        if (encoder == null) return;
        try {
            full.put(end);
            encoder.join();
        } catch (InterruptedException e) {
            encoder.interrupt();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while writing Parquet");
        }
        encoder = null;
    }

    @Override
    public void finish() throws IOException {
        if (filling.rows > 0) hand(filling);
        stopEncoder();
        rethrow();
        // Writes the last row group and the footer; closes only the non-closing wrapper around the engine's stream.
        writer.close();
        out.flush();
    }

    /**
     * Tells the encoder to skip what is queued and end, and waits for it: at most the batch it is writing. Never
     * interrupts it: an interrupt closes a file channel the encoder may be writing to.
     */
    @Override
    public void abandon() {
        Thread thread = encoder;
        if (thread != null) {
            encoder = null;
            abandoned = true;
            // Room for it: there are BATCHES batches, one of them not queued (filling, or being written).
            full.offer(end);
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
        // Also after a failed finish: the column writers' helper thread ends here.
        if (writer != null) writer.abandon();
    }

    // ---------------------------------------------------------------------------------------------- columns

    private enum Kind {
        INT64, DECIMAL_INT32, DECIMAL_INT64, DECIMAL_FIXED, DECIMAL_TEXT, FLOAT, DOUBLE, BOOLEAN, STRING, DATE, TIME,
        TIMESTAMP, TIMESTAMP_TZ, BINARY;

        /** Its values may be a non-finite Double ({@link NonFinite}). */
        boolean decimal() {
            return this == DECIMAL_INT32 || this == DECIMAL_INT64 || this == DECIMAL_FIXED || this == DECIMAL_TEXT;
        }

        /** Its values may be ±infinity or a database's stored text ({@link NonFinite}). */
        boolean temporal() {
            return this == DATE || this == TIME || this == TIMESTAMP || this == TIMESTAMP_TZ;
        }
    }

    /** One column: its Parquet type and how a value of it is written. */
    private static final class Field {
        final String name;
        final int index;
        final Kind kind;
        final Type type;
        final int precision;
        final int scale;
        final int fixedLength;
        final BigInteger limit;
        /** 10^precision when it fits a long (precision ≤ 18). */
        final long longLimit;

        private Field(String name, int index, Kind kind, Type type, int precision, int scale, int fixedLength) {
            this.name = name;
            this.index = index;
            this.kind = kind;
            this.type = type;
            this.precision = precision;
            this.scale = scale;
            this.fixedLength = fixedLength;
            this.limit = precision > 0 ? BigInteger.TEN.pow(precision) : null;
            this.longLimit = precision > 0 && precision <= 18 ? limit.longValueExact() : 0;
        }

        static Field of(Column column, String label, int index) {
            Type.Repetition repetition = column.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
            int p = column.precision();
            int s = column.scale();
            return switch (column.type()) {
                case INTEGER -> new Field(label, index, Kind.INT64, Types.primitive(PrimitiveTypeName.INT64, repetition)
                        .as(LogicalTypeAnnotation.intType(64, true)).named(label), 0, 0, 0);
                case DECIMAL -> {
                    if (p < 1 || p > 38 || s < 0 || s > p) {
                        yield new Field(label, index, Kind.DECIMAL_TEXT, string(repetition, label), 0, 0, 0);
                    }
                    LogicalTypeAnnotation decimal = LogicalTypeAnnotation.decimalType(s, p);
                    if (p <= 9) {
                        yield new Field(label, index, Kind.DECIMAL_INT32, Types.primitive(PrimitiveTypeName.INT32,
                                repetition).as(decimal).named(label), p, s, 0);
                    }
                    if (p <= 18) {
                        yield new Field(label, index, Kind.DECIMAL_INT64, Types.primitive(PrimitiveTypeName.INT64,
                                repetition).as(decimal).named(label), p, s, 0);
                    }
                    int length = bytesFor(p);
                    yield new Field(label, index, Kind.DECIMAL_FIXED, Types.primitive(
                            PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition).length(length).as(decimal).named(label),
                            p, s, length);
                }
                case FLOAT -> column.jdbcType() == JDBCType.REAL.getVendorTypeNumber()
                        ? new Field(label, index, Kind.FLOAT, Types.primitive(PrimitiveTypeName.FLOAT, repetition)
                        .named(label), 0, 0, 0)
                        : new Field(label, index, Kind.DOUBLE, Types.primitive(PrimitiveTypeName.DOUBLE, repetition)
                        .named(label), 0, 0, 0);
                case BOOLEAN -> new Field(label, index, Kind.BOOLEAN, Types.primitive(PrimitiveTypeName.BOOLEAN,
                        repetition).named(label), 0, 0, 0);
                case STRING, TEXT_LIKE -> new Field(label, index, Kind.STRING, string(repetition, label), 0, 0, 0);
                case DATE -> new Field(label, index, Kind.DATE, Types.primitive(PrimitiveTypeName.INT32, repetition)
                        .as(LogicalTypeAnnotation.dateType()).named(label), 0, 0, 0);
                case TIME -> new Field(label, index, Kind.TIME, Types.primitive(PrimitiveTypeName.INT64, repetition)
                        .as(LogicalTypeAnnotation.timeType(false, TimeUnit.MICROS)).named(label), 0, 0, 0);
                case TIMESTAMP -> new Field(label, index, Kind.TIMESTAMP, Types.primitive(PrimitiveTypeName.INT64,
                        repetition).as(LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS)).named(label), 0, 0, 0);
                case TIMESTAMP_TZ -> new Field(label, index, Kind.TIMESTAMP_TZ, Types.primitive(PrimitiveTypeName.INT64,
                        repetition).as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS)).named(label), 0, 0, 0);
                case BINARY -> new Field(label, index, Kind.BINARY, Types.primitive(PrimitiveTypeName.BINARY,
                        repetition).named(label), 0, 0, 0);
            };
        }

        private static Type string(Type.Repetition repetition, String label) {
            return Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.stringType())
                    .named(label);
        }

        /** The fewest bytes whose two's complement holds every unscaled value of {@code precision} digits. */
        static int bytesFor(int precision) {
            BigInteger max = BigInteger.TEN.pow(precision).subtract(BigInteger.ONE);
            return (max.bitLength() + 1 + 7) / 8;
        }

        /** Whether the values are bytes of varying length (kept in {@link Batch#data}) rather than one long. */
        boolean variable() {
            return switch (kind) {
                case DECIMAL_FIXED, DECIMAL_TEXT, STRING, BINARY -> true;
                default -> false;
            };
        }

        /** Converts a non-null value into row {@code r} of the batch: checks and conversions happen here, on the caller's thread. */
        void put(Batch batch, int r, Object v) throws IOException {
            long[] values = batch.values[index];
            // Only decimal and temporal columns can hold the values NonFinite names: the checks stay off the others.
            if (kind.decimal() && NonFinite.isNonFiniteDecimal(v)) {
                putNonFiniteDecimal(batch, r, v);
                return;
            }
            if (kind.temporal()) {
                if (NonFinite.isStoredText(v)) {
                    throw new UnrepresentableValueException("column " + name + " holds " + v + (kind == Kind.TIME
                            ? ", a time outside a day, which Parquet's TIME" : ", which Parquet's " + type.getLogicalTypeAnnotation())
                            + " cannot store; export it as CSV or JSON, or filter it out");
                }
                int infinity = NonFinite.temporalSign(v);
                if (infinity != 0) {
                    // DuckDB's (and Arrow's) encoding of ±infinity: the type's largest value and its negation.
                    values[r] = kind == Kind.DATE ? (long) infinity * Integer.MAX_VALUE : infinity * Long.MAX_VALUE;
                    return;
                }
            }
            switch (kind) {
                case INT64 -> values[r] = ((Number) v).longValue();
                case DECIMAL_INT32, DECIMAL_INT64 -> values[r] = unscaledLong((BigDecimal) v);
                case DECIMAL_FIXED -> batch.append(index, r, fixed(unscaled((BigDecimal) v)));
                case DECIMAL_TEXT -> batch.append(index, r, ((BigDecimal) v).toPlainString().getBytes(StandardCharsets.UTF_8));
                case FLOAT -> values[r] = Float.floatToRawIntBits(((Number) v).floatValue());
                case DOUBLE -> values[r] = Double.doubleToRawLongBits(((Number) v).doubleValue());
                case BOOLEAN -> values[r] = (Boolean) v ? 1 : 0;
                // What Binary.fromString encodes: UTF-8, an unpaired surrogate as '?'.
                case STRING -> batch.append(index, r, v.toString().getBytes(StandardCharsets.UTF_8));
                case DATE -> values[r] = Math.toIntExact(((LocalDate) v).toEpochDay());
                case TIME -> values[r] = ((LocalTime) v).toNanoOfDay() / 1_000;
                case TIMESTAMP -> values[r] = micros(((LocalDateTime) v).toEpochSecond(ZoneOffset.UTC),
                        ((LocalDateTime) v).getNano());
                case TIMESTAMP_TZ -> values[r] = micros(((OffsetDateTime) v).toEpochSecond(),
                        ((OffsetDateTime) v).getNano());
                case BINARY -> batch.append(index, r, (byte[]) v);
            }
        }

        /** A decimal without precision is text and can say NaN; Parquet's DECIMAL has no such value. */
        private void putNonFiniteDecimal(Batch batch, int r, Object v) {
            if (kind == Kind.DECIMAL_TEXT) {
                batch.append(index, r, NonFinite.numberText(v).getBytes(StandardCharsets.UTF_8));
                return;
            }
            throw new UnrepresentableValueException("column " + name + " holds " + NonFinite.numberText(v)
                    + ", which Parquet's decimal(" + precision + ", " + scale + ") cannot store; export it as CSV or"
                    + " JSON, or filter it out");
        }

        /**
         * Writes the batch's values of this column, on the encoder's thread: one tight loop per column and type.
         * The schema is flat, so every value starts a row (repetition level 0) and is defined at level 1 in an
         * optional column, 0 in a required one; a NULL is defined at 0.
         */
        void writeColumn(ColumnWriter writer, Batch batch) {
            int rows = batch.rows;
            boolean[] nulls = batch.nulls[index];
            int d = nulls == null ? 0 : 1;
            long[] values = batch.values[index];
            switch (kind) {
                case INT64, DECIMAL_INT64, TIME, TIMESTAMP, TIMESTAMP_TZ -> {
                    for (int r = 0; r < rows; r++) {
                        if (nulls != null && nulls[r]) writer.writeNull(0, 0);
                        else writer.write(values[r], 0, d);
                    }
                }
                case DECIMAL_INT32, DATE -> {
                    for (int r = 0; r < rows; r++) {
                        if (nulls != null && nulls[r]) writer.writeNull(0, 0);
                        else writer.write((int) values[r], 0, d);
                    }
                }
                case FLOAT -> {
                    for (int r = 0; r < rows; r++) {
                        if (nulls != null && nulls[r]) writer.writeNull(0, 0);
                        else writer.write(Float.intBitsToFloat((int) values[r]), 0, d);
                    }
                }
                case DOUBLE -> {
                    for (int r = 0; r < rows; r++) {
                        if (nulls != null && nulls[r]) writer.writeNull(0, 0);
                        else writer.write(Double.longBitsToDouble(values[r]), 0, d);
                    }
                }
                case BOOLEAN -> {
                    for (int r = 0; r < rows; r++) {
                        if (nulls != null && nulls[r]) writer.writeNull(0, 0);
                        else writer.write(values[r] != 0, 0, d);
                    }
                }
                case DECIMAL_FIXED, DECIMAL_TEXT, STRING, BINARY -> {
                    int[] ends = batch.ends[index];
                    byte[] data = batch.data[index];
                    int start = 0;
                    for (int r = 0; r < rows; r++) {
                        if (nulls != null && nulls[r]) {
                            writer.writeNull(0, 0);
                        } else {
                            // The column writers copy what they keep (dictionary entries, min and max), as for any
                            // reused bytes.
                            writer.write(Binary.fromReusedByteArray(data, start, ends[r] - start), 0, d);
                        }
                        start = ends[r];
                    }
                }
            }
        }

        /**
         * The unscaled value at the column's scale, for precision ≤ 18, without a BigInteger: the same values pass and
         * fail as {@link #unscaled}.
         */
        private long unscaledLong(BigDecimal value) throws IOException {
            long unscaled;
            try {
                // At scale 0 longValueExact is the compact unscaled value; it fails on lost digits and on overflow.
                unscaled = value.scale() == scale ? value.movePointRight(scale).longValueExact()
                        : value.setScale(scale, RoundingMode.UNNECESSARY).movePointRight(scale).longValueExact();
            } catch (ArithmeticException e) {
                throw doesNotFit(value);
            }
            if (unscaled <= -longLimit || unscaled >= longLimit) throw doesNotFit(value);
            return unscaled;
        }

        private UnrepresentableValueException doesNotFit(BigDecimal value) {
            return new UnrepresentableValueException("value " + value.toPlainString() + " of column " + name
                    + " does not fit its declared type decimal(" + precision + ", " + scale + ")");
        }

        private BigInteger unscaled(BigDecimal value) throws IOException {
            BigInteger unscaled;
            try {
                unscaled = value.setScale(scale, RoundingMode.UNNECESSARY).unscaledValue();
            } catch (ArithmeticException e) {
                unscaled = null;
            }
            if (unscaled == null || unscaled.abs().compareTo(limit) >= 0) throw doesNotFit(value);
            return unscaled;
        }

        private byte[] fixed(BigInteger unscaled) {
            byte[] minimal = unscaled.toByteArray();
            byte[] bytes = new byte[fixedLength];
            byte pad = (byte) (unscaled.signum() < 0 ? 0xFF : 0x00);
            int offset = fixedLength - minimal.length;
            for (int i = 0; i < offset; i++) bytes[i] = pad;
            System.arraycopy(minimal, 0, bytes, offset, minimal.length);
            return bytes;
        }

        private static long micros(long epochSecond, int nano) {
            return Math.addExact(Math.multiplyExact(epochSecond, 1_000_000L), nano / 1_000);
        }
    }

    // ---------------------------------------------------------------------------------------------- parquet-java glue

    /**
     * Values of up to {@link #BATCH_ROWS} rows, column by column: longs for the fixed-width types (float and double
     * as their bits), the bytes of the variable-length ones one after another with each row's end offset, a null
     * flag per row for optional columns. Reused: the encoder hands it back once written.
     */
    static final class Batch {
        final long[][] values;
        final boolean[][] nulls;
        final int[][] ends;
        final byte[][] data;
        int rows;
        /** Bytes of variable-length values in the batch. */
        int bytes;

        Batch(Field[] fields) {
            values = new long[fields.length][];
            nulls = new boolean[fields.length][];
            ends = new int[fields.length][];
            data = new byte[fields.length][];
            for (Field f : fields) {
                if (f.variable()) {
                    ends[f.index] = new int[BATCH_ROWS];
                    data[f.index] = new byte[1024];
                } else {
                    values[f.index] = new long[BATCH_ROWS];
                }
                if (!f.type.isRepetition(Type.Repetition.REQUIRED)) nulls[f.index] = new boolean[BATCH_ROWS];
            }
        }

        /** Where the bytes of column {@code c} end so far (rows before the current one). */
        int end(int c) {
            return rows == 0 ? 0 : ends[c][rows - 1];
        }

        void append(int c, int r, byte[] value) {
            int start = r == 0 ? 0 : ends[c][r - 1];
            int stop = start + value.length;
            if (stop > data[c].length) data[c] = Arrays.copyOf(data[c], Math.max(stop, data[c].length * 2));
            System.arraycopy(value, 0, data[c], start, value.length);
            ends[c][r] = stop;
            bytes += value.length;
        }
    }

    /**
     * parquet-java's file and column writers, driven column by column: the schema is flat, so the record layer
     * (RecordConsumer, MessageColumnIO) has nothing to add but a call per value. Row groups are cut as
     * {@code ParquetWriter} cuts them, by the bytes the column writers buffer, checked after every batch.
     * <p>
     * The columns are split in two parts, each with column writers and a compressor of its own: the encoder's
     * thread writes the first part of a batch while a helper thread writes the second. The encoding (dictionaries,
     * statistics, pages, compression) measured three times the work of decoding the rows, so one encoding thread
     * beside the decoding one would leave the second core half idle. Column writers of different columns share
     * nothing; each part calls {@code endRecord} on a column store of its own, so its page writes stay on its
     * thread; the page store, one per column inside, is shared so that a row group is written in schema order. The
     * parts are balanced by the time their columns took so far (by type in the first row group).
     */
    static final class ColumnsWriter {
        private static final Batch STOP = new Batch(new Field[0]);
        private static final Object DONE = new Object();

        private final Field[] fields;
        private final ParquetProperties props;
        private final ParquetFileWriter file;
        private final long rowGroupSize;
        private final MessageType schema;
        private final Part[] parts;
        /** The part writing each column in this row group. */
        private final int[] owner;
        private final Map<String, Integer> index = new java.util.HashMap<>();
        private ColumnChunkPageWriteStore pages;
        /** Nanoseconds spent writing each column's values, to balance the parts. */
        private final long[] cost;
        private final Thread helper;
        private final BlockingQueue<Batch> helperIn = new ArrayBlockingQueue<>(1);
        private final BlockingQueue<Object> helperDone = new ArrayBlockingQueue<>(1);
        /** Rows in the current row group. */
        private long rows;
        private int rowGroups;

        ColumnsWriter(OutputFile out, MessageType schema, Field[] fields, ParquetOptions options) throws IOException {
            this.fields = fields;
            this.schema = schema;
            this.props = ParquetProperties.builder().build();
            this.rowGroupSize = options.rowGroupSize();
            this.cost = new long[fields.length];
            this.owner = new int[fields.length];
            for (Field f : fields) index.put(f.name, f.index);
            this.file = new ParquetFileWriter(out, schema, ParquetFileWriter.Mode.OVERWRITE, rowGroupSize,
                    ParquetWriter.MAX_PADDING_SIZE_DEFAULT, null, props);
            this.parts = new Part[fields.length < 2 ? 1 : 2];
            for (int i = 0; i < parts.length; i++) parts[i] = new Part(props, options);
            file.start();
            startRowGroup();
            if (parts.length > 1) {
                helper = new Thread(this::help, "freight-parquet-encoder-2");
                helper.setDaemon(true);
                helper.start();
            } else {
                helper = null;
            }
        }

        /** Assigns the columns to the parts, heaviest first to the lighter part (by type until there are timings). */
        private void startRowGroup() {
            long[] weight = new long[fields.length];
            boolean measured = false;
            for (long c : cost) measured |= c > 0;
            for (Field f : fields) weight[f.index] = measured ? Math.max(1, cost[f.index]) : f.variable() ? 4 : 1;
            Integer[] order = new Integer[fields.length];
            for (int i = 0; i < order.length; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> Long.compare(weight[b], weight[a]));
            long[] load = new long[parts.length];
            List<List<Field>> members = new ArrayList<>();
            for (int p = 0; p < parts.length; p++) members.add(new ArrayList<>());
            for (int i : order) {
                int lighter = 0;
                for (int p = 1; p < parts.length; p++) if (load[p] < load[lighter]) lighter = p;
                load[lighter] += weight[i];
                members.get(lighter).add(fields[i]);
                owner[i] = lighter;
            }
            pages = ColumnChunkPageWriteStore.builder()
                    .withCompressorProvider(column -> parts[owner[index.get(column.getPath()[0])]].compressor)
                    .withSchema(schema)
                    .withAllocator(props.getAllocator())
                    .withColumnIndexTruncateLength(props.getColumnIndexTruncateLength())
                    .withPageWriteChecksumEnabled(props.getPageWriteChecksumEnabled())
                    .withRowGroupOrdinal(rowGroups)
                    .build();
            for (int p = 0; p < parts.length; p++) {
                List<Field> mine = members.get(p);
                mine.sort((a, b) -> Integer.compare(a.index, b.index));
                parts[p].start(mine, pages);
            }
        }

        void write(Batch batch) throws IOException {
            if (helper != null) handOver(batch);
            Throwable failed = null;
            try {
                parts[0].write(batch, cost);
            } catch (RuntimeException | Error e) {
                failed = e;
            }
            // The helper reads the batch until it answers, also when this part failed.
            if (helper != null) {
                Object answer = take(helperDone);
                if (answer instanceof Throwable t && failed == null) failed = t;
            }
            if (failed instanceof RuntimeException e) throw e;
            if (failed instanceof Error e) throw e;
            rows += batch.rows;
            long buffered = 0;
            for (Part part : parts) buffered += part.store.getBufferedSize();
            // ParquetWriter's rule: cut when another two rows of the average size would pass the row group size.
            if (buffered > rowGroupSize - 2 * (buffered / rows)) {
                flushRowGroup();
                startRowGroup();
            }
        }

        private void help() {
            try {
                while (true) {
                    Batch batch = helperIn.take();
                    if (batch == STOP) return;
                    Object answer = DONE;
                    try {
                        parts[1].write(batch, cost);
                    } catch (Throwable t) {
                        answer = t;
                    }
                    helperDone.put(answer);
                }
            } catch (InterruptedException e) {
                // not interrupted by this class; the JVM is going down
            }
        }

        private void handOver(Batch batch) throws IOException {
            try {
                helperIn.put(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while writing Parquet");
            }
        }

        private static Object take(BlockingQueue<Object> queue) throws IOException {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while writing Parquet");
            }
        }

        private void flushRowGroup() throws IOException {
            try {
                if (rows > 0) {
                    file.startBlock(rows);
                    for (Part part : parts) part.store.flush();
                    pages.flushToFileWriter(file);
                    file.endBlock();
                    rows = 0;
                    rowGroups++;
                }
            } finally {
                for (Part part : parts) part.close();
                if (pages != null) AutoCloseables.uncheckedClose(pages);
                pages = null;
            }
        }

        /** Ends the helper thread: before returning, it has let go of every batch. */
        void stopHelper() {
            if (helper == null || !helper.isAlive()) return;
            // Room for it: the helper answers every batch before the encoder hands over the next.
            helperIn.offer(STOP);
            boolean interrupted = false;
            while (helper.isAlive()) {
                try {
                    helper.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }

        /** Ends the helper and lets go of the buffers, writing nothing more. */
        void abandon() {
            stopHelper();
            for (Part part : parts) {
                try {
                    part.release();
                } catch (RuntimeException ignored) {
                    // nothing more is written anyway
                }
            }
        }

        /** Writes the last row group and the footer. */
        void close() throws IOException {
            stopHelper();
            try {
                flushRowGroup();
                file.end(Map.of(ParquetWriter.OBJECT_MODEL_NAME_PROP, "freight"));
            } finally {
                for (Part part : parts) part.release();
            }
        }
    }

    /** Some columns of the row group, with their own column writers (and column store) and compressor. */
    private static final class Part {
        private final ParquetProperties props;
        private final CodecFactory codecs;
        private final CompressionCodecFactory.BytesInputCompressor compressor;
        private Field[] fields;
        private ColumnWriter[] writers;
        private ColumnWriteStore store;
        private boolean released;

        Part(ParquetProperties props, ParquetOptions options) {
            this.props = props;
            // A compressor keeps buffers of its own: one per part, so that the parts never share one.
            this.codecs = new CodecFactory(new PlainParquetConfiguration(), props.getPageSizeThreshold());
            this.compressor = codecs.getCompressor(options.codec());
        }

        void start(List<Field> mine, ColumnChunkPageWriteStore pages) {
            fields = mine.toArray(new Field[0]);
            List<Type> types = new ArrayList<>();
            for (Field f : fields) types.add(f.type);
            MessageType schema = new MessageType("freight_export", types);
            store = props.newColumnWriteStore(schema, pages, pages);
            writers = new ColumnWriter[fields.length];
            for (int i = 0; i < fields.length; i++) {
                writers[i] = store.getColumnWriter(schema.getColumnDescription(new String[]{fields[i].name}));
            }
        }

        void write(Batch batch, long[] cost) {
            for (int i = 0; i < fields.length; i++) {
                long start = System.nanoTime();
                fields[i].writeColumn(writers[i], batch);
                cost[fields[i].index] += System.nanoTime() - start;
            }
            for (int r = 0; r < batch.rows; r++) store.endRecord();
        }

        void close() {
            if (store == null) return;
            AutoCloseables.uncheckedClose(store);
            store = null;
        }

        void release() {
            close();
            if (!released) codecs.release();
            released = true;
        }
    }

    /** The engine's stream as a Parquet file: positions are the bytes written so far; closing never closes it. */
    static final class StreamOutputFile implements OutputFile {
        private final OutputStream out;

        StreamOutputFile(OutputStream out) {
            this.out = out;
        }

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return new CountingPositionStream(out);
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return new CountingPositionStream(out);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }

        @Override
        public String getPath() {
            return "stream";
        }
    }

    private static final class CountingPositionStream extends PositionOutputStream {
        private final OutputStream out;
        private long position;

        CountingPositionStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public long getPos() {
            return position;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            position++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            position += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
