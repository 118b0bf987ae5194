package dev.freight.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freight.error.ProblemCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document lists exactly the codes of {@link ProblemCode}, and every schema with a code points there. */
class OpenApiProblemCodesTest {

    @Test
    void theDocumentListsEveryProblemCodeAndNoOther() throws IOException {
        JsonNode schemas = new ObjectMapper().readTree(OpenApi.document()).get("components").get("schemas");
        JsonNode codes = schemas.get("ProblemCode");
        List<String> listed = new ArrayList<>();
        List<String> patterns = new ArrayList<>();
        for (JsonNode c : codes.get("oneOf")) {
            assertThat(c.get("description").asText()).isNotBlank();
            if (c.has("const")) listed.add(c.get("const").asText());
            else patterns.add(c.get("pattern").asText());
        }
        assertThat(listed).containsExactlyElementsOf(Arrays.stream(ProblemCode.values()).map(ProblemCode::code).toList());
        assertThat(patterns).containsExactly(ProblemCode.HTTP_STATUS_PATTERN);

        String ref = "#/components/schemas/ProblemCode";
        assertThat(schemas.get("Problem").get("properties").get("code").get("$ref").asText()).isEqualTo(ref);
        assertThat(schemas.get("Job").get("properties").get("error_code").get("anyOf").get(0).get("$ref").asText())
                .isEqualTo(ref);
        assertThat(schemas.get("AuditEvent").get("properties").get("code").get("anyOf").get(0).get("$ref").asText())
                .isEqualTo(ref);
    }

    @Test
    void eachCodeSaysItsStatus() throws IOException {
        JsonNode codes = new ObjectMapper().readTree(OpenApi.document()).get("components").get("schemas")
                .get("ProblemCode").get("oneOf");
        assertThat(codes.get(ProblemCode.UNKNOWN_COLUMN.ordinal()).get("description").asText())
                .isEqualTo("400: " + ProblemCode.UNKNOWN_COLUMN.meaning());
        assertThat(codes.get(ProblemCode.WORKER_LOST.ordinal()).get("description").asText())
                .startsWith("(no HTTP answer) ");
    }
}
