package dev.freight.config;

import dev.freight.testing.ExampleConfig;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * freight.example.yml at the repository root documents every key at its default. Keys whose default is derived
 * (from data_dir, the processor count) are left empty there, which means "the default"; the commented-out
 * sources, datasets, limits, roles and api_keys are examples, lines that start with '#' and two spaces, and must be
 * valid once uncommented.
 */
class ExampleConfigTest {
    private static final Path EXAMPLE = ExampleConfig.EXAMPLE;
    private static final Map<String, String> REFERENCED = ExampleConfig.REFERENCED;

    @TempDir
    Path dir;

    @Test
    void theExampleAsShippedIsExactlyTheDefaults() {
        assertThat(ConfigLoader.load(Optional.of(EXAMPLE), REFERENCED)).isEqualTo(FreightConfig.defaults());
    }

    @Test
    void theExampleDocumentsEveryKey() throws IOException {
        JsonNode example = ConfigLoader.parse("example", Files.readString(EXAMPLE));
        JsonNode uncommented = ConfigLoader.parse("example", uncommented());

        assertThat(names(example)).containsExactlyElementsOf(ConfigBinder.TOP_LEVEL_KEYS);
        assertThat(names(example.get("server"))).containsExactlyElementsOf(ServerBinder.SERVER_KEYS);
        assertThat(names(example.get("server").get("signed_links"))).containsExactlyElementsOf(ServerBinder.SIGNED_LINKS_KEYS);
        assertThat(names(example.get("job_store"))).containsExactlyElementsOf(StoresBinder.JOB_STORE_KEYS);
        List<String> storageKeys = new ArrayList<>(names(example.get("storage")));
        storageKeys.addAll(names(uncommented.get("storage")).stream().filter(k -> !storageKeys.contains(k)).toList());
        assertThat(storageKeys).containsExactlyElementsOf(StoresBinder.STORAGE_KEYS);
        assertThat(names(uncommented.get("storage").get("s3"))).containsExactlyElementsOf(StoresBinder.S3_KEYS);
        assertThat(names(example.get("exports"))).containsExactlyElementsOf(ExportsBinder.EXPORTS_KEYS);
        assertThat(names(uncommented.get("sources").get("shop"))).containsExactlyElementsOf(SourcesBinder.SOURCE_KEYS);
        List<String> datasetKeys = new ArrayList<>(names(uncommented.get("datasets").get("orders")));
        datasetKeys.addAll(names(uncommented.get("datasets").get("revenue_by_day")));
        assertThat(datasetKeys).containsAll(SourcesBinder.DATASET_KEYS);
        assertThat(names(uncommented.get("limits"))).containsExactlyElementsOf(LimitsConfig.KEYS);
        assertThat(names(uncommented.get("roles").get("analyst"))).containsExactly("datasets");
        assertThat(names(uncommented.get("roles").get("analyst").get("datasets").get("orders")))
                .containsExactlyElementsOf(RolesBinder.RULE_KEYS);
        assertThat(names(uncommented.get("api_keys").get(0))).containsExactlyElementsOf(ApiKeysBinder.ENTRY_KEYS);
        JsonNode widgets = uncommented.get("reports").get("weekly_sales").get("widgets");
        assertThat(names(uncommented.get("reports").get("weekly_sales"))).containsExactlyElementsOf(ReportsBinder.REPORT_KEYS);
        List<String> widgetKeys = new ArrayList<>(names(widgets.get("revenue")));
        widgetKeys.addAll(names(widgets.get("latest")).stream().filter(k -> !widgetKeys.contains(k)).toList());
        assertThat(widgetKeys).containsExactlyInAnyOrderElementsOf(ReportsBinder.WIDGET_KEYS);
        List<String> seriesKeys = new ArrayList<>(names(widgets.get("revenue").get("series")));
        seriesKeys.addAll(names(widgets.get("orders_in_january").get("series")).stream()
                .filter(k -> !seriesKeys.contains(k)).toList());
        assertThat(seriesKeys).containsExactlyInAnyOrderElementsOf(ReportsBinder.SERIES_KEYS);
        assertThat(names(widgets.get("revenue").get("position"))).containsExactlyElementsOf(ReportsBinder.POSITION_KEYS);
        assertThat(names(widgets.get("revenue").get("size"))).containsExactlyElementsOf(ReportsBinder.SIZE_KEYS);
        assertThat(names(example.get("visual"))).containsExactlyElementsOf(VisualBinder.VISUAL_KEYS);
        assertThat(names(uncommented.get("email"))).containsExactlyElementsOf(DeliveryBinder.EMAIL_KEYS);
        assertThat(names(uncommented.get("email").get("smtp"))).containsExactlyElementsOf(DeliveryBinder.SMTP_KEYS);
        assertThat(names(example.get("webhooks"))).containsExactlyElementsOf(DeliveryBinder.WEBHOOKS_KEYS);
        assertThat(names(uncommented.get("delivery_storage").get("archive"))).containsExactly("type", "path");
    }

