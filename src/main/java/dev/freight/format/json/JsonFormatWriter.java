package dev.freight.format.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.freight.format.CellChars;
import dev.freight.format.CellText;
import dev.freight.format.FormatOptions;
import dev.freight.format.FormatWriter;
import dev.freight.format.NonFinite;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Function;

/**
 * JSON (one array of objects) and NDJSON (one object per line) through Jackson's streaming generator. Numbers
 * stay numbers (decimals written plain, digit for digit), booleans stay booleans, NULL is null; NaN and
 * infinities, which JSON cannot express as numbers, are written as strings.
 */
final class JsonFormatWriter implements FormatWriter {
    private static final JsonFactory FACTORY = new com.fasterxml.jackson.core.JsonFactoryBuilder()
            .rootValueSeparator((String) null)
            .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private final JsonGenerator json;
    private final boolean lines;
    private final SerializableString[] names;
    private final ColumnType[] types;
    private final Function<Object, String>[] text;
    /** Per column: whether its text is the canonical one, which {@link CellChars} writes without a String. */
    private final boolean[] canonical;
    private final java.time.ZoneId zone;
    private final char[] chars = new char[CellChars.BUFFER_SIZE];

    @SuppressWarnings("unchecked")
    JsonFormatWriter(OutputStream out, List<Column> columns, List<String> labels, FormatOptions options, boolean lines) {
        try {
            this.json = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        this.lines = lines;
        this.names = new SerializableString[columns.size()];
        this.types = new ColumnType[columns.size()];
        this.text = new Function[columns.size()];
        this.canonical = new boolean[columns.size()];
        this.zone = options.timeZone();
        for (int i = 0; i < names.length; i++) {
            names[i] = new SerializedString(labels.get(i));
            types[i] = columns.get(i).type();
            text[i] = CellText.forType(types[i], options);
            canonical[i] = switch (types[i]) {
                case DATE -> options.dateFormat() == null;
                case TIMESTAMP, TIMESTAMP_TZ -> options.timestampFormat() == null;
                case TIME -> true;
                default -> false;
            };
        }
    }

    @Override
    public void begin() throws IOException {
        if (!lines) json.writeStartArray();
    }

    @Override
    public void writeRow(Object[] row) throws IOException {
        json.writeStartObject();
        for (int i = 0; i < row.length; i++) {
            json.writeFieldName(names[i]);
            Object v = row[i];
            if (v == null) {
                json.writeNull();
                continue;
            }
            switch (types[i]) {
                // Numbers and booleans keep their JSON types; number_locale and bool_text are for text formats.
                case INTEGER -> json.writeNumber((Long) v);
                // A numeric NaN or infinity (NonFinite) is a string, as a float's is: JSON has no such numbers.
                case DECIMAL -> {
                    if (v instanceof BigDecimal d) writeDecimal(d);
                    else json.writeString(NonFinite.numberText(v));
                }
                case FLOAT -> writeFloating((Number) v);
                case BOOLEAN -> json.writeBoolean((Boolean) v);
                case DATE, TIME, TIMESTAMP, TIMESTAMP_TZ -> writeTemporal(i, v);
                default -> json.writeString(text[i].apply(v));
            }
        }
        json.writeEndObject();
        if (lines) json.writeRaw('\n');
    }

    private void writeDecimal(BigDecimal v) throws IOException {
        int n = CellChars.decimal(v, chars);
        if (n < 0) {
            JsonDecimals.write(json, v);
        } else {
            json.writeNumber(chars, 0, n);
        }
    }

    private void writeFloating(Number v) throws IOException {
        double d = v.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            json.writeString(Double.toString(d));
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            // CellText.floating's whole numbers, as digits straight into the output.
            json.writeNumber((long) d);
        } else {
            json.writeNumber(CellText.floating(v));
        }
    }

    private void writeTemporal(int column, Object v) throws IOException {
        int n = !canonical[column] || NonFinite.isStoredText(v) ? -1 : switch (types[column]) {
            case DATE -> CellChars.date((java.time.LocalDate) v, chars);
            case TIME -> CellChars.time((java.time.LocalTime) v, chars);
            case TIMESTAMP -> CellChars.timestamp((java.time.LocalDateTime) v, chars);
            default -> CellChars.timestamp((java.time.OffsetDateTime) v, zone, chars);
        };
        if (n < 0) {
            json.writeString(text[column].apply(v));
        } else {
            json.writeString(chars, 0, n);
        }
    }

    @Override
    public void finish() throws IOException {
        if (!lines) json.writeEndArray();
        json.flush();
    }

    /**
     * NDJSON lines stand alone. In an array the generator writes a comma before every element but the first, so it is
     * taken past a first element ({@code [{}}, which the caller drops) to write the next row as one that follows.
     */
    @Override
    public void resume() throws IOException {
        if (lines) return;
        json.writeStartArray();
        json.writeStartObject();
        json.writeEndObject();
    }

    @Override
    public void flushRows() throws IOException {
        json.flush();
    }
}
