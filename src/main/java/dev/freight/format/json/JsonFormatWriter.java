package dev.freight.format.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.freight.format.CellText;
import dev.freight.format.FormatOptions;
import dev.freight.format.FormatWriter;
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
        for (int i = 0; i < names.length; i++) {
            names[i] = new SerializedString(labels.get(i));
            types[i] = columns.get(i).type();
            text[i] = CellText.forType(types[i], options);
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
                case DECIMAL -> JsonDecimals.write(json, (BigDecimal) v);
                case FLOAT -> writeFloating((Number) v);
                case BOOLEAN -> json.writeBoolean((Boolean) v);
                default -> json.writeString(text[i].apply(v));
            }
        }
        json.writeEndObject();
        if (lines) json.writeRaw('\n');
    }

    private void writeFloating(Number v) throws IOException {
        double d = v.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            json.writeString(Double.toString(d));
        } else {
            json.writeNumber(CellText.floating(v));
        }
    }

    @Override
    public void finish() throws IOException {
        if (!lines) json.writeEndArray();
        json.flush();
    }
}
