package dev.freight.engine;

import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.format.FormatWriter;
import dev.freight.format.WriterContext;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text fields of MariaDB rows, written from their bytes, against the generic CSV writer fed the String the driver
 * would have decoded: the same bytes for well-formed UTF-8 and for byte sequences the decoder repairs (which the
 * database tests cannot produce: the server only sends well-formed UTF-8).
 */
class TextRowCsvWriterTest {
    private static final List<byte[]> VALUES = List.of(
            bytes(0xFF), bytes(0xC0, 0x80), bytes(0xED, 0xA0, 0x80), bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xE2, 0x82),
            bytes(0xE2, 0x82, '"'), bytes('=', 0xFF), bytes(0xF0, 0x9F, 0x9A), bytes('a', ';', 0xC3), bytes(0x80),
            bytes(0xEF, 0xBB, 0xBF, '=', '1'), bytes(0xE3, 0x80, 0x80, '-', '1'), bytes(0xC2, 0xA0, '@'),
            utf8("🚚 ok"), utf8("＝1+1"), utf8("a,＋1"), utf8("#hash"), utf8("'quoted'"), utf8("\"=x\""), utf8(""),
            utf8("\t=1"), utf8("\r\n"), utf8("a;b"), utf8("plain"), utf8("x'y"), utf8("ü, =1"));

    static Stream<Arguments> options() {
        List<Arguments> all = new ArrayList<>();
        for (String delimiter : List.of(",", ";", "tab", "'", "a", "=")) {
            for (boolean sanitize : List.of(true, false)) all.add(Arguments.of(delimiter, sanitize));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "delimiter={0} sanitize_formulas={1}")
    @MethodSource("options")
    void textBytesAreWrittenAsTheGenericWriterWritesTheirString(String delimiter, boolean sanitize) throws IOException {
        FormatOptions options = FormatOptions.parse(ExportFormat.CSV,
                Map.of("delimiter", delimiter, "sanitize_formulas", sanitize, "header", false));
        List<Column> columns = List.of(text("first"), text("second"));

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        FormatWriter generic = ExportFormat.CSV.writer(expected, columns, List.of("first", "second"), options,
                new WriterContext("t", "", Instant.EPOCH, null, 1));
        generic.begin();
        ByteArrayOutputStream actual = new ByteArrayOutputStream();
        TextRowCsvWriter writer = new TextRowCsvWriter(actual, columns,
                new TextRowCsvWriter.Kind[]{TextRowCsvWriter.Kind.TEXT, TextRowCsvWriter.Kind.TEXT}, options);
        for (byte[] first : VALUES) {
            for (byte[] second : List.of(first, utf8("x"))) {
                generic.writeRow(new Object[]{decoded(first), decoded(second)});
                writer.writeRow(batchOf(first, second), 0);
            }
        }
        generic.finish();
        writer.flush();

        assertThat(actual.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString(StandardCharsets.UTF_8));
        assertThat(actual.toByteArray()).isEqualTo(expected.toByteArray());
    }

    /** One row as the reader hands it over: a packet of two length-prefixed fields. */
    private static MariaDbTextCsvExport.Batch batchOf(byte[] first, byte[] second) {
        byte[] row = new byte[2 + first.length + second.length];
        row[0] = (byte) first.length;
        System.arraycopy(first, 0, row, 1, first.length);
        row[1 + first.length] = (byte) second.length;
        System.arraycopy(second, 0, row, 2 + first.length, second.length);
        return new MariaDbTextCsvExport.Batch(new byte[][]{row}, new int[]{1, 2 + first.length},
                new int[]{first.length, second.length}, new Object[1][], 1);
    }

    private static String decoded(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static Column text(String name) {
        return new Column(name, ColumnType.STRING, "varchar", Types.VARCHAR, true, 100, 0);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }
}
