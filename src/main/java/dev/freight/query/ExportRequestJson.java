package dev.freight.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** An export request as stored with its job: snake_case JSON, decimals kept exact. */
public final class ExportRequestJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ExportRequestJson() {
    }

    public static String write(ExportRequest request) {
        try {
            return MAPPER.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise export request: " + e.getMessage(), e);
        }
    }

    /**
     * Whether two requests ask for the same export, as stored: compared as JSON trees of their stored form, so a
     * value that went through the job store (1 vs 1L, a list vs an immutable list) still compares equal.
     */
    public static boolean sameRequest(ExportRequest a, ExportRequest b) {
        try {
            return MAPPER.readTree(write(a)).equals(MAPPER.readTree(write(b)));
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    public static ExportRequest read(String json) {
        try {
            return MAPPER.readValue(json, ExportRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored export request is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
