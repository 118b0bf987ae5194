package dev.freight.format.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * Decimals in JSON digit for digit, whatever their scale. Jackson's WRITE_BIGDECIMAL_AS_PLAIN refuses a scale
 * beyond ±9999 (PostgreSQL's numeric holds 16,383 digits after the point), failing the whole document; here such a
 * number is written in exponent form instead, which is still an exact JSON number.
 */
public final class JsonDecimals {
    /** The largest scale Jackson writes as plain digits; past it, plain text would also run to many kilobytes. */
    static final int PLAIN_SCALE_LIMIT = 9999;

    private JsonDecimals() {
    }

    public static String text(BigDecimal d) {
        return Math.abs((long) d.scale()) <= PLAIN_SCALE_LIMIT ? d.toPlainString() : d.toString();
    }

    public static void write(JsonGenerator json, BigDecimal d) throws IOException {
        json.writeNumber(text(d));
    }

    /** For an ObjectMapper: every BigDecimal it writes goes through {@link #write}. */
    public static SimpleModule module() {
        return new SimpleModule("freight-decimals").addSerializer(BigDecimal.class, new StdSerializer<>(BigDecimal.class) {
            @Override
            public void serialize(BigDecimal value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                write(gen, value);
            }
        });
    }
}
