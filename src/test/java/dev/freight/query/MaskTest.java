package dev.freight.query;

import dev.freight.source.Column;
import dev.freight.source.ColumnType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Types;
import java.time.LocalDate;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** What each mask makes of a value, including the inputs nobody plans for. */
class MaskTest {

    @Test
    void emailKeepsTheFirstCharacterAndTheDomain() {
        assertThat(Mask.EMAIL.apply("jane.doe@example.com")).isEqualTo("j***@example.com");
    }

    @Test
    void emailWithoutAnAtSignKeepsOnlyTheFirstCharacter() {
        assertThat(Mask.EMAIL.apply("not-an-address")).isEqualTo("n***");
    }

    @Test
    void emailOfEmptyTextOrAnEmptyLocalPartShowsNothingOfIt() {
        assertThat(Mask.EMAIL.apply("")).isEqualTo("***");
        assertThat(Mask.EMAIL.apply("@example.com")).isEqualTo("***@example.com");
    }

    @Test
    void emailSplitsAtTheLastAtSign() {
        assertThat(Mask.EMAIL.apply("\"a@b\"@example.com")).isEqualTo("\"***@example.com");
    }

    @Test
    void emailKeepsAWholeCharacterOutsideTheBasicPlane() {
        assertThat(Mask.EMAIL.apply("𝒜lice@例え.jp")).isEqualTo("𝒜***@例え.jp");
        assertThat(Mask.EMAIL.apply("zoë@example.com")).isEqualTo("z***@example.com");
    }

    @Test
    void last4StarsAllButTheLastFourCharacters() {
        assertThat(Mask.LAST4.apply("4111111111111234")).isEqualTo("************1234");
        assertThat(Mask.LAST4.apply("12345")).isEqualTo("*2345");
    }

    @Test
    void last4StarsShortValuesCompletelySinceTheirLastFourAreAllOfThem() {
        assertThat(Mask.LAST4.apply("1234")).isEqualTo("****");
        assertThat(Mask.LAST4.apply("12")).isEqualTo("**");
        assertThat(Mask.LAST4.apply("")).isEqualTo("");
    }

    @Test
    void last4CountsCharactersNotUtf16Units() {
        assertThat(Mask.LAST4.apply("ab😀cde")).isEqualTo("**😀cde");
    }

    @Test
    void last4OfANumberWorksOnItsDigits() {
        assertThat(Mask.LAST4.apply(123456789L)).isEqualTo("*****6789");
        assertThat(Mask.LAST4.apply(new BigDecimal("1E+3"))).as("plain digits: 1000").isEqualTo("****");
    }

    @Test
    void hashIsTheStableHexSha256OfTheText() throws Exception {
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("123-45-6789".getBytes(StandardCharsets.UTF_8)));
        assertThat(Mask.HASH.apply("123-45-6789")).isEqualTo(expected).isEqualTo(Mask.HASH.apply("123-45-6789"));
        assertThat((String) Mask.HASH.apply("")).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(Mask.HASH.apply(42L)).isEqualTo(Mask.HASH.apply("42"));
        assertThat(Mask.HASH.apply(LocalDate.of(2024, 1, 2))).isEqualTo(Mask.HASH.apply("2024-01-02"));
    }

    @Test
    void nullStaysNullUnderEveryMask() {
        for (Mask m : Mask.values()) assertThat(m.apply(null)).as(m.wireName()).isNull();
    }

    @Test
    void theNullMaskHidesEveryValue() {
        assertThat(Mask.NULL.apply("secret")).isNull();
        assertThat(Mask.NULL.apply(12L)).isNull();
    }

    @Test
    void maskedColumnsBecomeTextExceptUnderTheNullMask() {
        Column price = new Column("price", ColumnType.DECIMAL, "numeric", Types.NUMERIC, false, 10, 2);
        assertThat(Mask.HASH.resultColumn(price).type()).isEqualTo(ColumnType.STRING);
        assertThat(Mask.LAST4.resultType(ColumnType.INTEGER)).isEqualTo(ColumnType.STRING);
        assertThat(Mask.EMAIL.resultColumn(price).nullable()).isTrue();
        assertThat(Mask.NULL.resultColumn(price)).isEqualTo(price);
    }

    @Test
    void masksAreNamedAsInTheConfig() {
        assertThat(Mask.fromWire("email")).contains(Mask.EMAIL);
        assertThat(Mask.fromWire("LAST4")).contains(Mask.LAST4);
        assertThat(Mask.fromWire("null")).contains(Mask.NULL);
        assertThat(Mask.fromWire("last-4")).isEmpty();
        assertThat(Mask.choices()).isEqualTo("email, last4, hash, null");
    }
}
