package dev.freight.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the parsed file and the environment into a {@link FreightConfig}: the top-level keys here, each section by
 * its binder ({@link ServerBinder}, {@link StoresBinder}, {@link SourcesBinder}, {@link ExportsBinder},
 * {@link LimitsBinder}, {@link RolesBinder}, {@link ApiKeysBinder}, {@link ReportsBinder}).
 *
 * <p>Each key is read by its path ({@code exports.sync_max_rows}) through the {@link EnvironmentOverrides}: the
 * variable {@code FREIGHT_<PATH>}, when set and not empty, replaces the file's value, and a value that is exactly
 * {@code ${env:NAME}} is then replaced by that variable ({@link EnvReferences}). Only then is it typed
 * ({@link ConfigValue}), so a value is checked the same way wherever it came from, and an error names the key and
 * its origin (file or variable).
 *
 * <p>Binding is explicit rather than by reflection so that every message can name the key, its expected form and
 * the valid choices, and so that unknown keys are errors instead of silently ignored typos.
 */
final class ConfigBinder {
    static final List<String> TOP_LEVEL_KEYS = List.of("data_dir", "server", "job_store", "storage", "sources",
            "datasets", "exports", "limits", "roles", "api_keys", "reports", "schedules", "visual", "email",
            "webhooks", "delivery_storage");
    /** Sections named by the design but not built yet: refused when set, rather than silently doing nothing. */
    static final Map<String, String> NOT_IMPLEMENTED = Map.of();
    /** Sections whose every variable must be one a binder reads, so that a misspelt one is an error. */
    private static final List<String> CHECKED_PREFIXES = List.of("SERVER", "JOB_STORE", "STORAGE", "EXPORTS",
            "LIMITS", "SCHEDULES", "VISUAL", "EMAIL", "WEBHOOKS");

    private final String fileOrigin;
    private final EnvironmentOverrides overrides;
    private final int processors;

    /** {@code fileLabel} is null when there is no file. */
    ConfigBinder(String fileLabel, Map<String, String> env, int processors) {
        this.fileOrigin = fileLabel != null ? fileLabel : ConfigException.CONFIGURATION;
        this.overrides = new EnvironmentOverrides(env);
        this.processors = processors;
    }

    FreightConfig bind(ObjectNode root) {
        ConfigSection top = new ConfigSection(overrides, "", root, fileOrigin);
        List<String> known = new ArrayList<>(TOP_LEVEL_KEYS);
        known.addAll(NOT_IMPLEMENTED.keySet());
        top.allow(known);
        Path dataDir = top.get("data_dir").path(Path.of("freight-data"));
        ServerConfig server = ServerBinder.server(top.section("server", ServerBinder.SERVER_KEYS));
        JobStoreConfig jobStore = StoresBinder.jobStore(top.section("job_store", StoresBinder.JOB_STORE_KEYS),
                dataDir);
        StorageConfig storage = StoresBinder.storage(top.section("storage", null), dataDir);
        SourcesBinder named = new SourcesBinder(overrides, fileOrigin);
        Map<String, SourceConfig> sources = named.sources(top);
        Map<String, DatasetConfig> datasets = named.datasets(top, sources);
        ExportsConfig exports = ExportsBinder.exports(top.section("exports", ExportsBinder.EXPORTS_KEYS), processors);
        if (exports.deleteAfterDownload() && storage.s3() != null
                && storage.s3().download() == StorageConfig.Download.REDIRECT) {
            // A redirected download goes straight to S3: Freight never sees it finish, so it cannot delete after it.
            throw new ConfigException(fileOrigin, "storage.s3.download", "redirect (the default) cannot be combined"
                    + " with exports.delete_after_download: Freight does not see a redirected download finish; set"
                    + " download: proxy, or turn delete_after_download off");
        }
        LimitsConfig limits = LimitsBinder.limits(top, overrides);
        RolesConfig roles = RolesBinder.roles(tree(top, "roles"), limits);
        List<ApiKeyConfig> apiKeys = ApiKeysBinder.apiKeys(tree(top, "api_keys"), roles.allNames());
        Map<String, ReportConfig> reports = ReportsBinder.reports(tree(top, "reports"));
        SchedulesConfig schedules = SchedulesConfig.bind(top.section("schedules", SchedulesConfig.KEYS));
        VisualConfig visual = VisualBinder.visual(top.section("visual", VisualBinder.VISUAL_KEYS));
        DeliveryConfig delivery = new DeliveryConfig(DeliveryBinder.email(top.section("email", DeliveryBinder.EMAIL_KEYS)),
                DeliveryBinder.webhooks(top.section("webhooks", DeliveryBinder.WEBHOOKS_KEYS)),
                DeliveryBinder.storageTargets(top.section("delivery_storage", null), dataDir));
        NOT_IMPLEMENTED.forEach((key, why) -> {
            if (!tree(top, key).isEmpty()) throw new ConfigException(fileOrigin, key, why);
        });
        overrides.rejectUnread(CHECKED_PREFIXES);
        return new FreightConfig(dataDir, server, jobStore, storage, sources, datasets, exports, limits, roles,
                apiKeys, reports, schedules, visual, delivery);
    }

    private JsonNode tree(ConfigSection top, String key) {
        return overrides.tree(key, top.node.get(key), fileOrigin);
    }
}
