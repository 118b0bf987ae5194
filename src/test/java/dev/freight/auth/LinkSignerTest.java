package dev.freight.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinkSignerTest {
    private static final byte[] KEY = "k".repeat(32).getBytes(StandardCharsets.UTF_8);
    private static final byte[] OLD = "o".repeat(40).getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final String JOB = "abcdefghijklmnopqrstuvwxyz";
    /** The fingerprint of the API key that asks for the links. */
    private static final String FP = ApiKeys.fingerprint(ApiKeys.sha256Hex("frt_alices-key"));

    @TempDir
    Path dir;

    private static LinkSigner signer(Instant now, byte[]... keys) {
        return new LinkSigner(List.of(keys), Duration.ofMinutes(5), Duration.ofHours(24), Clock.fixed(now, ZoneOffset.UTC));
    }

    private static String payload(String token) {
        return new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
    }

    /** The token with its payload replaced, the mac kept. */
    private static String withPayload(String token, String payload) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + token.substring(token.indexOf('.'));
    }

    @Test
    void aSignedTokenVerifiesForItsJobUntilItExpires() {
        LinkSigner.Link link = signer(NOW, KEY).sign(JOB, "alice", FP, Duration.ofMinutes(5));

        assertThat(link.expiresAt()).isEqualTo(NOW.plusSeconds(300));
        LinkSigner.Verification v = signer(NOW.plusSeconds(299), KEY).verify(link.token(), JOB);
        assertThat(v.status()).isEqualTo(LinkSigner.Status.VALID);
        assertThat(v.principal()).isEqualTo("alice");
        assertThat(signer(NOW.plusSeconds(300), KEY).verify(link.token(), JOB).status())
                .isEqualTo(LinkSigner.Status.EXPIRED);
    }

    @Test
    void thePayloadNamesVersionJobPrincipalKeyFingerprintAndExpiry() {
        String token = signer(NOW, KEY).sign(JOB, "alice", FP, Duration.ofMinutes(5)).token();

        assertThat(payload(token)).isEqualTo("v2\n" + JOB + "\nalice\n" + FP + "\n" + NOW.plusSeconds(300).getEpochSecond());
        assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}");
    }

    @Test
    void theVerificationTellsTheFingerprintOfTheKeyThatAsked() {
        String token = signer(NOW, KEY).sign(JOB, "alice", FP, Duration.ofMinutes(5)).token();

        assertThat(signer(NOW, KEY).verify(token, JOB).keyFingerprint()).isEqualTo(FP);
    }

    /** Links are shared URLs: what they show of the key must open nothing, unlike the hash a session is checked by. */
    @Test
    void theFingerprintIsNeitherTheKeyNorItsHash() {
        String hash = ApiKeys.sha256Hex("frt_alices-key");

        assertThat(FP).matches("[0-9a-f]{32}").isNotEqualTo(hash.substring(0, 32)).doesNotContain("frt_");
        assertThat(ApiKeys.fingerprint(hash.toUpperCase())).isEqualTo(FP);
        assertThat(ApiKeys.fingerprint(ApiKeys.sha256Hex("frt_bobs-key"))).isNotEqualTo(FP);
    }

    @Test
    void changingAnyPartOfThePayloadInvalidatesTheToken() {
        LinkSigner s = signer(NOW, KEY);
        String token = s.sign(JOB, "alice", FP, Duration.ofMinutes(5)).token();
        String[] parts = payload(token).split("\n");
        String other = ApiKeys.fingerprint(ApiKeys.sha256Hex("frt_mallorys-key"));

        for (String forged : List.of(
                "v3\n" + parts[1] + "\n" + parts[2] + "\n" + parts[3] + "\n" + parts[4],
                "v2\n" + "bbcdefghijklmnopqrstuvwxyz" + "\n" + parts[2] + "\n" + parts[3] + "\n" + parts[4],
                "v2\n" + parts[1] + "\nmallory\n" + parts[3] + "\n" + parts[4],
                "v2\n" + parts[1] + "\n" + parts[2] + "\n" + other + "\n" + parts[4],
                "v2\n" + parts[1] + "\n" + parts[2] + "\n" + parts[3] + "\n" + (Long.parseLong(parts[4]) + 3600),
                "v1\n" + parts[1] + "\n" + parts[2] + "\n" + parts[4])) {
            assertThat(s.verify(withPayload(token, forged), JOB).status()).as(forged).isEqualTo(LinkSigner.Status.INVALID);
        }
    }

    /** Version 1 named no key, so a revoked key's links would work on until they expire: they are refused. */
    @Test
    void aGenuineVersionOneTokenIsOutdated() throws Exception {
        String payload = "v1\n" + JOB + "\nalice\n" + NOW.plusSeconds(300).getEpochSecond();
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String token = b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));

        LinkSigner.Verification v = signer(NOW, KEY).verify(token, JOB);

        assertThat(v.status()).isEqualTo(LinkSigner.Status.OUTDATED);
        assertThat(v.principal()).isNull();
        assertThat(signer(NOW, KEY).verify(token, "bbcdefghijklmnopqrstuvwxyz").status())
                .isEqualTo(LinkSigner.Status.INVALID);
    }

    @Test
    void aDamagedMacOrMalformedTokenIsInvalid() {
        LinkSigner s = signer(NOW, KEY);
        String token = s.sign(JOB, "alice", FP, Duration.ofMinutes(5)).token();
        String mac = token.substring(token.indexOf('.') + 1);
        String flipped = token.substring(0, token.indexOf('.') + 1) + (mac.charAt(0) == 'A' ? 'B' : 'A') + mac.substring(1);

        for (String bad : new String[]{flipped, token.substring(0, token.length() - 2), token + ".x", "",
                token.replace('.', '-'), "!!!." + mac, null, "x".repeat(5000)}) {
            assertThat(s.verify(bad, JOB).status()).as(String.valueOf(bad)).isEqualTo(LinkSigner.Status.INVALID);
        }
    }

    /** 32 bytes of MAC take 43 base64 characters: the last one has 2 spare bits a lenient decoder ignores. */
    @Test
    void aTokenSpelledDifferentlyInTheSpareBitsOfItsLastCharacterIsInvalid() {
        LinkSigner s = signer(NOW, KEY);
        String token = s.sign(JOB, "alice", FP, Duration.ofMinutes(5)).token();
        char last = token.charAt(token.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char sameBits = alphabet.charAt(alphabet.indexOf(last) ^ 1);

        assertThat(s.verify(token.substring(0, token.length() - 1) + sameBits, JOB).status())
                .isEqualTo(LinkSigner.Status.INVALID);
        assertThat(s.verify(token, JOB).status()).isEqualTo(LinkSigner.Status.VALID);
    }

    @Test
    void aTokenForAnotherJobIsInvalid() {
        LinkSigner s = signer(NOW, KEY);
        String token = s.sign(JOB, "alice", FP, Duration.ofMinutes(5)).token();

        assertThat(s.verify(token, "bbcdefghijklmnopqrstuvwxyz").status()).isEqualTo(LinkSigner.Status.INVALID);
    }

    @Test
    void afterARotationOldLinksStillVerifyAndNewOnesUseTheNewKey() {
        String old = signer(NOW, OLD).sign(JOB, "alice", FP, Duration.ofMinutes(5)).token();
        LinkSigner rotated = signer(NOW, KEY, OLD);

        assertThat(rotated.verify(old, JOB).status()).isEqualTo(LinkSigner.Status.VALID);
        String fresh = rotated.sign(JOB, "alice", FP, Duration.ofMinutes(5)).token();
        assertThat(signer(NOW, KEY).verify(fresh, JOB).status()).isEqualTo(LinkSigner.Status.VALID);
        assertThat(signer(NOW, OLD).verify(fresh, JOB).status()).isEqualTo(LinkSigner.Status.INVALID);
        // Once the old key is dropped, its links stop working.
        assertThat(signer(NOW, KEY).verify(old, JOB).status()).isEqualTo(LinkSigner.Status.INVALID);
    }

    @Test
    void shortKeysAreRefused() {
        assertThatThrownBy(() -> signer(NOW, "short".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
    }

    @Test
    void ttlsMustBePositiveAndWithinTheMaximum() {
        LinkSigner s = signer(NOW, KEY);
        assertThatThrownBy(() -> s.sign(JOB, "alice", FP, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.sign(JOB, "alice", FP, Duration.ofHours(25))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.sign(JOB, "a\nb", FP, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.sign(JOB, "alice", "not-a-fingerprint", Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDisabledSignerAcceptsNothing() {
        String token = signer(NOW, KEY).sign(JOB, "alice", FP, Duration.ofMinutes(5)).token();

        assertThat(LinkSigner.disabled().verify(token, JOB).status()).isEqualTo(LinkSigner.Status.INVALID);
        assertThatThrownBy(() -> LinkSigner.disabled().sign(JOB, "alice", FP, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void withoutAConfiguredKeyANodeKeyIsGeneratedOnceWithOwnerOnlyPermissions() throws IOException {
        dev.freight.config.SignedLinksConfig none = dev.freight.config.SignedLinksConfig.defaults();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        String token = LinkSigner.fromConfig(none, dir, clock).sign(JOB, "alice", FP, Duration.ofMinutes(5)).token();

        Path file = dir.resolve(LinkSigner.KEY_FILE);
        assertThat(Files.readString(file).trim().length()).isGreaterThanOrEqualTo(LinkSigner.MIN_KEY_BYTES);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        // The next start reads the same key: links survive a restart.
        assertThat(LinkSigner.fromConfig(none, dir, clock).verify(token, JOB).status()).isEqualTo(LinkSigner.Status.VALID);
    }

    @Test
    void aDamagedKeyFileIsAnErrorNotASilentNewKey() throws IOException {
        Files.writeString(dir.resolve(LinkSigner.KEY_FILE), "short\n");

        assertThatThrownBy(() -> LinkSigner.fromConfig(dev.freight.config.SignedLinksConfig.defaults(), dir,
                Clock.systemUTC())).hasMessageContaining("link-key").hasMessageContaining("delete it");
    }

    @Test
    void keysNeverPrint() {
        assertThat(signer(NOW, KEY).toString()).doesNotContain("kkkk");
    }
}
