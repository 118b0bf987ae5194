package dev.freight.engine;

import dev.freight.source.Column;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Decodes PostgreSQL's binary COPY stream (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format")
 * into the same Java values {@link JdbcRowSource} reads through pgJDBC, one column type at a time: Long, BigDecimal
 * with the server's scale, Float or Double, Boolean, String, LocalDate, LocalTime, LocalDateTime, OffsetDateTime in
 * UTC, byte[]. ±infinity become the MAX and MIN values pgJDBC returns for them, a numeric NaN or ±Infinity a Double,
 * as {@link dev.freight.format.NonFinite} says.
 * <p>
 * Fed chunk by chunk as the driver hands them over. A tuple is decoded straight out of its chunk; only a tuple cut
 * by a chunk boundary is carried over into a buffer, which grows to the largest such tuple and no further.
 */
final class PgBinaryCopyDecoder {
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    /** Signature, flags, header-extension length. */
    private static final int HEADER = SIGNATURE.length + 8;
    /** PostgreSQL's dates and timestamps count from 2000-01-01. */
    private static final long EPOCH_DAY_2000 = 10_957;
    private static final long EPOCH_SECOND_2000 = EPOCH_DAY_2000 * 86_400;
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    /** A carried-over buffer grown past this by one huge tuple is dropped once that tuple is decoded. */
    private static final int KEEP_CARRY = 1 << 20;

    /** Decodes one non-NULL field from {@code len} bytes at {@code off}. */
    @FunctionalInterface
    interface Field {
        Object decode(byte[] b, int off, int len) throws SQLException;
    }

    private final Field[] fields;
    private final Object[] row;
    private byte[] carry = new byte[0];
    private int carried;
    private boolean headerRead;
    private boolean ended;
    /** Tuples decoded by the current {@link #feed}. */
    private int rows;

