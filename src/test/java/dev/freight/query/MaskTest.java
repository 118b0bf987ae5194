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

    private static final byte[] KEY = "mask-test-key-0123456789abcdefghijklmnop".getBytes(StandardCharsets.UTF_8);

    @Test
    void hashIsTheStableHexHmacSha256OfTheTextUnderTheKey() throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal("123-45-6789".getBytes(StandardCharsets.UTF_8)));
        assertThat(Mask.HASH.apply("123-45-6789", KEY)).isEqualTo(expected).isEqualTo(Mask.HASH.apply("123-45-6789", KEY));
        assertThat((String) Mask.HASH.apply("", KEY)).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(Mask.HASH.apply(42L, KEY)).isEqualTo(Mask.HASH.apply("42", KEY));
        assertThat(Mask.HASH.apply(LocalDate.of(2024, 1, 2), KEY)).isEqualTo(Mask.HASH.apply("2024-01-02", KEY));
    }

    /**
     * The attack the unkeyed hash fell to: hash every price in ±5,000.00 and look the masked values up. Without the
     * key, no candidate's SHA-256 (nor its HMAC under another key) matches a single masked value.
     */
    @Test
    void aDictionaryOfEveryCandidateValueRecoversNothingWithoutTheKey() throws Exception {
        java.util.Set<String> masked = new java.util.HashSet<>();
        for (int cents = -500_000; cents <= 500_000; cents += 997) {
            masked.add((String) Mask.HASH.apply(BigDecimal.valueOf(cents, 2), KEY));
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] guessedKey = "a-guessed-key-0123456789abcdefghijklmnopq".getBytes(StandardCharsets.UTF_8);
        int recovered = 0;
        for (int cents = -500_000; cents <= 500_000; cents++) {
            String candidate = BigDecimal.valueOf(cents, 2).toPlainString();
            if (masked.contains(HexFormat.of().formatHex(sha.digest(candidate.getBytes(StandardCharsets.UTF_8))))) recovered++;
            if (masked.contains(Mask.HASH.apply(candidate, guessedKey))) recovered++;
        }
        assertThat(recovered).isZero();
    }

    @Test
    void theHashMaskRefusesToRunWithoutAKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Mask.HASH.apply("x"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("server.mask_key");
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
