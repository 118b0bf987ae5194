package dev.freight.config;

import dev.freight.format.ExportFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading freight.yml: defaults, every section, file lookup, and the one-line errors for what is wrong. */
class ConfigLoaderTest {
    @TempDir
    Path dir;
    private Configs configs;

    @BeforeEach
    void setUp() {
        configs = new Configs(dir);
    }

    // ---- defaults and file lookup --------------------------------------------------------------------------

    @Test
    void withoutAFileEveryKeyHasItsDefault() {
        FreightConfig c = ConfigLoader.load(Optional.empty(), Map.of());

        Path dataDir = Path.of("freight-data");
        assertThat(c.dataDir()).isEqualTo(dataDir);
        assertThat(c.server()).isEqualTo(new ServerConfig("127.0.0.1", 8080, 1024 * 1024, Optional.empty()));
        assertThat(c.jobStore()).isEqualTo(new JobStoreConfig(
                "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("jobs") + ";AUTO_SERVER=TRUE",
                Optional.empty(), Optional.empty(), 10));
        assertThat(c.storage()).isEqualTo(new StorageConfig(StorageConfig.Type.LOCAL, dataDir.resolve("exports")));
        assertThat(c.sources()).isEmpty();
        assertThat(c.datasets()).isEmpty();
        int processors = Runtime.getRuntime().availableProcessors();
        assertThat(c.exports()).isEqualTo(new ExportsConfig(10_000, Duration.ofHours(24), Duration.ofDays(30), 3,
                Duration.ofSeconds(5), false, Math.max(2, 2 * processors), Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), ExportFormat.CSV, 100_000));
        assertThat(c.limits()).isEqualTo(LimitsConfig.DEFAULTS);
        assertThat(c.roles()).isEqualTo(RolesConfig.NONE);
        assertThat(c.apiKeys()).isEmpty();
        assertThat(c.server().management()).isEqualTo(ServerConfig.Management.OFF);
    }

    @Test
    void anEmptyFileMeansEveryDefault() {
        assertThat(configs.load("")).isEqualTo(FreightConfig.defaults());
        assertThat(configs.load("# nothing set yet\n")).isEqualTo(FreightConfig.defaults());
    }

    @Test
    void aJobStoreListensUnlessToldToPoll() {
        assertThat(configs.load("").jobStore().listen()).isTrue();
        assertThat(configs.load("job_store:\n  url: jdbc:postgresql://db:5432/freight\n  listen: false\n").jobStore()
                .listen()).isFalse();
    }

    @Test
    void theFileNamedByFreightConfigIsReadWhenNoneIsGiven() {
        Path file = configs.write("server:\n  port: 9999\n");

        FreightConfig c = ConfigLoader.load(Optional.empty(), Map.of("FREIGHT_CONFIG", file.toString()));

        assertThat(c.server().port()).isEqualTo(9999);
    }

    @Test
    void theFileGivenExplicitlyWinsOverFreightConfig() {
        Path file = configs.write("server:\n  port: 9999\n");

        FreightConfig c = ConfigLoader.load(Optional.of(file), Map.of("FREIGHT_CONFIG", "/nonexistent/freight.yml"));

        assertThat(c.server().port()).isEqualTo(9999);
    }

    @Test
    void aMissingFileThatWasNamedIsAnError() {
        Path missing = dir.resolve("nope.yml");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(missing), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": no such file (named by --config)");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("FREIGHT_CONFIG", missing.toString())))
                .hasMessage(missing + ": no such file (named by FREIGHT_CONFIG)");
    }

    // ---- every section -------------------------------------------------------------------------------------

    @Test
    void everySectionIsRead() {
        FreightConfig c = configs.load("""
                data_dir: /var/lib/freight
                server:
                  host: 0.0.0.0
                  port: 9090
                  max_request_bytes: 2MiB
                  public_url: https://exports.example.com/freight/
                job_store:
                  url: jdbc:postgresql://db:5432/freight
                  user: freight
                  password: ${env:JOBS_PASSWORD}
                  pool_size: 20
                storage:
                  type: local
                  path: /srv/exports
                sources:
                  shop:
                    url: jdbc:postgresql://db:5432/shop
                    user: reader
                    password: ${env:PG_PASSWORD}
                    pool_size: 8
                    include: ["public.*", orders]
                    exclude: ["*_audit"]
                  crm:
                    url: jdbc:mariadb://maria:3306/crm
                datasets:
                  orders2024:
                    source: shop
                    table: sales.orders_2024
                    time_column: created_at
                    key: id
                  revenue:
                    source: crm
                    sql: SELECT day, sum(total) AS revenue FROM orders GROUP BY day
                    key: [day, region]
                exports:
                  sync_max_rows: 500
                  file_ttl: 2h
                  job_retention: 7d
                  max_attempts: 5
                  retry_backoff: 500ms
                  delete_after_download: true
                  worker_concurrency: 3
                  lease: 1m
                  heartbeat: 15s
                  shutdown_grace: 0s
                  sweep_interval: 5m
                  default_format: ndjson
                  pdf_max_rows: 5000
                  resume: false
                limits:
                  exports_per_hour: 60
                roles:
                  analyst:
                    datasets: {orders2024: {}}
                api_keys:
                  - name: ci
                    sha256: ${env:CI_KEY_HASH}
                    role: analyst
                """, Map.of("JOBS_PASSWORD", "j0bs", "PG_PASSWORD", "pg-secret", "CI_KEY_HASH", "ab".repeat(32)));

        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/freight"));
        assertThat(c.server()).isEqualTo(new ServerConfig("0.0.0.0", 9090, 2 * 1024 * 1024,
                Optional.of(URI.create("https://exports.example.com/freight"))));
        assertThat(c.jobStore()).isEqualTo(new JobStoreConfig("jdbc:postgresql://db:5432/freight",
                Optional.of("freight"), Optional.of(new Secret("j0bs")), 20));
        assertThat(c.storage()).isEqualTo(new StorageConfig(StorageConfig.Type.LOCAL, Path.of("/srv/exports")));
        assertThat(c.sources().keySet()).containsExactly("shop", "crm");
        assertThat(c.sources().get("shop")).isEqualTo(new SourceConfig("shop", "jdbc:postgresql://db:5432/shop",
                Optional.of("reader"), Optional.of(new Secret("pg-secret")), 8, List.of("public.*", "orders"),
                List.of("*_audit")));
        assertThat(c.sources().get("crm")).isEqualTo(new SourceConfig("crm", "jdbc:mariadb://maria:3306/crm",
                Optional.empty(), Optional.empty(), 4, List.of("*"), List.of()));
        assertThat(c.datasets().keySet()).containsExactly("orders2024", "revenue");
        assertThat(c.datasets().get("orders2024")).isEqualTo(new TableDataset("orders2024", "shop",
                "sales.orders_2024", Optional.of("created_at"), List.of("id")));
        assertThat(c.datasets().get("revenue")).isEqualTo(new SqlDataset("revenue", "crm",
                "SELECT day, sum(total) AS revenue FROM orders GROUP BY day", Optional.empty(),
                List.of("day", "region")));
        assertThat(c.exports()).isEqualTo(new ExportsConfig(500, Duration.ofHours(2), Duration.ofDays(7), 5,
                Duration.ofMillis(500), true, 3, Duration.ofMinutes(1), Duration.ofSeconds(15), Duration.ZERO,
                Duration.ofMinutes(5), ExportFormat.NDJSON, 5_000, ExportsConfig.DEFAULT_SERIES_MAX_CELLS, false));
        assertThat(c.limits()).isEqualTo(LimitsConfig.DEFAULTS);
        assertThat(c.roles().roles()).containsExactly(Map.entry("analyst", new RoleConfig("analyst",
                List.of(RoleConfig.DatasetRule.whole("orders2024")), Optional.empty())));
        assertThat(c.apiKeys()).containsExactly(new ApiKeyConfig("ci", "ab".repeat(32), "analyst", Map.of()));
    }

    @Test
    void sourcePatternsDecideWhichTablesAreExposed() {
        SourceConfig shop = configs.load("""
                sources:
                  shop:
                    url: jdbc:postgresql://db/shop
                    include: ["public.*", "sales.order?"]
                    exclude: ["*_AUDIT"]
                """).sources().get("shop");

        assertThat(shop.includes("public", "customers")).isTrue();
        assertThat(shop.includes("sales", "Orders")).isTrue();
        assertThat(shop.includes("sales", "order_lines")).isFalse();
        assertThat(shop.includes("public", "customers_audit")).isFalse();
        assertThat(shop.includes("hr", "salaries")).isFalse();
    }

    @Test
    void rolesAndKeysCannotBeChangedThroughTheirCollections() {
        FreightConfig c = configs.load("roles:\n  analyst:\n    datasets: {orders: {}}\n");

        assertThatThrownBy(() -> c.roles().roles().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.roles().roles().get("analyst").datasets().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.apiKeys().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void yamlGuessesAreNotMade() {
        // YAML 1.1 would read 0123 as octal 83 and yes as true; Freight keeps what was written.
        FreightConfig c = configs.load("server:\n  port: 0123\nlimits:\n  max_rows: 0123\n");

        assertThat(c.server().port()).isEqualTo(123);
        assertThat(c.limits().maxRows()).isEqualTo(123);
        assertThat(configs.message("exports:\n  delete_after_download: yes\n"))
                .isEqualTo("freight.yml: exports.delete_after_download: expected true or false, got \"yes\"");
    }

    // ---- secrets -------------------------------------------------------------------------------------------

    @Test
    void envReferencesAreResolvedFromTheGivenEnvironment() {
        FreightConfig c = configs.load("""
                server:
                  port: ${env:PORT}
                sources:
                  shop:
                    url: ${env:SHOP_URL}
                    password: ${env:PG_PASSWORD}
                """, Map.of("PORT", "7070", "SHOP_URL", "jdbc:postgresql://db/shop", "PG_PASSWORD", "s3cret"));

        assertThat(c.server().port()).isEqualTo(7070);
        assertThat(c.sources().get("shop").url()).isEqualTo("jdbc:postgresql://db/shop");
        assertThat(c.sources().get("shop").password()).map(Secret::reveal).contains("s3cret");
    }

    @Test
    void aReferenceToAMissingVariableNamesTheKeyAndTheVariable() {
        assertThat(configs.message("""
                sources:
                  shop:
                    url: jdbc:postgresql://db/shop
                    password: ${env:PG_PASSWORD}
                """)).isEqualTo("freight.yml: sources.shop.password: environment variable PG_PASSWORD is not set"
                + " (referenced as ${env:PG_PASSWORD})");
    }

    @Test
    void aReferenceMustBeTheWholeValue() {
        assertThat(configs.message("sources:\n  shop:\n    url: jdbc:postgresql://db/shop?password=${env:PW}\n"))
                .startsWith("freight.yml: sources.shop.url: a reference must be the whole value");
    }

    @Test
    void aPasswordWrittenInTheFileIsRefused() {
        assertThat(configs.message("job_store:\n  url: jdbc:postgresql://db/jobs\n  password: hunter2\n"))
                .isEqualTo("freight.yml: job_store.password: secrets are not written in the file: write ${env:NAME}"
                        + " and set the variable NAME, or set FREIGHT_JOB_STORE_PASSWORD")
                .doesNotContain("hunter2");
    }

    @Test
    void secretsNeverAppearInToString() {
        FreightConfig c = configs.load("""
                job_store:
                  url: jdbc:postgresql://db/jobs?user=freight&password=inline-pw
                  password: ${env:JOBS_PASSWORD}
                sources:
                  shop:
                    url: jdbc:mariadb://reader:url-pw@maria/shop
                    password: ${env:PG_PASSWORD}
                api_keys:
                  - name: ci
                    sha256: ${env:CI_KEY_HASH}
                    role: user
                """, Map.of("JOBS_PASSWORD", "jobs-pw", "PG_PASSWORD", "pg-pw", "CI_KEY_HASH", "ab".repeat(32)));

        String printed = c.toString();

        assertThat(printed).doesNotContain("jobs-pw", "pg-pw", "inline-pw", "url-pw", "abab");
        assertThat(printed).contains("password=Optional[***]", "password=***", "ci");
        assertThat(new Secret("pw")).hasToString("***");
    }

    // ---- unknown keys and wrong types ----------------------------------------------------------------------

    @Test
    void anUnknownTopLevelKeyIsNamedWithTheClosestValidOne() {
        assertThat(configs.message("serverr:\n  port: 9090\n"))
                .isEqualTo("freight.yml: unknown key 'serverr' (did you mean 'server'?)");
    }

    @Test
    void anUnknownNestedKeyIsNamedWithItsSection() {
        assertThat(configs.message("server:\n  prot: 9090\n"))
                .isEqualTo("freight.yml: server: unknown key 'prot' (did you mean 'port'?)");
        assertThat(configs.message("sources:\n  shop:\n    url: jdbc:h2:mem:x\n    passwrod: x\n"))
                .isEqualTo("freight.yml: sources.shop: unknown key 'passwrod' (did you mean 'password'?)");
    }

    @Test
    void anUnknownKeyFarFromAnyValidOneListsTheValidKeys() {
        assertThat(configs.message("storage:\n  bucket: exports\n"))
                .isEqualTo("freight.yml: storage: unknown key 'bucket'; valid keys: type, path, s3");
    }

    @Test
    void aWrongTypeNamesTheKeyAndTheValue() {
        assertThat(configs.message("exports:\n  sync_max_rows: ten\n"))
                .isEqualTo("freight.yml: exports.sync_max_rows: expected a positive integer, got \"ten\"");
        assertThat(configs.message("server:\n  port: 70000\n"))
                .isEqualTo("freight.yml: server.port: expected an integer from 0 to 65535, got \"70000\"");
        assertThat(configs.message("server:\n  port: [1, 2]\n"))
                .isEqualTo("freight.yml: server.port: expected an integer from 0 to 65535, got a list");
        assertThat(configs.message("server: 8080\n"))
                .isEqualTo("freight.yml: server: expected a mapping (indented key: value lines), got \"8080\"");
        assertThat(configs.message("exports:\n  default_format: xml\n"))
                .isEqualTo("freight.yml: exports.default_format: expected one of the data formats csv, tsv, json, ndjson, xlsx, "
                        + "parquet, pdf, got \"xml\"");
        assertThat(configs.message("server:\n  public_url: exports.example.com\n"))
                .startsWith("freight.yml: server.public_url: expected an absolute http(s) URL");
    }

    @Test
    void theSessionTtlIsAPositiveDurationOfTwelveHoursByDefault() {
        assertThat(FreightConfig.defaults().server().sessionTtl()).isEqualTo(Duration.ofHours(12));
        assertThat(configs.load("server:\n  session_ttl: 30m\n").server().sessionTtl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(configs.message("server:\n  session_ttl: 0s\n")).startsWith("freight.yml: server.session_ttl: ");
    }

    @Test
    void aSourceUrlMustBeASupportedJdbcUrlAndIsShownWithoutItsPassword() {
        assertThat(configs.message("sources:\n  shop:\n    url: jdbc:oracle:thin:@db?password=pw\n"))
                .isEqualTo("freight.yml: sources.shop.url: expected a JDBC URL starting with jdbc:postgresql:,"
                        + " jdbc:mariadb:, jdbc:mysql:, jdbc:h2: or jdbc:sqlite:, got \"jdbc:oracle:thin:@db?password=***\"");
        assertThat(configs.message("sources:\n  shop:\n    user: reader\n"))
                .isEqualTo("freight.yml: sources.shop.url: missing: expected a JDBC URL such as"
                        + " jdbc:postgresql://host:5432/db");
    }

    @Test
    void theJobStoreIsH2OrPostgresql() {
        assertThat(configs.message("job_store:\n  url: jdbc:sqlite:jobs.db\n"))
                .isEqualTo("freight.yml: job_store.url: the job store must be H2 (jdbc:h2:) or PostgreSQL"
                        + " (jdbc:postgresql:), got \"jdbc:sqlite:jobs.db\"");
    }

    @Test
    void sourceNamesAreLowerCaseAndDemoIsReserved() {
        assertThat(configs.message("sources:\n  Shop:\n    url: jdbc:h2:mem:x\n"))
                .isEqualTo("freight.yml: sources: invalid name 'Shop': use lower-case letters, digits, '_' and '-'");
        assertThat(configs.message("sources:\n  demo:\n    url: jdbc:h2:mem:x\n"))
                .isEqualTo("freight.yml: sources.demo: the name 'demo' is reserved for the built-in demo database"
                        + " (--demo); choose another");
    }

    @Test
    void theHeartbeatMustBeShorterThanTheLeaseAndTheKeyThatWasSetIsBlamed() {
        assertThat(configs.message("exports:\n  lease: 10s\n"))
                .isEqualTo("freight.yml: exports.lease: exports.heartbeat (10s) must be shorter than exports.lease"
                        + " (10s), or a running job's lease lapses between heartbeats and another node takes the job over");
        assertThat(configs.message("exports:\n  heartbeat: 1m\n"))
                .startsWith("freight.yml: exports.heartbeat: exports.heartbeat (1m) must be shorter than exports.lease"
                        + " (30s)");
    }

    @Test
    void anEmptyWebhooksSectionIsTheDefaults() {
        assertThat(configs.load("webhooks:\n")).isEqualTo(FreightConfig.defaults());
    }

    @Test
    void theManagementListenerIsOffUntilItsPortIsSetAndThenOnLoopback() {
        ServerConfig.Management m = configs.load("server:\n  management_port: 9091\n").server().management();
        assertThat(m).isEqualTo(new ServerConfig.Management("127.0.0.1", java.util.OptionalInt.of(9091)));
        assertThat(configs.message("server:\n  port: 9090\n  management_port: 9090\n"))
                .isEqualTo("freight.yml: server.management_port: must differ from server.port (9090), got \"9090\"");
    }

    @Test
    void jobsAreKeptAtLeastAsLongAsTheirFiles() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("FREIGHT_EXPORTS_FILE_TTL", "60d")))
                .hasMessage("FREIGHT_EXPORTS_FILE_TTL: exports.file_ttl: exports.job_retention (30d) must be at least"
                        + " exports.file_ttl (60d): a job's record must outlive its file");
    }

    @Test
    void aByteOrderMarkIsIgnored() {
        assertThat(configs.load("\uFEFFserver:\n  port: 9999\n").server().port()).isEqualTo(9999);
    }

    // ---- YAML itself ---------------------------------------------------------------------------------------

    @Test
    void aYamlSyntaxErrorGivesLineAndColumn() {
        assertThat(configs.message("server:\n  port: 8080\n host: x\n"))
                .isEqualTo("freight.yml: line 3, column 2: YAML syntax error: expected <block end>, but found"
                        + " '<block mapping start>' (while parsing a block mapping)");
    }

    @Test
    void aTabInTheIndentationIsExplained() {
        assertThat(configs.message("server:\n\tport: 8080\n"))
                .startsWith("freight.yml: line 2, column 1: YAML syntax error:")
                .endsWith("; indent with spaces, YAML does not allow tabs");
    }

    @Test
    void aDuplicateKeyIsAnError() {
        assertThat(configs.message("server:\n  port: 8080\n  port: 9090\n"))
                .isEqualTo("freight.yml: line 3, column 3: duplicate key 'port'");
    }

    @Test
    void aliasesAndSecondDocumentsAreRefused() {
        assertThat(configs.message("server:\n  port: &p 8080\nexports:\n  max_attempts: *p\n"))
                .isEqualTo("freight.yml: line 4, column 17: YAML aliases (*p) are not supported; write the value out");
        assertThat(configs.message("server:\n  port: 8080\n---\nserver:\n  port: 9090\n"))
                .startsWith("freight.yml: line 4, column 1: ").endsWith("only one YAML document is allowed, found a second one");
    }

    @Test
    void theTopLevelMustBeAMapping() {
        assertThat(configs.message("- server\n"))
                .isEqualTo("freight.yml: expected a mapping of sections (server:, sources:, ...) at the top level,"
                        + " got a list");
    }

    @Test
    void everyErrorIsOneLine() {
        assertThat(configs.message("server:\n  host: \"two\\nlines://\"\n")).doesNotContain("\n");
    }
}