    PgBinaryCopyDecoder(List<Column> columns) {
        fields = new Field[columns.size()];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = field(columns.get(i));
            if (fields[i] == null) throw new IllegalArgumentException("no binary decoder for " + columns.get(i).describeType());
        }
        row = new Object[fields.length];
    }

    /** Whether the trailer arrived: the stream ended as it should, not cut short. */
    boolean ended() {
        return ended;
    }

    /** Decodes every tuple the chunk completes and hands each on in the one reused row array; returns their number. */
    int feed(byte[] chunk, RowSource.RowConsumer consumer) throws IOException, SQLException {
        rows = 0;
        if (carried == 0) {
            int used = decode(chunk, 0, chunk.length, consumer);
            if (used < chunk.length) carry(chunk, used, chunk.length - used);
            return rows;
        }
        carry(chunk, 0, chunk.length);
        int used = decode(carry, 0, carried, consumer);
        if (used == 0) return rows;  // still one incomplete tuple: nothing to move
        carried -= used;
        if (carried == 0 && carry.length > KEEP_CARRY) {
            carry = new byte[0];
        } else {
            System.arraycopy(carry, used, carry, 0, carried);
        }
        return rows;
    }

    private void carry(byte[] b, int off, int len) {
        if (carried + len > carry.length) carry = Arrays.copyOf(carry, Math.max(carried + len, carry.length * 2));
        System.arraycopy(b, off, carry, carried, len);
        carried += len;
    }

    /** Decodes the complete tuples in {@code b[pos, limit)}; returns where the first incomplete one starts. */
    private int decode(byte[] b, int pos, int limit, RowSource.RowConsumer consumer)
            throws IOException, SQLException {
        if (!headerRead) {
            if (limit - pos < HEADER) return pos;
            if (!Arrays.equals(b, pos, pos + SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
                throw new SQLException("the server's COPY stream does not start with the binary COPY signature", "08P01");
            }
            int extension = int32(b, pos + SIGNATURE.length + 4);
            if (limit - pos < HEADER + extension) return pos;
            pos += HEADER + extension;
            headerRead = true;
        }
        Field[] fields = this.fields;
        Object[] row = this.row;
        while (limit - pos >= 2) {
            if (ended) throw new SQLException("data after the end of the binary COPY stream", "08P01");
            int count = int16(b, pos);
            if (count == -1) {
                ended = true;
                pos += 2;
                continue;
            }
            if (count != fields.length) {
                throw new SQLException("a binary COPY tuple has " + count + " fields, expected " + fields.length, "08P01");
            }
            // First check the tuple is complete, then decode it: nothing is decoded twice.
            int p = pos + 2;
            for (int i = 0; i < count; i++) {
                if (limit - p < 4) return pos;
                int len = int32(b, p);
                p += 4;
                if (len > 0) {
                    if (limit - p < len) return pos;
                    p += len;
                }
            }
            p = pos + 2;
            for (int i = 0; i < count; i++) {
                int len = int32(b, p);
                p += 4;
                if (len < 0) {
                    row[i] = null;
                } else {
                    row[i] = fields[i].decode(b, p, len);
                    p += len;
                }
            }
            pos = p;
            rows++;
            consumer.accept(row);
        }
        return pos;
    }

    // ---------------------------------------------------------------------------------------------- the types

    /** PostgreSQL type names (as the catalog reports them) whose binary form {@link #field} decodes. */
    static final Set<String> INTEGERS = Set.of("int2", "int4", "int8", "smallserial", "serial", "bigserial");

    /**
     * How a column's binary form becomes the value JdbcRowSource reads, or null when its binary form is not decoded
     * here (a domain, {@code bit}, {@code timetz} …). Text-like columns of other types arrive as their text output
     * (see {@link PostgresBinaryRowSource#expression}), which is what pgJDBC's getString returns for them.
     */
    static Field field(Column column) {
        String name = column.sqlTypeName() == null ? "" : column.sqlTypeName().toLowerCase(Locale.ROOT);
        return switch (column.type()) {
            case INTEGER -> INTEGERS.contains(name) ? PgBinaryCopyDecoder::integer : null;
            case DECIMAL -> name.equals("numeric") ? PgBinaryCopyDecoder::numeric : null;
            case FLOAT -> {
                if (name.equals("float4") && column.jdbcType() == java.sql.Types.REAL) yield (b, off, len) -> Float.intBitsToFloat(int32(b, off));
                if (name.equals("float8") && column.jdbcType() != java.sql.Types.REAL) yield (b, off, len) -> Double.longBitsToDouble(int64(b, off));
                yield null;
            }
            case BOOLEAN -> name.equals("bool") ? (b, off, len) -> b[off] != 0 : null;
            case DATE -> name.equals("date") ? PgBinaryCopyDecoder::date : null;
            case TIME -> name.equals("time") ? PgBinaryCopyDecoder::time : null;
            case TIMESTAMP -> name.equals("timestamp") ? PgBinaryCopyDecoder::timestamp : null;
            case TIMESTAMP_TZ -> name.equals("timestamptz") ? PgBinaryCopyDecoder::timestamptz : null;
            case BINARY -> name.equals("bytea") ? (b, off, len) -> Arrays.copyOfRange(b, off, off + len) : null;
            case STRING, TEXT_LIKE -> switch (name) {
                case "uuid" -> PgBinaryCopyDecoder::uuid;
                // jsonb: a format version byte (1), then the text jsonb_out writes.
                case "jsonb" -> (b, off, len) -> new String(b, off + 1, len - 1, StandardCharsets.UTF_8);
                default -> PgBinaryCopyDecoder::text;
            };
        };
    }

    /** Whether the column's value is sent as it is stored ({@code false}: the SELECT sends its text output). */
    static boolean sentAsStored(Column column) {
        String name = column.sqlTypeName() == null ? "" : column.sqlTypeName().toLowerCase(Locale.ROOT);
        return !column.type().isText() || TEXT_AS_STORED.contains(name);
    }

    /**
     * Text types whose binary form is their text (in the client encoding, UTF-8), plus uuid and jsonb, decoded
     * above.
     */
    private static final Set<String> TEXT_AS_STORED = Set.of("text", "varchar", "bpchar", "name", "json", "jsonb", "uuid");

    private static Object integer(byte[] b, int off, int len) {
        return switch (len) {
            case 8 -> int64(b, off);
            case 4 -> (long) int32(b, off);
            default -> (long) int16(b, off);
        };
    }

    private static Object text(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.UTF_8);
    }

    private static Object uuid(byte[] b, int off, int len) {
        return new UUID(int64(b, off), int64(b, off + 8)).toString();
    }

    private static Object date(byte[] b, int off, int len) {
        int days = int32(b, off);
        if (days == Integer.MAX_VALUE) return LocalDate.MAX;
        if (days == Integer.MIN_VALUE) return LocalDate.MIN;
        return LocalDate.ofEpochDay(days + EPOCH_DAY_2000);
    }

    private static Object time(byte[] b, int off, int len) {
        long micros = int64(b, off);
        // 24:00:00 is a valid PostgreSQL time; pgJDBC reads it as the last instant of the day.
        return micros >= MICROS_PER_DAY ? LocalTime.MAX : LocalTime.ofNanoOfDay(micros * 1_000);
    }

    private static Object timestamp(byte[] b, int off, int len) {
        long micros = int64(b, off);
        if (micros == Long.MAX_VALUE) return LocalDateTime.MAX;
        if (micros == Long.MIN_VALUE) return LocalDateTime.MIN;
        return localDateTime(micros);
    }

    private static Object timestamptz(byte[] b, int off, int len) {
        long micros = int64(b, off);
        if (micros == Long.MAX_VALUE) return OffsetDateTime.MAX;
        if (micros == Long.MIN_VALUE) return OffsetDateTime.MIN;
        return OffsetDateTime.of(localDateTime(micros), ZoneOffset.UTC);
    }

    private static LocalDateTime localDateTime(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000L);
        int nanos = (int) Math.floorMod(micros, 1_000_000L) * 1_000;
        return LocalDateTime.ofEpochSecond(seconds + EPOCH_SECOND_2000, nanos, ZoneOffset.UTC);
    }

    private static final int NUMERIC_NEG = 0x4000;
    private static final int NUMERIC_NAN = 0xC000;
    private static final int NUMERIC_PINF = 0xD000;
    private static final int NUMERIC_NINF = 0xF000;

    /**
     * numeric: ndigits, weight, sign, dscale (int16 each), then ndigits base-10000 digits, the first worth
     * 10000^weight. The value is exact at the display scale {@code dscale}, as the text pgJDBC parses is.
     */
    private static Object numeric(byte[] b, int off, int len) {
        int ndigits = int16(b, off);
        int weight = int16(b, off + 2);
        int sign = int16(b, off + 4) & 0xFFFF;
        int dscale = int16(b, off + 6) & 0x3FFF;
        // No BigDecimal holds them: a Double does, as on the cursor path (NonFinite).
        if (sign == NUMERIC_NAN) return Double.NaN;
        if (sign == NUMERIC_PINF) return Double.POSITIVE_INFINITY;
        if (sign == NUMERIC_NINF) return Double.NEGATIVE_INFINITY;
        if (ndigits == 0) return BigDecimal.valueOf(0, dscale);
        // The digits as an integer, whose last digit is worth 10000^(weight - ndigits + 1).
        BigDecimal value;
        int scale = (ndigits - 1 - weight) * 4;
        if (ndigits <= 4) {
            long unscaled = 0;
            for (int i = 0; i < ndigits; i++) unscaled = unscaled * 10_000 + int16(b, off + 8 + 2 * i);
            value = BigDecimal.valueOf(sign == NUMERIC_NEG ? -unscaled : unscaled, scale);
        } else {
            StringBuilder digits = new StringBuilder(ndigits * 4 + 1);
            if (sign == NUMERIC_NEG) digits.append('-');
            for (int i = 0; i < ndigits; i++) {
                int d = int16(b, off + 8 + 2 * i);
                if (i > 0) {
                    if (d < 1000) digits.append('0');
                    if (d < 100) digits.append('0');
                    if (d < 10) digits.append('0');
                }
                digits.append(d);
            }
            value = new BigDecimal(new BigInteger(digits.toString()), scale);
        }
        // Digits past dscale are zero (the server rounds to it), so this only drops or adds zeros.
        return value.scale() == dscale ? value : value.setScale(dscale, RoundingMode.UNNECESSARY);
    }

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    static int int16(byte[] b, int off) {
        return (short) SHORT.get(b, off);
    }

    static int int32(byte[] b, int off) {
        return (int) INT.get(b, off);
    }

    static long int64(byte[] b, int off) {
        return (long) LONG.get(b, off);
    }
}
