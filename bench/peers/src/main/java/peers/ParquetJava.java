package peers;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The Parquet reference: parquet-java (parquet-hadoop) fed by pgJDBC, as directly as the library allows: a
 * {@link WriteSupport} that reads each column of the current row with its typed getter, no row objects in between.
 * The schema is the one Freight writes for the table (every integer INT64, decimal(p ≤ 18) on INT32/INT64,
 * timestamptz as TIMESTAMP(MICROS, UTC), text as STRING, NOT NULL columns required), snappy, 16 MiB row groups
 * (Freight's default).
 * <p>Usage: {@code ParquetJava JDBC_URL TABLE OUT.parquet [MAX_ROWS]}
 */
public final class ParquetJava {
    private enum Kind { INT64, DECIMAL_INT32, DECIMAL_INT64, DOUBLE, BOOLEAN, STRING, TIMESTAMP, TIMESTAMP_TZ }

    public static void main(String[] args) throws Exception {
        try (Connection connection = Pg.connect(args[0])) {
            ResultSet rs = Pg.stream(connection, args[1], args);
            ResultSetWriteSupport support = new ResultSetWriteSupport(rs.getMetaData());
            try (ParquetWriter<ResultSet> writer = new Builder(new LocalOutputFile(Path.of(args[2])), support)
                    .withConf(new PlainParquetConfiguration())
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withRowGroupSize(16L * 1024 * 1024)
                    .build()) {
                while (rs.next()) writer.write(rs);
            }
        }
    }

    private static final class ResultSetWriteSupport extends WriteSupport<ResultSet> {
        private final MessageType schema;
        private final Kind[] kinds;
        private final String[] names;
        private final int[] scales;
        private RecordConsumer record;
        /** Whether the current column's field was started (a NULL is not). */
        private boolean open;

        ResultSetWriteSupport(ResultSetMetaData meta) throws SQLException {
            int n = meta.getColumnCount();
            kinds = new Kind[n];
            names = new String[n];
            scales = new int[n];
            Types.MessageTypeBuilder message = Types.buildMessage();
            for (int i = 0; i < n; i++) {
                int c = i + 1;
                names[i] = meta.getColumnLabel(c);
                scales[i] = meta.getScale(c);
                Type.Repetition repetition = meta.isNullable(c) == ResultSetMetaData.columnNoNulls
                        ? Type.Repetition.REQUIRED : Type.Repetition.OPTIONAL;
                int precision = meta.getPrecision(c);
                switch (meta.getColumnType(c)) {
                    case java.sql.Types.BIGINT, java.sql.Types.INTEGER, java.sql.Types.SMALLINT, java.sql.Types.TINYINT -> {
                        kinds[i] = Kind.INT64;
                        message.addField(Types.primitive(PrimitiveTypeName.INT64, repetition)
                                .as(LogicalTypeAnnotation.intType(64, true)).named(names[i]));
                    }
                    case java.sql.Types.NUMERIC, java.sql.Types.DECIMAL -> {
                        if (precision < 1 || precision > 18) throw new IllegalArgumentException(
                                "decimal(" + precision + ") of " + names[i] + ": this reference writes up to 18 digits");
                        kinds[i] = precision <= 9 ? Kind.DECIMAL_INT32 : Kind.DECIMAL_INT64;
                        message.addField(Types.primitive(precision <= 9 ? PrimitiveTypeName.INT32 : PrimitiveTypeName.INT64,
                                repetition).as(LogicalTypeAnnotation.decimalType(scales[i], precision)).named(names[i]));
                    }
                    case java.sql.Types.DOUBLE, java.sql.Types.FLOAT -> {
                        kinds[i] = Kind.DOUBLE;
                        message.addField(Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(names[i]));
                    }
                    case java.sql.Types.BIT, java.sql.Types.BOOLEAN -> {
                        kinds[i] = Kind.BOOLEAN;
                        message.addField(Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(names[i]));
                    }
                    case java.sql.Types.TIMESTAMP, java.sql.Types.TIMESTAMP_WITH_TIMEZONE -> {
                        boolean utc = Pg.isTimestampTz(meta, c);
                        kinds[i] = utc ? Kind.TIMESTAMP_TZ : Kind.TIMESTAMP;
                        message.addField(Types.primitive(PrimitiveTypeName.INT64, repetition)
                                .as(LogicalTypeAnnotation.timestampType(utc, TimeUnit.MICROS)).named(names[i]));
                    }
                    default -> {
                        kinds[i] = Kind.STRING;
                        message.addField(Types.primitive(PrimitiveTypeName.BINARY, repetition)
                                .as(LogicalTypeAnnotation.stringType()).named(names[i]));
                    }
                }
            }
            schema = message.named("freight_export");
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
        public void prepareForWrite(RecordConsumer recordConsumer) {
            record = recordConsumer;
        }

        @Override
        public void write(ResultSet rs) {
            try {
                record.startMessage();
                for (int i = 0; i < kinds.length; i++) {
                    int c = i + 1;
                    switch (kinds[i]) {
                        case INT64 -> {
                            long v = rs.getLong(c);
                            if (!rs.wasNull()) field(i).addLong(v);
                        }
                        case DECIMAL_INT32, DECIMAL_INT64 -> {
                            BigDecimal v = rs.getBigDecimal(c);
                            if (v == null) continue;
                            long unscaled = v.setScale(scales[i]).unscaledValue().longValueExact();
                            if (kinds[i] == Kind.DECIMAL_INT32) field(i).addInteger(Math.toIntExact(unscaled));
                            else field(i).addLong(unscaled);
                        }
                        case DOUBLE -> {
                            double v = rs.getDouble(c);
                            if (!rs.wasNull()) field(i).addDouble(v);
                        }
                        case BOOLEAN -> {
                            boolean v = rs.getBoolean(c);
                            if (!rs.wasNull()) field(i).addBoolean(v);
                        }
                        case TIMESTAMP_TZ -> {
                            OffsetDateTime v = rs.getObject(c, OffsetDateTime.class);
                            if (v != null) field(i).addLong(v.toEpochSecond() * 1_000_000 + v.getNano() / 1_000);
                        }
                        case TIMESTAMP -> {
                            LocalDateTime v = rs.getObject(c, LocalDateTime.class);
                            if (v != null) field(i).addLong(v.toEpochSecond(ZoneOffset.UTC) * 1_000_000 + v.getNano() / 1_000);
                        }
                        case STRING -> {
                            String v = rs.getString(c);
                            if (v != null) field(i).addBinary(Binary.fromString(v));
                        }
                    }
                    if (open) {
                        record.endField(names[i], i);
                        open = false;
                    }
                }
                record.endMessage();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Starts field i (a NULL is simply not started) and returns the consumer to add its value to. */
        private RecordConsumer field(int i) {
            record.startField(names[i], i);
            open = true;
            return record;
        }
    }

    private static final class Builder extends ParquetWriter.Builder<ResultSet, Builder> {
        private final ResultSetWriteSupport support;

        Builder(OutputFile file, ResultSetWriteSupport support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<ResultSet> getWriteSupport(Configuration conf) {
            return support;
        }

        @Override
        protected WriteSupport<ResultSet> getWriteSupport(ParquetConfiguration conf) {
            return support;
        }
    }
}
