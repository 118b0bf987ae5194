package dev.freight.http;

import dev.freight.query.Filter;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExportRequestParserTest {
    private static ExportRequestParser.Parsed parse(String json) {
        return ExportRequestParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static ApiProblem problem(String json) {
        try {
            parse(json);
        } catch (ApiProblem p) {
            return p;
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void everyFieldIsRead() {
        ExportRequestParser.Parsed p = parse("{\"dataset\": \"orders\", \"format\": \"json\", \"columns\": [\"id\"], "
                + "\"filters\": [{\"column\": \"unit_price\", \"op\": \"between\", \"value\": [1.50, 2]}], "
                + "\"sort\": [{\"column\": \"id\", \"dir\": \"desc\"}], \"row_limit\": 10, \"ids\": [1, \"2\"], "
                + "\"date_from\": \"2024-01-01\", \"date_to\": \"2024-02-01\", \"compress\": true, "
                + "\"options\": {\"labels\": {\"id\": \"Id\"}}, \"delivery\": \"async\"}");
        assertThat(p.delivery()).isEqualTo(Delivery.ASYNC);
        assertThat(p.request().dataset()).isEqualTo("orders");
        assertThat(p.request().filters()).containsExactly(new Filter("unit_price", "between",
                List.of(new BigDecimal("1.50"), 2L)));
        assertThat(p.request().rowLimit()).isEqualTo(10L);
        assertThat(p.request().ids()).containsExactly(1L, "2");
        assertThat(p.request().compress()).isTrue();
        assertThat(p.request().options()).isEqualTo(Map.of("labels", Map.of("id", "Id")));
    }

    @Test
    void deliveryDefaultsToAutoAndNullsMeanDefaults() {
        ExportRequestParser.Parsed p = parse("{\"dataset\": \"orders\", \"row_limit\": null, \"compress\": null}");
        assertThat(p.delivery()).isEqualTo(Delivery.AUTO);
        assertThat(p.request().rowLimit()).isNull();
        assertThat(p.request().compress()).isFalse();
    }

    @Test
    void aRequestWithDeliveriesRunsAsAJob() {
        ExportRequestParser.Parsed p = parse("{\"dataset\": \"orders\", \"notify_url\": \"https://hooks.example.com/x\"}");
        assertThat(p.delivery()).isEqualTo(Delivery.ASYNC);
        assertThat(p.plan().targets()).containsExactly(new dev.freight.delivery.DeliveryTarget.Webhook("https://hooks.example.com/x"));
        assertThat(parse("{\"dataset\": \"orders\"}").plan()).isSameAs(dev.freight.delivery.DeliveryPlan.NONE);
    }

    @Test
    void aSyncRequestWithDeliveriesIsRefused() {
        ApiProblem p = problem("{\"dataset\": \"orders\", \"delivery\": \"sync\", \"notify_email\": \"a@example.com\"}");
        assertThat(p.code()).isEqualTo("invalid_delivery");
        assertThat(p.getMessage()).startsWith("delivery sync streams the file in the response and cannot have deliveries");
    }

    @Test
    void decimalsKeepEveryDigit() {
        Filter f = parse("{\"dataset\": \"t\", \"filters\": [{\"column\": \"x\", \"op\": \"eq\", \"value\": "
                + "12345678901234567890.10}]}").request().filters().get(0);
        assertThat(f.value()).isEqualTo(new BigDecimal("12345678901234567890.10"));
    }

    @Test
    void duplicateKeysAreMalformed() {
        assertThat(problem("{\"dataset\": \"a\", \"dataset\": \"b\"}").code()).isEqualTo("malformed_json");
    }

    @Test
    void trailingGarbageIsMalformed() {
        assertThat(problem("{\"dataset\": \"a\"} x").code()).isEqualTo("malformed_json");
    }

    @Test
    void aFractionalRowLimitIsTheWrongType() {
        ApiProblem p = problem("{\"dataset\": \"a\", \"row_limit\": 1.5}");
        assertThat(p.code()).isEqualTo("invalid_type");
        assertThat(p.field()).isEqualTo("row_limit");
    }

    @Test
    void aColumnThatIsNotAStringIsTheWrongTypeAtItsIndex() {
        ApiProblem p = problem("{\"dataset\": \"a\", \"columns\": [\"id\", 7]}");
        assertThat(p.field()).isEqualTo("columns[1]");
        assertThat(p.getMessage()).contains("number 7");
    }

    @Test
    void aFilterValueThatIsAnObjectIsTheWrongType() {
        ApiProblem p = problem("{\"dataset\": \"a\", \"filters\": [{\"column\": \"id\", \"op\": \"eq\", \"value\": {}}]}");
        assertThat(p.field()).isEqualTo("filters[0].value");
    }

    @Test
    void aSortKeyWithAnUnknownFieldIsRefused() {
        ApiProblem p = problem("{\"dataset\": \"a\", \"sort\": [{\"column\": \"id\", \"direction\": \"desc\"}]}");
        assertThat(p.code()).isEqualTo("unknown_field");
        assertThat(p.field()).isEqualTo("sort[0].direction");
    }

    @Test
    void optionsMustBeAnObject() {
        assertThatThrownBy(() -> parse("{\"dataset\": \"a\", \"options\": [\"bom\"]}"))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.field()).isEqualTo("options"));
    }
}
