package dev.freight.error;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class MessagesTest {

    @Test
    void shortValuesAreQuotedWhole() {
        assertThat(Messages.shorten("orders")).isEqualTo("orders");
        assertThat(Messages.shorten(null)).isEqualTo("null");
        assertThat(Messages.shorten(42)).isEqualTo("42");
        assertThat(Messages.shorten("x".repeat(Messages.MAX_QUOTED))).hasSize(Messages.MAX_QUOTED);
    }

    @Test
    void longValuesKeepTheirStart() {
        String s = Messages.shorten("abc" + "x".repeat(100_000));
        assertThat(s).hasSize(Messages.MAX_QUOTED).startsWith("abcxxx").endsWith("x...");
    }

    @Test
    void controlCharactersAreWrittenOutSoNoLogLineCanBeForged() {
        assertThat(Messages.shorten("a\nb\r\tc\u0000d\u007fe\u0085f\u2028g\u2029h\u202Ei"))
                .isEqualTo("a\\nb\\r\\tc\\u0000d\\u007Fe\\u0085f\\u2028g\\u2029h\\u202Ei");
        String shown = Messages.shorten("\n".repeat(1_000));
        assertThat(shown).hasSizeLessThanOrEqualTo(Messages.MAX_QUOTED).startsWith("\\n\\n").endsWith("\\n...")
                .doesNotContain("\n");
        assertThat(Messages.shorten("x".repeat(70) + "\u0001".repeat(3))).isEqualTo("x".repeat(70) + "\\u0001...");
    }

    @Test
    void aSurrogatePairIsNeverCutInTwo() {
        String s = Messages.shorten("x".repeat(Messages.MAX_QUOTED - 4) + "😀😀😀");
        assertThat(s).endsWith("x...");
        assertThat(Messages.shorten("😀 fine")).isEqualTo("😀 fine");
    }

    @Test
    void choicesAreListedUpToAMaximum() {
        assertThat(Messages.choices(List.of())).isEqualTo("(none)");
        assertThat(Messages.choices(List.of("a", "b"))).isEqualTo("a, b");
        List<String> many = IntStream.range(0, 40).mapToObj(i -> "t" + i).toList();
        assertThat(Messages.choices(many)).startsWith("t0, t1, ").endsWith("t29, … (40 in all)");
        List<String> longNames = IntStream.range(0, 20).mapToObj(i -> i + "_" + "n".repeat(60)).toList();
        String shown = Messages.choices(longNames);
        assertThat(shown).hasSizeLessThan(Messages.MAX_CHOICES_LENGTH + 20).startsWith("0_nnn").endsWith(", … (20 in all)");
        assertThat(Messages.choices(List.of("x".repeat(1_000)))).hasSize(1_000);
    }

    @Test
    void theOneWordingForAnUnknownName() {
        assertThat(Messages.unknown("dataset", "ordrs", List.of("customers", "orders")))
                .isEqualTo("unknown dataset 'ordrs'; datasets: customers, orders");
        assertThat(Messages.unknown("status", "done", "pending, running"))
                .isEqualTo("unknown status 'done'; statuses: pending, running");
        assertThat(Messages.unknown("delivery", "now", "sync, async, auto"))
                .isEqualTo("unknown delivery 'now'; deliveries: sync, async, auto");
        assertThat(Messages.unknown("column", "nope", "in dataset 'orders'", List.of("id", "status")))
                .isEqualTo("unknown column 'nope' in dataset 'orders'; columns: id, status");
        assertThat(Messages.required("dataset", List.of())).isEqualTo("dataset is required; datasets: (none)");
        assertThat(Messages.unknown("format", "x\ny".repeat(100), List.of("csv"))).hasSizeLessThan(120)
                .doesNotContain("\n");
    }

    @Test
    void plurals() {
        assertThat(List.of("dataset", "status", "delivery", "key", "box", "match", "audit action"))
                .map(Messages::plural)
                .containsExactly("datasets", "statuses", "deliveries", "keys", "boxes", "matches", "audit actions");
    }
}
