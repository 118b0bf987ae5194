package dev.freight.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole configuration (DESIGN.md §8), validated: every value here is usable as is. Sources and datasets keep
 * the order of the file (environment-created sources come after, by name), and so do reports. Read it with {@link ConfigLoader}.
 */
public record FreightConfig(Path dataDir, ServerConfig server, JobStoreConfig jobStore, StorageConfig storage,
                            Map<String, SourceConfig> sources, Map<String, DatasetConfig> datasets,
                            ExportsConfig exports, LimitsConfig limits, RolesConfig roles,
                            List<ApiKeyConfig> apiKeys, Map<String, ReportConfig> reports, SchedulesConfig schedules,
                            VisualConfig visual, DeliveryConfig delivery) {

    /** The built-in demo database's source name; {@code --demo} adds it, so the config cannot define it. */
    public static final String DEMO_SOURCE = "demo";

    public FreightConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(jobStore, "jobStore");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(exports, "exports");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(roles, "roles");
        Objects.requireNonNull(schedules, "schedules");
        Objects.requireNonNull(visual, "visual");
        apiKeys = List.copyOf(apiKeys);
        sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
        datasets = Collections.unmodifiableMap(new LinkedHashMap<>(datasets));
        reports = Collections.unmodifiableMap(new LinkedHashMap<>(reports));
        Objects.requireNonNull(delivery, "delivery");
    }

    /** Without deliveries configured. */
    public FreightConfig(Path dataDir, ServerConfig server, JobStoreConfig jobStore, StorageConfig storage,
                         Map<String, SourceConfig> sources, Map<String, DatasetConfig> datasets,
                         ExportsConfig exports, LimitsConfig limits, RolesConfig roles,
                         List<ApiKeyConfig> apiKeys, Map<String, ReportConfig> reports, SchedulesConfig schedules,
                         VisualConfig visual) {
        this(dataDir, server, jobStore, storage, sources, datasets, exports, limits, roles, apiKeys, reports, schedules,
                visual, DeliveryConfig.NONE);
    }

    /** Everything at its default, as with no file and no {@code FREIGHT_*} variables. */
    public static FreightConfig defaults() {
        return ConfigLoader.load(Optional.empty(), Map.of());
    }

    public Optional<SourceConfig> source(String name) {
        return Optional.ofNullable(sources.get(name));
    }

    public Optional<DatasetConfig> dataset(String name) {
        return Optional.ofNullable(datasets.get(name));
    }

    /**
     * A dataset may be defined over the demo database, which exists only when Freight runs with {@code --demo};
     * the command that knows whether it does calls this before opening sources.
     */
    public void checkDemoAvailable(boolean demoEnabled) {
        if (demoEnabled) return;
        for (DatasetConfig d : datasets.values()) {
            if (d.source().equals(DEMO_SOURCE)) {
                throw new ConfigException("configuration", "datasets." + d.name() + ".source",
                        "'demo' is the built-in demo database, available only with --demo");
            }
        }
    }
}
