package dev.freight.auth;

import dev.freight.config.ConfigException;
import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
import dev.freight.job.JdbcJobStore;
import dev.freight.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** API keys from the config (validated at load) and from a real H2 job store, with the revocation cache. */
class ApiKeysTest {
    @TempDir
    static Path dir;
    static JdbcJobStore jobStore;
    static StoredApiKeys stored;

    @BeforeAll
    static void openStore() {
        jobStore = JdbcJobStore.open("jdbc:h2:file:" + dir.resolve("jobs"), "sa", "", 4, Clock.systemUTC());
        stored = new StoredApiKeys(jobStore.dataSource());
    }

    @AfterAll
    static void closeStore() {
        jobStore.close();
    }

    static FreightConfig config(String yaml) {
        try {
            return ConfigLoader.load(Optional.of(Files.writeString(dir.resolve("freight.yml"), yaml)), Map.of());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static final String ALICE_KEY = "frt_alice-test-key";

    static String withKeys(String entries) {
        return "roles:\n  analyst: {datasets: {}}\napi_keys:\n" + entries;
    }

    @Test
    void aConfigKeyAuthenticatesAsItsPrincipalWithRoleAndAttributes() {
        ApiKeys keys = ApiKeys.load(config(withKeys("""
                  - name: alice
                    sha256: %s
                    role: analyst
                    attributes: { tenant_id: "042" }
                """.formatted(ApiKeys.sha256Hex(ALICE_KEY).toUpperCase()))), null);

        assertThat(keys.authenticate(ALICE_KEY)).contains(new Principal("alice", "analyst", Map.of("tenant_id", "042")));
        assertThat(keys.authenticate(ALICE_KEY + "x")).isEmpty();
        assertThat(keys.authenticate("")).isEmpty();
        assertThat(keys.authenticateHash(AdminKey.sha256(ALICE_KEY))).contains(keys.authenticate(ALICE_KEY).orElseThrow());
        assertThat(keys.authenticateHash(AdminKey.sha256(ALICE_KEY + "x"))).isEmpty();
        assertThat(keys.authenticateHash(new byte[3])).isEmpty();
        assertThat(ApiKeyCheck.firstOf(t -> Optional.empty(), keys).authenticateHash(AdminKey.sha256(ALICE_KEY)))
                .isPresent();
    }

    @Test
    void aHashThatIsNotSixtyFourHexCharactersIsAOneLineConfigError() {
        assertThatThrownBy(() -> ApiKeys.load(config(withKeys("""
                  - name: alice
                    sha256: abc123
                    role: analyst
                """)), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("api_keys[0].sha256")
                .hasMessageContaining("64 hex")
                .hasMessageContaining("keys hash")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anUnknownRoleIsAConfigErrorListingTheRoles() {
        assertThatThrownBy(() -> ApiKeys.load(config(withKeys("""
                  - name: alice
                    sha256: %s
                    role: analyst
                  - name: bob
                    sha256: %s
                    role: auditor
                """.formatted(ApiKeys.sha256Hex("a"), ApiKeys.sha256Hex("b")))), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("api_keys[1].role")
                .hasMessageContaining("unknown role 'auditor'; roles: admin, user, analyst");
    }

    @Test
    void aPlaintextKeyInTheConfigIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> ApiKeys.load(config(withKeys("""
                  - name: alice
                    key: frt_plaintext-secret
                    role: user
                """)), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("api_keys[0].key")
                .hasMessageContaining("./freight keys hash")
                .hasMessageNotContaining("frt_plaintext-secret");
    }

    @Test
    void unknownKeysAndBadAttributeNamesAreConfigErrors() {
        assertThatThrownBy(() -> ApiKeys.load(config(withKeys("""
                  - name: alice
                    sha256: %s
                    role: user
                    tenant: "4"
                """.formatted(ApiKeys.sha256Hex("a")))), null))
                .hasMessageContaining("api_keys[0].tenant: unknown key");
        assertThatThrownBy(() -> ApiKeys.load(config(withKeys("""
                  - name: alice
                    sha256: %s
                    role: user
                    attributes: { "tenant-id": "4" }
                """.formatted(ApiKeys.sha256Hex("a")))), null))
                .hasMessageContaining("api_keys[0].attributes.tenant-id");
    }

    @Test
    void aStoredKeyWorksAtOnceAndStopsWorkingWithinTheCacheTimeOfItsRevocation() {
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        ApiKeys keys = ApiKeys.load(config("roles:\n  analyst: {datasets: {}}\n"), stored, ApiKeys.CACHE_TTL, clock);
        String key = ApiKeys.newKey();
        assertThat(key).startsWith("frt_").hasSize(4 + 43);
        stored.create(new Principal("carol", "analyst", Map.of("tenant_id", "7")), ApiKeys.sha256Hex(key));

        assertThat(keys.authenticate(key)).contains(new Principal("carol", "analyst", Map.of("tenant_id", "7")));
        // A browser session keeps only the key's hash and is checked by it: revocation must reach it too.
        byte[] hash = AdminKey.sha256(key);
        assertThat(keys.authenticateHash(hash)).contains(new Principal("carol", "analyst", Map.of("tenant_id", "7")));
        assertThat(stored.revoke("carol")).isEqualTo(1);
        clock.advance(ApiKeys.CACHE_TTL);
        assertThat(keys.authenticate(key)).isEmpty();
        assertThat(keys.authenticateHash(hash)).isEmpty();
        assertThat(stored.list()).filteredOn(e -> e.principal().name().equals("carol"))
                .singleElement().satisfies(e -> assertThat(e.revoked()).isTrue());
    }

    @Test
    void aStoredKeyWhoseRoleTheConfigNoLongerDefinesIsRefused() {
        String key = ApiKeys.newKey();
        stored.create(new Principal("dave", "temporary", Map.of()), ApiKeys.sha256Hex(key));
        assertThat(ApiKeys.load(config("roles:\n  temporary: {datasets: {}}\n"), stored).authenticate(key)).isPresent();
        assertThat(ApiKeys.load(config("roles:\n  analyst: {datasets: {}}\n"), stored).authenticate(key)).isEmpty();
    }

    // ---------------------------------------------------------------- one name, one principal

    @Test
    void aConfigKeyNamedAdminIsAOneLineConfigErrorNamingTheEntry() {
        assertThatThrownBy(() -> ApiKeys.load(config(withKeys("""
                  - name: alice
                    sha256: %s
                    role: analyst
                  - name: admin
                    sha256: %s
                    role: user
                """.formatted(ApiKeys.sha256Hex("a"), ApiKeys.sha256Hex("b")))), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("api_keys[1].name")
                .hasMessageContaining("built-in admin")
                .hasMessageNotContaining("\n");
    }

    @Test
    void twoConfigKeysOfOneNameWithDifferentRolesAreAConfigError() {
        assertThatThrownBy(() -> ApiKeys.load(config(withKeys("""
                  - name: alice
                    sha256: %s
                    role: analyst
                  - name: alice
                    sha256: %s
                    role: user
                """.formatted(ApiKeys.sha256Hex("a"), ApiKeys.sha256Hex("b")))), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("api_keys[1].name: 'alice' is also the name of api_keys[0] (role analyst");
    }

    @Test
    void twoConfigKeysOfOneNameWithDifferentAttributesAreAConfigError() {
        assertThatThrownBy(() -> ApiKeys.load(config(withKeys("""
                  - { name: alice, sha256: %s, role: analyst, attributes: { tenant_id: "1" } }
                  - { name: alice, sha256: %s, role: analyst, attributes: { tenant_id: "2" } }
                """.formatted(ApiKeys.sha256Hex("a"), ApiKeys.sha256Hex("b")))), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("api_keys[1].name")
                .hasMessageContaining("tenant_id=1");
    }

    @Test
    void twoConfigKeysOfOnePrincipalAreFineForRotation() {
        ApiKeys keys = ApiKeys.load(config(withKeys("""
                  - { name: alice, sha256: %s, role: analyst, attributes: { tenant_id: "1" } }
                  - { name: alice, sha256: %s, role: analyst, attributes: { tenant_id: "1" } }
                """.formatted(ApiKeys.sha256Hex("old"), ApiKeys.sha256Hex("new")))), null);

        assertThat(keys.authenticate("old")).isEqualTo(keys.authenticate("new")).isPresent();
    }

    @Test
    void aStoredKeyNamedAdminFromBeforeIsRefused() {
        String key = ApiKeys.newKey();
        stored.create(Principal.user(AdminKey.PRINCIPAL), ApiKeys.sha256Hex(key));

        ApiKeys keys = ApiKeys.load(config("roles:\n  analyst: {datasets: {}}\n"), stored);

        assertThat(keys.authenticate(key)).isEmpty();
        assertThat(keys.authenticateHash(AdminKey.sha256(key))).isEmpty();
    }

    @Test
    void aStoredKeyWhoseNameAConfigKeyHoldsWithAnotherRoleIsRefused() {
        String key = ApiKeys.newKey();
        stored.create(Principal.user("erin"), ApiKeys.sha256Hex(key));
        ApiKeys keys = ApiKeys.load(config(withKeys("""
                  - { name: erin, sha256: %s, role: analyst, attributes: { tenant_id: "1" } }
                """.formatted(ApiKeys.sha256Hex("erin-config")))), stored);

        assertThat(keys.authenticate(key)).isEmpty();
        assertThat(keys.authenticate("erin-config")).contains(new Principal("erin", "analyst", Map.of("tenant_id", "1")));
    }

    @Test
    void ofTwoStoredKeysOfOneNameWithDifferentPrincipalsOnlyTheOlderIsAccepted() {
        String older = ApiKeys.newKey();
        String newer = ApiKeys.newKey();
        String sameAsOlder = ApiKeys.newKey();
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        StoredApiKeys minted = new StoredApiKeys(jobStore.dataSource(), clock);
        minted.create(new Principal("fay", "analyst", Map.of("tenant_id", "7")), ApiKeys.sha256Hex(older));
        clock.advance(Duration.ofMinutes(1));
        minted.create(new Principal("fay", "analyst", Map.of("tenant_id", "8")), ApiKeys.sha256Hex(newer));
        clock.advance(Duration.ofMinutes(1));
        minted.create(new Principal("fay", "analyst", Map.of("tenant_id", "7")), ApiKeys.sha256Hex(sameAsOlder));
        ApiKeys keys = ApiKeys.load(config("roles:\n  analyst: {datasets: {}}\n"), stored);

        assertThat(keys.authenticate(older)).contains(new Principal("fay", "analyst", Map.of("tenant_id", "7")));
        assertThat(keys.authenticate(newer)).isEmpty();
        assertThat(keys.authenticate(sameAsOlder)).contains(new Principal("fay", "analyst", Map.of("tenant_id", "7")));
    }
}
