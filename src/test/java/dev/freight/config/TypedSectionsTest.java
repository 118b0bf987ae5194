package dev.freight.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code limits}, {@code roles} and {@code api_keys} bound into records at load: what the access policy, the
 * limits and the API keys are built from. Their refusals keep the origin {@code configuration}.
 */
class TypedSectionsTest {
    @TempDir
    Path dir;
    private Configs configs;

    @BeforeEach
    void setUp() {
        configs = new Configs(dir);
    }

    @Test
    void rolesBecomeRecordsInFileOrderWithTheirLimitsOverTheTopLevelOnes() {
        FreightConfig c = configs.load("""
                limits: { exports_per_hour: 100, max_rows: 5000 }
                roles:
                  analyst:
                    datasets:
                      orders:
                        columns_allowed: [id, sku, email, phone]
                        columns_denied: [notes]
                        columns_masked: { email: email, phone: null, sku: "NULL" }
                        row_filter: "tenant_id = :tenant_id AND status <> ':x' AND id::text <> :sku"
                      "reports.*": {}
                      archive:
                    limits: { exports_per_hour: 10, max_file_bytes: 1MiB }
                  viewer:
                    datasets: {}
                """);

        RoleConfig analyst = new RoleConfig("analyst", List.of(
                new RoleConfig.DatasetRule("orders", Optional.of(List.of("id", "sku", "email", "phone")),
                        List.of("notes"), Map.of("email", "email", "phone", "null", "sku", "NULL"),
                        Optional.of(new RowFilter("tenant_id = ? AND status <> ':x' AND id::text <> ?",
                                List.of("tenant_id", "sku")))),
                RoleConfig.DatasetRule.whole("reports.*"),
                RoleConfig.DatasetRule.whole("archive")),
                Optional.of(new LimitsConfig(10, 5, 5000, 1L << 20, 1L << 20)));
        assertThat(c.limits()).isEqualTo(new LimitsConfig(100, 5, 5000, 10L << 30, 1L << 20));
        assertThat(c.roles()).isEqualTo(new RolesConfig(Map.of("analyst", analyst,
                "viewer", new RoleConfig("viewer", List.of(), Optional.empty()))));
        assertThat(c.roles().roles().keySet()).containsExactly("analyst", "viewer");
        assertThat(c.roles().allNames()).containsExactly("admin", "user", "analyst", "viewer");
        assertThat(analyst.path(analyst.datasets().get(1))).isEqualTo("roles.analyst.datasets.reports.*");
    }

    @Test
    void whatNeedsNoCatalogIsRefusedAtLoad() {
        assertThat(configs.message("roles:\n  admin:\n    datasets: {}\n")).startsWith("configuration: roles.admin: "
                + "role 'admin' is built in and cannot be defined");
        assertThat(configs.message("roles:\n  Analyst:\n    datasets: {}\n")).startsWith("configuration: roles.Analyst:"
                + " invalid role name");
        assertThat(configs.message("roles:\n  analyst:\n    datasets: {orders: {columns_denied: [sku], "
                + "columns_masked: {SKU: hash}}}\n")).isEqualTo("configuration: roles.analyst.datasets.orders"
                + ".columns_masked: column 'SKU' is also denied; a denied column is never exported, so masking it"
                + " means nothing");
        assertThat(configs.message("roles:\n  analyst:\n    datasets: {orders: {row_filter: \"a = ?\"}}\n"))
                .isEqualTo("configuration: roles.analyst.datasets.orders.row_filter: '?' is not allowed; bind"
                        + " principal attributes as :name");
        assertThat(configs.message("roles:\n  analyst:\n    datasets: {}\n    limits: {rows: 5}\n"))
                .isEqualTo("configuration: roles.analyst.limits.rows: unknown limit; limits: exports_per_hour,"
                        + " concurrent_jobs, max_rows, max_file_bytes, max_request_bytes");
    }

    @Test
    void schedulesPollIntervalIsBoundAndItsRangeEnforced() {
        assertThat(configs.load("schedules:\n  poll_interval: 250ms\n").schedules().pollInterval())
                .isEqualTo(java.time.Duration.ofMillis(250));
        assertThat(configs.load("data_dir: x\n").schedules()).isEqualTo(SchedulesConfig.DEFAULTS);
        assertThat(configs.message("schedules:\n  poll_interval: 5m\n")).contains("schedules.poll_interval")
                .contains("must be 100ms to 1m");
        assertThat(configs.message("schedules:\n  poll: 1s\n")).contains("unknown key 'poll'; valid keys: poll_interval");
        assertThat(configs.load("data_dir: x\n", Map.of("FREIGHT_SCHEDULES_POLL_INTERVAL", "2s")).schedules().pollInterval())
                .isEqualTo(java.time.Duration.ofSeconds(2));
    }

    @Test
    void masksAreKeptAsWrittenForTheAccessPolicyToKnow() {
        FreightConfig c = configs.load("roles:\n  analyst:\n    datasets: {orders: {columns_masked: {sku: redact}}}\n");

        assertThat(c.roles().roles().get("analyst").datasets().get(0).columnsMasked()).containsEntry("sku", "redact");
    }

    @Test
    void apiKeysBecomeRecordsWithTheirHashInLowerCaseAndItsPrincipalChecked() {
        String hash = "AB".repeat(32);
        FreightConfig c = configs.load("""
                roles:
                  analyst: { datasets: {} }
                api_keys:
                  - { name: alice, sha256: %s, role: analyst, attributes: { tenant_id: "042" } }
                  - { name: ci, sha256: "${env:CI_HASH}", role: user }
                """.formatted(hash), Map.of("CI_HASH", "cd".repeat(32)));

        assertThat(c.apiKeys()).containsExactly(
                new ApiKeyConfig("alice", "ab".repeat(32), "analyst", Map.of("tenant_id", "042")),
                new ApiKeyConfig("ci", "cd".repeat(32), "user", Map.of()));
        assertThat(c.apiKeys().get(0).toString()).doesNotContain("abab").contains("alice", "analyst");
        assertThat(configs.message("api_keys:\n  - { name: bob, sha256: %s, role: auditor }\n".formatted(hash)))
                .isEqualTo("configuration: api_keys[0].role: unknown role 'auditor'; roles: admin, user");
        assertThat(configs.message("api_keys:\n  - { name: admin, sha256: %s, role: admin }\n".formatted(hash)))
                .startsWith("configuration: api_keys[0].name: 'admin' is the name of the node's built-in admin key");
    }

    @Test
    void keysOfOneNameMustStandForOnePrincipal() {
        assertThat(configs.message("""
                api_keys:
                  - { name: alice, sha256: %s, role: user, attributes: { b: "2", a: "1" } }
                  - { name: alice, sha256: %s, role: user, attributes: { a: "1", b: "2" } }
                  - { name: alice, sha256: %s, role: admin }
                """.formatted("a".repeat(64), "b".repeat(64), "c".repeat(64))))
                .isEqualTo("configuration: api_keys[2].name: 'alice' is also the name of api_keys[0] (role user,"
                        + " attributes a=1,b=2): keys of one name own the same jobs, so they need the same role and"
                        + " attributes, or another name");
    }
}
