package dev.freight.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** FREIGHT_<PATH> variables override any key of the file, or set it when there is no file. */
class EnvironmentOverrideTest {
    private static final String FILE = """
            data_dir: /data/file
            server:
              port: 8081
            job_store:
              url: jdbc:h2:mem:file-jobs
            storage:
              path: /exports/file
            sources:
              shop-eu:
                url: jdbc:postgresql://file/shop
                user: file-user
            datasets:
              orders:
                source: shop-eu
                table: orders
            exports:
              sync_max_rows: 100
            limits:
              exports_per_hour: 10
            """;

    @TempDir
    Path dir;
    private Configs configs;

    @BeforeEach
    void setUp() {
        configs = new Configs(dir);
    }

    private static FreightConfig withoutFile(Map<String, String> env) {
        return ConfigLoader.load(Optional.empty(), env);
    }

    @Test
    void dataDirIsOverriddenAndTheDefaultsDerivedFromItFollow() {
        FreightConfig c = withoutFile(Map.of("FREIGHT_DATA_DIR", "/srv/freight"));

        assertThat(c.dataDir()).isEqualTo(Path.of("/srv/freight"));
        assertThat(c.storage().path()).isEqualTo(Path.of("/srv/freight/exports"));
        assertThat(c.jobStore().url()).isEqualTo("jdbc:h2:file:/srv/freight/jobs;AUTO_SERVER=TRUE");
    }

    @Test
    void serverKeyIsOverridden() {
        assertThat(configs.load(FILE, Map.of("FREIGHT_SERVER_PORT", "9090")).server().port()).isEqualTo(9090);
        assertThat(withoutFile(Map.of("FREIGHT_SERVER_MAX_REQUEST_BYTES", "4MiB")).server().maxRequestBytes())
                .isEqualTo(4L << 20);
    }

    @Test
    void jobStoreKeyIsOverridden() {
        FreightConfig c = configs.load(FILE, Map.of("FREIGHT_JOB_STORE_URL", "jdbc:postgresql://pg/jobs",
                "FREIGHT_JOB_STORE_PASSWORD", "from-env"));

        assertThat(c.jobStore().url()).isEqualTo("jdbc:postgresql://pg/jobs");
        assertThat(c.jobStore().password()).map(Secret::reveal).contains("from-env");
    }

    @Test
    void storageKeyIsOverridden() {
        assertThat(configs.load(FILE, Map.of("FREIGHT_STORAGE_PATH", "/exports/env")).storage().path())
                .isEqualTo(Path.of("/exports/env"));
    }

