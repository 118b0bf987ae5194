package dev.freight.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freight.error.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The delivery fields of an export request, read strictly, and the plan as stored with its job. */
class DeliveryPlansTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode body(String json) throws Exception {
        return JSON.readTree(json);
    }

    private static InvalidRequestException refused(String json) {
        return (InvalidRequestException) org.assertj.core.api.Assertions.catchThrowable(() -> DeliveryPlans.parse(body(json)));
    }

    @Test
    void aRequestWithoutDeliveryFieldsHasNoPlan() throws Exception {
        assertThat(DeliveryPlans.parse(body("{\"dataset\": \"orders\"}"))).isSameAs(DeliveryPlan.NONE);
        assertThat(DeliveryPlan.NONE.isEmpty()).isTrue();
        assertThat(DeliveryPlan.NONE.condition()).isNull();
    }

    @Test
    void everyKindOfTargetIsReadInOrderThenNotifyUrlAndNotifyEmail() throws Exception {
        DeliveryPlan plan = DeliveryPlans.parse(body("""
                {"dataset": "orders",
                 "deliveries": [{"type": "email", "to": ["ops@example.com", "b@example.org"], "subject": "Paid orders"},
                                {"type": "webhook", "url": "https://hooks.example.com/freight"},
                                {"type": "storage", "target": "archive", "name": "{dataset}/{yyyy}/{MM}/{dd}/{schedule}.csv"}],
                 "notify_url": "http://hooks.example.com/once", "notify_email": "me@example.com",
                 "condition": "rows>0"}"""));
        assertThat(plan.targets()).containsExactly(
                new DeliveryTarget.Email(List.of("ops@example.com", "b@example.org"), "Paid orders"),
                new DeliveryTarget.Webhook("https://hooks.example.com/freight"),
                new DeliveryTarget.Storage("archive", "{dataset}/{yyyy}/{MM}/{dd}/{schedule}.csv"),
                new DeliveryTarget.Webhook("http://hooks.example.com/once"),
                new DeliveryTarget.Email(List.of("me@example.com"), null));
        assertThat(plan.condition()).isEqualTo("rows > 0");
    }

    @Test
    void aStoredPlanReadsBackEqual() throws Exception {
        DeliveryPlan plan = DeliveryPlans.parse(body("""
                {"deliveries": [{"type": "email", "to": "ops@example.com", "subject": "Ünïcode \\"quoted\\""},
                                {"type": "webhook", "url": "https://hooks.example.com/x?a=1&b=2"},
                                {"type": "storage", "target": "archive"}],
                 "condition": "max(sum_unit_price) >= 10000.50"}"""));
        assertThat(DeliveryPlans.fromJson(DeliveryPlans.toJson(plan))).isEqualTo(plan);
        assertThat(DeliveryPlans.fromJson(DeliveryPlans.toJson(DeliveryPlan.NONE))).isEqualTo(DeliveryPlan.NONE);
        assertThat(DeliveryPlans.fromJson(null)).isSameAs(DeliveryPlan.NONE);
        DeliveryPlan conditionOnly = new DeliveryPlan(List.of(), "rows == 0");
        assertThat(DeliveryPlans.fromJson(DeliveryPlans.toJson(conditionOnly))).isEqualTo(conditionOnly);
    }

    @Test
    void aStorageTargetWithoutANameUsesTheDefaultTemplate() throws Exception {
        DeliveryPlan plan = DeliveryPlans.parse(body("{\"deliveries\": [{\"type\": \"storage\", \"target\": \"archive\"}]}"));
        assertThat(plan.targets()).containsExactly(new DeliveryTarget.Storage("archive", StorageNames.DEFAULT));
    }

    @Test
    void anUnknownTypeIsRefusedNamingTheEntryAndTheTypes() {
        InvalidRequestException e = refused("{\"deliveries\": [{\"type\": \"webhook\", \"url\": \"https://a.example\"}, {\"type\": \"sms\"}]}");
        assertThat(e.code()).isEqualTo("invalid_delivery_target");
        assertThat(e.field()).isEqualTo("deliveries[1].type");
        assertThat(e.getMessage()).isEqualTo("unknown delivery type 'sms'; delivery types: email, storage, webhook");
    }

    @Test
    void aBadUrlIsRefused() {
        assertThat(refused("{\"notify_url\": \"ftp://files.example.com/x\"}").getMessage())
                .isEqualTo("notify_url must be an http or https URL, got \"ftp://files.example.com/x\"");
        assertThat(refused("{\"deliveries\": [{\"type\": \"webhook\", \"url\": \"https://user:pw@hooks.example.com/\"}]}"))
                .extracting(InvalidRequestException::field, InvalidRequestException::getMessage)
                .containsExactly("deliveries[0].url", "deliveries[0].url must not carry a user name or password");
        assertThat(refused("{\"deliveries\": [{\"type\": \"webhook\"}]}").getMessage())
                .isEqualTo("deliveries[0].url must be a string and is missing");
        assertThat(refused("{\"notify_url\": \"https:// spaces .com\"}").getMessage()).startsWith("notify_url is not a valid URL");
    }

    @Test
    void aBadEmailIsRefused() {
        InvalidRequestException e = refused("{\"notify_email\": [\"ops@example.com\", \"not an address\"]}");
        assertThat(e.field()).isEqualTo("notify_email[1]");
        assertThat(e.getMessage()).isEqualTo("notify_email[1] is not an email address: \"not an address\" (expected name@example.com)");
        assertThat(refused("{\"deliveries\": [{\"type\": \"email\", \"to\": []}]}").getMessage())
                .isEqualTo("deliveries[0].to lists no address");
        assertThat(refused("{\"deliveries\": [{\"type\": \"email\", \"to\": \"a@example.com\", \"subject\": \"two\\nlines\"}]}")
                .field()).isEqualTo("deliveries[0].subject");
    }

    @Test
    void aFieldOfAnotherTypeIsRefused() {
        assertThat(refused("{\"deliveries\": [{\"type\": \"webhook\", \"url\": \"https://a.example\", \"to\": \"x@example.com\"}]}")
                .getMessage()).isEqualTo("unknown field 'deliveries[0].to'; fields: type, url (of a webhook delivery)");
    }

    @Test
    void aStorageNameThatLeavesItsTargetIsRefused() {
        assertThat(refused("{\"deliveries\": [{\"type\": \"storage\", \"target\": \"archive\", \"name\": \"../{job}.csv\"}]}")
                .field()).isEqualTo("deliveries[0].name");
        assertThat(refused("{\"deliveries\": [{\"type\": \"storage\", \"target\": \"archive\", \"name\": \"/abs/{job}.csv\"}]}")
                .field()).isEqualTo("deliveries[0].name");
        assertThat(refused("{\"deliveries\": [{\"type\": \"storage\", \"target\": \"archive\", \"name\": \"{nope}.csv\"}]}")
                .getMessage()).startsWith("unknown placeholder {nope} in storage name \"{nope}.csv\"");
    }

    @Test
    void aBadConditionIsRefused() {
        InvalidRequestException e = refused("{\"condition\": \"rows >> 0\"}");
        assertThat(e.code()).isEqualTo("invalid_condition");
        assertThat(e.field()).isEqualTo("condition");
        assertThat(e.getMessage()).startsWith("condition \"rows >> 0\" is not understood; expected rows <op> <number>");
        assertThat(refused("{\"condition\": \"median(sum_unit_price) > 3\"}").getMessage())
                .isEqualTo("condition \"median(sum_unit_price) > 3\": unknown aggregate 'median'; aggregates: max, min, sum, avg");
        assertThat(refused("{\"condition\": \"rows > 1.5\"}").getMessage())
                .isEqualTo("condition \"rows > 1.5\": a row count is compared with a whole number, got 1.5");
        assertThat(refused("{\"condition\": 5}").getMessage()).isEqualTo("condition must be a string such as \"rows > 0\", got number 5");
    }

    @Test
    void conditionsHoldOnTheRowCountOrAMeasureAggregate() {
        assertThat(DeliveryCondition.parse("rows > 0", "c").holds(1, java.util.Map.of())).isTrue();
        assertThat(DeliveryCondition.parse("rows > 0", "c").holds(0, java.util.Map.of())).isFalse();
        assertThat(DeliveryCondition.parse("rows == 0", "c").holds(0, java.util.Map.of())).isTrue();
        DeliveryCondition max = DeliveryCondition.parse("max(sum_unit_price) > 10000", "c");
        assertThat(max.holds(3, java.util.Map.of("sum_unit_price",
                java.util.Map.of(DeliveryCondition.Aggregate.MAX, new java.math.BigDecimal("10000.01"))))).isTrue();
        assertThat(max.holds(3, java.util.Map.of("sum_unit_price",
                java.util.Map.of(DeliveryCondition.Aggregate.MAX, new java.math.BigDecimal("10000"))))).isFalse();
        assertThat(max.holds(0, java.util.Map.of())).as("no value: never holds").isFalse();
    }

    @Test
    void aThresholdWithAnAbsurdExponentIsRefusedWithoutWritingItOut() {
        // 1e999999999 written out is a billion digits: the node that stored and showed it ran out of memory.
        InvalidRequestException e = refused("{\"condition\": \"rows > 1e999999999\"}");
        assertThat(e.code()).isEqualTo("invalid_condition");
        assertThat(e.getMessage()).isEqualTo("condition \"rows > 1e999999999\": the threshold must be a number of at most "
                + "100 digits");
        assertThat(refused("{\"condition\": \"max(sum_unit_price) > 1e-999999999\"}").code()).isEqualTo("invalid_condition");
        assertThat(DeliveryCondition.parse("max(sum_unit_price) > 1e50", "c").toString())
                .isEqualTo("max(sum_unit_price) > 1" + "0".repeat(50));
    }

    @Test
    void anEmailSubjectNamingAnUnknownPlaceholderIsRefused() throws Exception {
        InvalidRequestException e = refused("{\"deliveries\": [{\"type\": \"email\", \"to\": \"a@example.com\", "
                + "\"subject\": \"{row} paid orders\"}]}");
        assertThat(e.field()).isEqualTo("deliveries[0].subject");
        assertThat(e.getMessage()).isEqualTo("unknown placeholder {row} in deliveries[0].subject; expected "
                + "[dataset, format, job, rows, schedule, status]");
        DeliveryPlan plan = DeliveryPlans.parse(body("{\"deliveries\": [{\"type\": \"email\", \"to\": \"a@example.com\", "
                + "\"subject\": \"{rows} rows of {dataset} {not a placeholder}\"}]}"));
        assertThat(((DeliveryTarget.Email) plan.targets().get(0)).subject()).isEqualTo("{rows} rows of {dataset} {not a placeholder}");
    }

    @Test
    void aStorageNameNoFileSystemTakesIsRefused() {
        String longPart = "a".repeat(256);
        assertThat(refused("{\"deliveries\": [{\"type\": \"storage\", \"target\": \"archive\", \"name\": \"x/" + longPart
                + ".csv\"}]}").field()).isEqualTo("deliveries[0].name");
        assertThat(refused("{\"deliveries\": [{\"type\": \"storage\", \"target\": \"archive\", \"name\": \""
                + "abc/".repeat(300) + "x.csv\"}]}").getMessage()).isEqualTo("storage name is longer than 1000 characters");
    }
}
