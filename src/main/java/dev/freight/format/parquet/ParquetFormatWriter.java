package dev.freight.format.parquet;

import dev.freight.format.FormatOptions;
import dev.freight.format.FormatWriter;
import dev.freight.format.NonFinite;
import dev.freight.format.UnrepresentableValueException;
import dev.freight.source.Column;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.JDBCType;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

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
 */
final class ParquetFormatWriter implements FormatWriter {
    private final OutputStream out;
    private final ParquetOptions parquet;
    private final MessageType schema;
    private final Field[] fields;
    private ParquetWriter<Object[]> writer;

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
    }

    MessageType schema() {
        return schema;
    }

    @Override
    public void begin() throws IOException {
        writer = new Builder(new StreamOutputFile(out), new RowWriteSupport(schema, fields))
                .withConf(new PlainParquetConfiguration())
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(parquet.codec())
                .withRowGroupSize(parquet.rowGroupSize())
                .withValidation(false)
                .build();
    }

    @Override
    public void writeRow(Object[] row) throws IOException {
        writer.write(row);
    }

    @Override
    public void finish() throws IOException {
        // Writes the last row group and the footer; closes only the non-closing wrapper around the engine's stream.
        writer.close();
        out.flush();
    }

    // ---------------------------------------------------------------------------------------------- columns

    private enum Kind { INT64, DECIMAL_INT32, DECIMAL_INT64, DECIMAL_FIXED, DECIMAL_TEXT, FLOAT, DOUBLE, BOOLEAN,
        STRING, DATE, TIME, TIMESTAMP, TIMESTAMP_TZ, BINARY }

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

        private Field(String name, int index, Kind kind, Type type, int precision, int scale, int fixedLength) {
            this.name = name;
            this.index = index;
            this.kind = kind;
            this.type = type;
            this.precision = precision;
            this.scale = scale;
            this.fixedLength = fixedLength;
            this.limit = precision > 0 ? BigInteger.TEN.pow(precision) : null;
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

        void write(RecordConsumer record, Object v) throws IOException {
            if (NonFinite.isNonFiniteDecimal(v) && kind != Kind.FLOAT && kind != Kind.DOUBLE) {
                writeNonFiniteDecimal(record, v);
                return;
            }
            if (NonFinite.isStoredText(v) && kind != Kind.STRING && kind != Kind.DECIMAL_TEXT) {
                throw new UnrepresentableValueException("column " + name + " holds " + v + (kind == Kind.TIME
                        ? ", a time outside a day, which Parquet's TIME" : ", which Parquet's " + type.getLogicalTypeAnnotation())
                        + " cannot store; export it as CSV or JSON, or filter it out");
            }
            int infinity = NonFinite.temporalSign(v);
            if (infinity != 0) {
                // DuckDB's (and Arrow's) encoding of ±infinity: the type's largest value and its negation.
                if (kind == Kind.DATE) record.addInteger(infinity * Integer.MAX_VALUE);
                else record.addLong(infinity * Long.MAX_VALUE);
                return;
            }
            switch (kind) {
                case INT64 -> record.addLong(((Number) v).longValue());
                case DECIMAL_INT32 -> record.addInteger(unscaled((BigDecimal) v).intValueExact());
                case DECIMAL_INT64 -> record.addLong(unscaled((BigDecimal) v).longValueExact());
                case DECIMAL_FIXED -> record.addBinary(Binary.fromConstantByteArray(fixed(unscaled((BigDecimal) v))));
                case DECIMAL_TEXT -> record.addBinary(Binary.fromString(((BigDecimal) v).toPlainString()));
                case FLOAT -> record.addFloat(((Number) v).floatValue());
                case DOUBLE -> record.addDouble(((Number) v).doubleValue());
                case BOOLEAN -> record.addBoolean((Boolean) v);
                case STRING -> record.addBinary(Binary.fromString(v.toString()));
                case DATE -> record.addInteger(Math.toIntExact(((LocalDate) v).toEpochDay()));
                case TIME -> record.addLong(((LocalTime) v).toNanoOfDay() / 1_000);
                case TIMESTAMP -> record.addLong(micros(((LocalDateTime) v).toEpochSecond(ZoneOffset.UTC),
                        ((LocalDateTime) v).getNano()));
                case TIMESTAMP_TZ -> record.addLong(micros(((OffsetDateTime) v).toEpochSecond(),
                        ((OffsetDateTime) v).getNano()));
                case BINARY -> record.addBinary(Binary.fromConstantByteArray((byte[]) v));
            }
        }

        /** A decimal without precision is text and can say NaN; Parquet's DECIMAL has no such value. */
        private void writeNonFiniteDecimal(RecordConsumer record, Object v) {
            if (kind == Kind.DECIMAL_TEXT) {
                record.addBinary(Binary.fromString(NonFinite.numberText(v)));
                return;
            }
            throw new UnrepresentableValueException("column " + name + " holds " + NonFinite.numberText(v)
                    + ", which Parquet's decimal(" + precision + ", " + scale + ") cannot store; export it as CSV or"
                    + " JSON, or filter it out");
        }

        private BigInteger unscaled(BigDecimal value) throws IOException {
            BigInteger unscaled;
            try {
                unscaled = value.setScale(scale, RoundingMode.UNNECESSARY).unscaledValue();
            } catch (ArithmeticException e) {
                unscaled = null;
            }
            if (unscaled == null || unscaled.abs().compareTo(limit) >= 0) {
                throw new UnrepresentableValueException("value " + value.toPlainString() + " of column " + name
                        + " does not fit its declared type decimal(" + precision + ", " + scale + ")");
            }
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

    /** Writes one row (the engine's reused array) straight into the column writers; nothing keeps the array. */
    private static final class RowWriteSupport extends WriteSupport<Object[]> {
        private final MessageType schema;
        private final Field[] fields;
        private RecordConsumer record;

        RowWriteSupport(MessageType schema, Field[] fields) {
            this.schema = schema;
            this.fields = fields;
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(schema, Map.of());
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(schema, Map.of());
        }

        @Override
        public String getName() {
            return "freight";
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.record = recordConsumer;
        }

        @Override
        public void write(Object[] row) {
            record.startMessage();
            for (Field field : fields) {
                Object v = row[field.index];
                if (v == null) {
                    if (field.type.isRepetition(Type.Repetition.REQUIRED)) {
                        throw new IllegalStateException("column " + field.name
                                + " is NOT NULL in the catalog but a row has NULL");
                    }
                    continue;
                }
                record.startField(field.name, field.index);
                try {
                    field.write(record, v);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                record.endField(field.name, field.index);
            }
            record.endMessage();
        }
    }

    private static final class Builder extends ParquetWriter.Builder<Object[], Builder> {
        private final RowWriteSupport support;

        Builder(OutputFile file, RowWriteSupport support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
            return support;
        }

        @Override
        protected WriteSupport<Object[]> getWriteSupport(ParquetConfiguration conf) {
            return support;
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