    @Test
    void exportsKeyIsOverridden() {
        FreightConfig c = configs.load(FILE, Map.of("FREIGHT_EXPORTS_SYNC_MAX_ROWS", "500",
                "FREIGHT_EXPORTS_FILE_TTL", "2h", "FREIGHT_EXPORTS_DELETE_AFTER_DOWNLOAD", "true"));

        assertThat(c.exports().syncMaxRows()).isEqualTo(500);
        assertThat(c.exports().fileTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(c.exports().deleteAfterDownload()).isTrue();
    }

    @Test
    void sourceKeyIsOverriddenWithDashesAsUnderscores() {
        FreightConfig c = configs.load(FILE, Map.of("FREIGHT_SOURCES_SHOP_EU_URL", "jdbc:postgresql://env/shop",
                "FREIGHT_SOURCES_SHOP_EU_INCLUDE", "public.*, sales.orders"));

        SourceConfig shop = c.sources().get("shop-eu");
        assertThat(shop.url()).isEqualTo("jdbc:postgresql://env/shop");
        assertThat(shop.user()).contains("file-user");
        assertThat(shop.include()).containsExactly("public.*", "sales.orders");
        assertThat(c.sources()).containsOnlyKeys("shop-eu");
    }

    @Test
    void aSourceIsCreatedByItsVariables() {
        FreightConfig c = withoutFile(Map.of("FREIGHT_SOURCES_SHOP_URL", "jdbc:postgresql://env/shop",
                "FREIGHT_SOURCES_SHOP_USER", "reader", "FREIGHT_SOURCES_SHOP_PASSWORD", "pw",
                "FREIGHT_SOURCES_CRM_DB_POOL_SIZE", "2", "FREIGHT_SOURCES_CRM_DB_URL", "jdbc:mariadb://m/crm"));

        assertThat(c.sources().keySet()).containsExactly("crm_db", "shop");
        assertThat(c.sources().get("shop")).isEqualTo(new SourceConfig("shop", "jdbc:postgresql://env/shop",
                Optional.of("reader"), Optional.of(new Secret("pw")), 4, List.of("*"), List.of()));
        assertThat(c.sources().get("crm_db").poolSize()).isEqualTo(2);
    }

    @Test
    void aSourceCreatedWithoutUrlNamesTheVariableThatCreatedIt() {
        assertThatThrownBy(() -> withoutFile(Map.of("FREIGHT_SOURCES_SHOP_USER", "reader")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("FREIGHT_SOURCES_SHOP_USER: sources.shop.url: missing: expected a JDBC URL such as"
                        + " jdbc:postgresql://host:5432/db");
    }

    @Test
    void fileSourcesComeFirstThenCreatedOnes() {
        FreightConfig c = configs.load(FILE, Map.of("FREIGHT_SOURCES_ARCHIVE_URL", "jdbc:h2:mem:archive"));

        assertThat(c.sources().keySet()).containsExactly("shop-eu", "archive");
    }

    @Test
    void datasetKeyIsOverriddenAndADatasetCanBeCreated() {
        FreightConfig c = configs.load(FILE, Map.of("FREIGHT_DATASETS_ORDERS_TIME_COLUMN", "created_at",
                "FREIGHT_DATASETS_PAID_SOURCE", "shop-eu", "FREIGHT_DATASETS_PAID_SQL", "SELECT * FROM paid"));

        assertThat(c.datasets().get("orders").timeColumn()).contains("created_at");
        assertThat(c.datasets().get("paid")).isEqualTo(new SqlDataset("paid", "shop-eu", "SELECT * FROM paid",
                Optional.empty(), List.of()));
    }

    @Test
    void limitsKeyIsOverriddenOrSet() {
        FreightConfig c = configs.load(FILE, Map.of("FREIGHT_LIMITS_EXPORTS_PER_HOUR", "99",
                "FREIGHT_LIMITS_MAX_ROWS", "1_000"));

        assertThat(c.limits()).isEqualTo(new LimitsConfig(99, 5, 1_000, 10L << 30, 1L << 20));
        assertThatThrownBy(() -> configs.load(FILE, Map.of("FREIGHT_LIMITS_MAX_ROW", "99")))
                .hasMessage("FREIGHT_LIMITS_MAX_ROW: unknown setting (did you mean FREIGHT_LIMITS_MAX_ROWS?)");
        assertThatThrownBy(() -> configs.load(FILE, Map.of("FREIGHT_LIMITS_MAX_ROWS", "ten")))
                .hasMessage("configuration: limits.max_rows: expected a positive integer (at most"
                        + " 9223372036854775806), got \"ten\"");
    }

    @Test
    void roleKeyPresentInTheFileIsOverriddenAndAnAbsentOneIsAnError() {
        String roles = FILE + "roles:\n  analyst:\n    datasets:\n      orders:\n        row_filter: \"id = 1\"\n";

        FreightConfig c = configs.load(roles, Map.of("FREIGHT_ROLES_ANALYST_DATASETS_ORDERS_ROW_FILTER",
                "customer_id = :customer_id"));

        assertThat(c.roles().roles().get("analyst").datasets().get(0).rowFilter())
                .contains(new RowFilter("customer_id = ?", List.of("customer_id")));
        assertThatThrownBy(() -> configs.load(roles, Map.of("FREIGHT_ROLES_ANALYST_LIMITS_MAX_ROWS", "99")))
                .hasMessage("FREIGHT_ROLES_ANALYST_LIMITS_MAX_ROWS: no key of roles in the file matches it (only keys"
                        + " present in the file can be overridden in roles)");
    }

    @Test
    void aWrongValueNamesTheVariable() {
        assertThatThrownBy(() -> configs.load(FILE, Map.of("FREIGHT_EXPORTS_SYNC_MAX_ROWS", "ten")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("FREIGHT_EXPORTS_SYNC_MAX_ROWS: exports.sync_max_rows: expected a positive integer,"
                        + " got \"ten\"");
    }

    @Test
    void aMisspeltVariableIsAnError() {
        assertThatThrownBy(() -> withoutFile(Map.of("FREIGHT_SERVER_PROT", "9090")))
                .hasMessage("FREIGHT_SERVER_PROT: unknown setting (did you mean FREIGHT_SERVER_PORT?)");
        assertThatThrownBy(() -> withoutFile(Map.of("FREIGHT_SOURCES_SHOP_HOST", "db")))
                .hasMessage("FREIGHT_SOURCES_SHOP_HOST: not a setting of sources: expected FREIGHT_SOURCES_<NAME>_<KEY>"
                        + " with KEY one of URL, USER, PASSWORD, POOL_SIZE, INCLUDE, EXCLUDE");
    }

    @Test
    void unrelatedFreightVariablesAreIgnored() {
        FreightConfig c = withoutFile(Map.of("FREIGHT_JAVA_OPTS", "-Xmx1g", "FREIGHT_SOURCE_PASSWORD", "pw",
                "FREIGHT_TEST", "1"));

        assertThat(c).isEqualTo(FreightConfig.defaults());
    }

    @Test
    void anEmptyVariableLeavesTheFileValue() {
        assertThat(configs.load(FILE, Map.of("FREIGHT_SERVER_PORT", "")).server().port()).isEqualTo(8081);
    }

    @Test
    void aVariableMayItselfBeAReference() {
        FreightConfig c = configs.load(FILE, Map.of("FREIGHT_SOURCES_SHOP_EU_PASSWORD", "${env:VAULT_PG}",
                "VAULT_PG", "from-vault"));

        assertThat(c.sources().get("shop-eu").password()).map(Secret::reveal).contains("from-vault");
    }
}
