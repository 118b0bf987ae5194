package dev.freight.access;

import dev.freight.auth.Principal;
import dev.freight.config.ConfigException;
import dev.freight.config.ConfigLoader;
import dev.freight.config.RolesConfig;
import dev.freight.query.DatasetAccess;
import dev.freight.query.ExportRequest;
import dev.freight.query.Mask;
import dev.freight.query.QueryPlan;
import dev.freight.query.QueryPlanner;
import dev.freight.source.DemoData;
import dev.freight.source.Dialect;
import dev.freight.source.JdbcSource;
import dev.freight.source.SourceRegistry;
import dev.freight.source.Table;
import dev.freight.testing.ExportRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The config's {@code roles}: what is refused when loading (one line naming the key), what is refused at start
 * against the real datasets (an H2 database with the demo tables), and what a principal then sees.
 */
class AccessPolicyConfigTest {
    private static final int ORDERS = 50;
    private static JdbcSource source;
    private static SourceRegistry registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void datasets() throws SQLException {
        String url = "jdbc:h2:mem:perm_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            DemoData.load(c, Dialect.H2, ORDERS);
        }
        source = JdbcSource.open("shop", url, "sa", "", 2);
        registry = SourceRegistry.of(Map.of("shop", source));
    }

    @AfterAll
    static void close() {
        registry.close();
    }

    private static final byte[] KEY = "access-policy-config-test-key-0123456789".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private AccessPolicy policy(String rolesYaml) {
        return AccessPolicy.fromConfig(roles(rolesYaml), KEY);
    }

    private RolesConfig roles(String rolesYaml) {
        try {
            Path file = Files.writeString(dir.resolve("freight.yml"), "roles:\n" + rolesYaml.stripIndent().lines()
                    .map(l -> "  " + l).collect(Collectors.joining("\n")) + "\n");
            return ConfigLoader.load(Optional.of(file), Map.of()).roles();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ConfigException refused(String rolesYaml) {
        try {
            policy(rolesYaml).validate(registry);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e;
        }
        throw new AssertionError("expected the roles to be refused:\n" + rolesYaml);
    }

    private static Table table(String name) {
        return registry.resolve(name).table();
    }

    private static Principal analyst(Map<String, String> attributes) {
        return new Principal("alice", "analyst", attributes);
    }

    // ---------------------------------------------------------------- loading

    @Test
    void noRolesMeansEveryPrincipalOfABuiltInRoleSeesEverything() {
        AccessPolicy p = AccessPolicy.fromConfig(RolesConfig.NONE, KEY);
        assertThat(p.forPrincipal(Principal.user("u")).dataset("orders", table("orders"))).contains(DatasetAccess.FULL);
        assertThat(p.forPrincipal(Principal.admin("a")).sees("anything")).isTrue();
    }

    @Test
    void theBuiltInRolesCannotBeDefined() {
        assertThat(refused("admin:\n  datasets: {}").key()).isEqualTo("roles.admin");
        assertThat(refused("user:\n  datasets: {}").key()).isEqualTo("roles.user");
    }

    @Test
    void anUnknownKeyInARoleIsNamed() {
        ConfigException e = refused("analyst:\n  datasets: {orders: {}}\n  colour: blue");
        assertThat(e.key()).isEqualTo("roles.analyst.colour");
        assertThat(e.getMessage()).contains("datasets, limits");
    }

    @Test
    void limitsAreAcceptedInARoleAndLeftToTheLimitsWork() {
        AccessPolicy p = policy("analyst:\n  datasets: {orders: {}}\n  limits: {exports_per_hour: 10}");
        assertThat(p.roles()).containsExactly("analyst");
    }

    @Test
    void anUnknownKeyInADatasetRuleIsNamed() {
        assertThat(refused("analyst:\n  datasets:\n    orders: {columns_hidden: [sku]}").key())
                .isEqualTo("roles.analyst.datasets.orders.columns_hidden");
    }

    @Test
    void aRoleNeedsItsDatasets() {
        assertThat(refused("analyst:\n  limits: {exports_per_hour: 1}").key()).isEqualTo("roles.analyst.datasets");
        assertThat(refused("analyst:\n  datasets: [orders]").key()).isEqualTo("roles.analyst.datasets");
    }

    @Test
    void onlyTheFourMasksExist() {
        ConfigException e = refused("analyst:\n  datasets:\n    orders: {columns_masked: {sku: redact}}");
        assertThat(e.key()).isEqualTo("roles.analyst.datasets.orders.columns_masked.sku");
        assertThat(e.getMessage()).contains("email, last4, hash, null");
    }

    @Test
    void columnListsAreListsOfNames() {
        assertThat(refused("analyst:\n  datasets:\n    orders: {columns_allowed: sku}").key())
                .isEqualTo("roles.analyst.datasets.orders.columns_allowed");
        assertThat(refused("analyst:\n  datasets:\n    orders: {columns_denied: [sku, {a: b}]}").key())
                .isEqualTo("roles.analyst.datasets.orders.columns_denied");
        assertThat(refused("analyst:\n  datasets:\n    orders: {columns_denied: [sku, sku]}").key())
                .isEqualTo("roles.analyst.datasets.orders.columns_denied");
    }

    @Test
    void aMaskedColumnMustBeExportable() {
        assertThat(refused("analyst:\n  datasets:\n    orders: {columns_denied: [sku], columns_masked: {sku: hash}}").key())
                .isEqualTo("roles.analyst.datasets.orders.columns_masked");
        assertThat(refused("analyst:\n  datasets:\n    orders: {columns_allowed: [id], columns_masked: {sku: hash}}").key())
                .isEqualTo("roles.analyst.datasets.orders.columns_masked");
    }

    @Test
    void rowFilterPlaceholdersAreIdentifiers() {
        String key = "roles.analyst.datasets.orders.row_filter";
        assertThat(refused("analyst:\n  datasets:\n    orders: {row_filter: \"customer_id = :1\"}").key()).isEqualTo(key);
        assertThat(refused("analyst:\n  datasets:\n    orders: {row_filter: \"customer_id = : x\"}").key()).isEqualTo(key);
        assertThat(refused("analyst:\n  datasets:\n    orders: {row_filter: \"customer_id = ?\"}").key()).isEqualTo(key);
        assertThat(refused("analyst:\n  datasets:\n    orders: {row_filter: \"customer_id = 1; DROP TABLE orders\"}").key())
                .isEqualTo(key);
        assertThat(refused("analyst:\n  datasets:\n    orders: {row_filter: \"customer_id = 1 -- tenant\"}").key())
                .isEqualTo(key);
        assertThat(refused("analyst:\n  datasets:\n    orders: {row_filter: [a]}").key()).isEqualTo(key);
    }

    @Test
    void placeholdersInsideQuotesAndCastsAreLeftAlone() {
        AccessPolicy p = policy("analyst:\n  datasets:\n    orders: {row_filter: \"status <> 'a:b' AND customer_id = CAST(:customer AS INT) AND sku <> :sku\"}");
        DatasetAccess a = p.forPrincipal(analyst(Map.of("customer", "7", "sku", "X"))).dataset("orders", table("orders"))
                .orElseThrow();
        assertThat(a.rowFilter()).isEqualTo("status <> 'a:b' AND customer_id = CAST(? AS INT) AND sku <> ?");
        assertThat(a.rowFilterParameters()).containsExactly("7", "X");
    }

    // ---------------------------------------------------------------- against the datasets

    @Test
    void aColumnThatDoesNotExistStopsTheStart() {
        ConfigException e = refused("analyst:\n  datasets:\n    orders: {columns_denied: [internal_notes]}");
        assertThat(e.key()).isEqualTo("roles.analyst.datasets.orders.columns_denied");
        assertThat(e.getMessage()).contains("'internal_notes'").contains("customer_id");
    }

    @Test
    void aColumnMissingFromOneDatasetAGlobGovernsStopsTheStart() {
        assertThat(refused("analyst:\n  datasets:\n    \"*\": {columns_denied: [sku]}").getMessage())
                .contains("dataset 'customers'");
    }

    @Test
    void aDatasetThatDoesNotExistStopsTheStart() {
        assertThat(refused("analyst:\n  datasets:\n    invoices: {}").key()).isEqualTo("roles.analyst.datasets.invoices");
        assertThat(refused("analyst:\n  datasets:\n    \"inv*\": {}").key()).isEqualTo("roles.analyst.datasets.inv*");
    }

    @Test
    void aRowFilterThatDoesNotRunStopsTheStartWithOneLine() {
        ConfigException e = refused("analyst:\n  datasets:\n    orders: {row_filter: \"tenant = :tenant_id\"}");
        assertThat(e.key()).isEqualTo("roles.analyst.datasets.orders.row_filter");
        assertThat(e.getMessage()).contains("dataset 'orders'");
    }

    @Test
    void aRowFilterThatRunsIsAcceptedAndAPrincipalsExportHasOnlyTheRowsItLetsThrough() {
        AccessPolicy p = policy("analyst:\n  datasets:\n    orders: {row_filter: '\"customer_id\" = :customer_id'}");
        p.validate(registry); // at start, with its attribute unbound: no principal is at hand

        Object customer = DemoData.order(1)[1];
        DatasetAccess a = p.forPrincipal(analyst(Map.of("customer_id", customer.toString()))).dataset("orders",
                table("orders")).orElseThrow();
        ExportRequest request = ExportRequest.of("orders", "csv").withColumns(List.of("id"));
        QueryPlan plan = new QueryPlanner(source.catalog(), source.dialect()).plan(table("orders"), request, a);
        List<String> exported = ExportRunner.export(source, plan, request).text().lines().skip(1).toList();

        List<String> customersOrders = LongStream.rangeClosed(1, ORDERS)
                .filter(id -> DemoData.order(id)[1].equals(customer)).mapToObj(Long::toString).toList();
        assertThat(customersOrders).hasSizeBetween(1, ORDERS - 1);
        assertThat(exported).containsExactlyInAnyOrderElementsOf(customersOrders);
    }

    // ---------------------------------------------------------------- what a principal sees

    @Test
    void anExactNameWinsOverGlobsAndOtherwiseTheFirstMatchingGlob() {
        AccessPolicy p = policy("""
                analyst:
                  datasets:
                    "c*": {columns_denied: [email]}
                    "*": {columns_denied: [name]}
                    orders: {columns_allowed: [id, sku]}
                """);
        p.validate(registry);
        AccessPolicy.Access a = p.forPrincipal(analyst(Map.of()));
        assertThat(a.dataset("orders", table("orders")).orElseThrow().visibleColumns()).containsExactly("id", "sku");
        assertThat(a.dataset("customers", table("customers")).orElseThrow().visibleColumns())
                .doesNotContain("email").contains("name");
    }

    @Test
    void aDatasetNoRuleMatchesIsInvisible() {
        AccessPolicy.Access a = policy("analyst:\n  datasets: {orders: {}}").forPrincipal(analyst(Map.of()));
        assertThat(a.sees("customers")).isFalse();
        assertThat(a.dataset("customers", table("customers"))).isEmpty();
        assertThat(a.dataset("orders", table("orders"))).contains(DatasetAccess.FULL);
    }

    @Test
    void aPrincipalOfARoleNoLongerDefinedSeesNothing() {
        AccessPolicy.Access a = policy("analyst:\n  datasets: {\"*\": {}}")
                .forPrincipal(new Principal("bob", "auditor", Map.of()));
        assertThat(a.sees("orders")).isFalse();
        assertThat(a.dataset("orders", table("orders"))).isEmpty();
    }

    @Test
    void deniedColumnsAreRemovedFromTheAllowedOnesAndMasksResolveToCatalogNames() {
        DatasetAccess a = policy("analyst:\n  datasets:\n    orders: {columns_allowed: [id, sku, STATUS], "
                + "columns_denied: [status], columns_masked: {SKU: last4}}")
                .forPrincipal(analyst(Map.of())).dataset("orders", table("orders")).orElseThrow();
        assertThat(a.visibleColumns()).containsExactly("id", "sku");
        assertThat(a.masks()).isEqualTo(Map.of("sku", Mask.LAST4));
    }

    @Test
    void aMissingAttributeIsReportedNotGuessed() {
        DatasetAccess a = policy("analyst:\n  datasets:\n    orders: {row_filter: \"customer_id = :customer_id\"}")
                .forPrincipal(analyst(Map.of("tenant", "1"))).dataset("orders", table("orders")).orElseThrow();
        assertThat(a.missingAttribute()).isEqualTo("customer_id");
        assertThat(a.rowFilterParameters()).isEmpty();
    }

    @Test
    void theExampleConfigsRolesAreValid() throws IOException {
        Path file = Files.writeString(dir.resolve("example.yml"), dev.freight.testing.ExampleConfig.uncommented());
        AccessPolicy p = AccessPolicy.fromConfig(ConfigLoader.load(Optional.of(file),
                dev.freight.testing.ExampleConfig.REFERENCED).roles(), KEY);
        assertThat(p.roles()).isNotEmpty();
        List<String> roles = List.copyOf(p.roles());
        assertThat(roles).doesNotContain(Principal.ADMIN, Principal.USER);
    }
}