    @Test
    void everyKeyHasAOneLineComment() throws IOException {
        List<String> undocumented = Files.readAllLines(EXAMPLE).stream()
                .filter(line -> line.matches("^ *[a-z_]+:.*") && !line.contains("#"))
                .collect(Collectors.toList());
        assertThat(undocumented).isEmpty();
    }

    @Test
    void theDerivedDefaultsAreTheOnesDocumented() throws IOException {
        String text = Files.readString(EXAMPLE);
        FreightConfig defaults = FreightConfig.defaults();
        String dataDir = defaults.dataDir().toAbsolutePath().toString();

        assertThat(documentedDefault(text, "url").replace("<data_dir>", dataDir).replace(" (data_dir made absolute)", ""))
                .isEqualTo(defaults.jobStore().url());
        assertThat(documentedDefault(text, "path").replace("<data_dir>", defaults.dataDir().toString()))
                .isEqualTo(defaults.storage().path().toString());
        assertThat(documentedDefault(text, "worker_concurrency"))
                .isEqualTo("2 x available processors, at least 2");
        assertThat(defaults.exports().workerConcurrency())
                .isEqualTo(Math.max(2, 2 * Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void theCommentedOutExamplesAreValid() throws IOException {
        FreightConfig c = ConfigLoader.load(Optional.of(Files.writeString(dir.resolve("freight.yml"), uncommented())),
                REFERENCED);

        assertThat(c.sources().keySet()).containsExactly("shop", "crm");
        assertThat(c.sources().get("shop").password()).map(Secret::reveal).contains("pg");
        assertThat(c.sources().get("crm").url()).startsWith("jdbc:mariadb:");
        assertThat(c.datasets().get("orders")).isInstanceOf(TableDataset.class);
        assertThat(c.datasets().get("revenue_by_day")).isInstanceOf(SqlDataset.class);
        assertThat(((SqlDataset) c.datasets().get("revenue_by_day")).sql()).startsWith("SELECT date_trunc");
        assertThat(c.limits()).isEqualTo(LimitsConfig.DEFAULTS);
        assertThat(c.roles().roles().get("analyst").datasets()).extracting(RoleConfig.DatasetRule::pattern)
                .containsExactly("orders", "reports.*");
        assertThat(c.apiKeys()).extracting(ApiKeyConfig::name, ApiKeyConfig::role)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", "analyst"));
        assertThat(c.reports().get("weekly_sales").widgets()).extracting(ReportConfig.Widget::type).containsExactly(
                ReportConfig.Type.CHART, ReportConfig.Type.KPI, ReportConfig.Type.TABLE);
        StorageConfig.S3 s3 = c.storage().s3();
        assertThat(s3.bucket()).isEqualTo("freight-exports");
        assertThat(s3.prefix()).isEqualTo("exports/prod/");
        assertThat(s3.endpoint()).hasValue(java.net.URI.create("https://minio.internal:9000"));
        assertThat(s3.secretAccessKey()).map(Secret::reveal).contains("s3-secret");
        assertThat(s3.download()).isEqualTo(StorageConfig.Download.REDIRECT);
        assertThat(s3.partSize()).isEqualTo(16L << 20);
        DeliveryConfig.Email email = c.delivery().email().orElseThrow();
        assertThat(email.host()).isEqualTo("smtp.example.com");
        assertThat(email.port()).isEqualTo(587);
        assertThat(email.password()).map(Secret::reveal).contains("smtp");
        assertThat(email.tls()).isEqualTo(DeliveryConfig.Tls.STARTTLS);
        assertThat(email.maxAttachmentBytes()).isEqualTo(10_000_000L);
        assertThat(c.delivery().storageTargets().get("archive").path()).isEqualTo(Path.of("/srv/freight/archive"));
    }

    private static String uncommented() {
        return ExampleConfig.uncommented();
    }

    /** What the comment of an empty key says its default is: "key: ... # ...; default: <this>". */
    private static String documentedDefault(String text, String key) {
        Matcher m = Pattern.compile("(?m)^ +" + key + ":\\s+#.*default: (.*)$").matcher(text);
        assertThat(m.find()).as("a documented default for " + key).isTrue();
        return m.group(1).trim();
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
