/**
 * Reading and validating {@code freight.yml} and the {@code FREIGHT_*} environment into records: every section
 * ({@link dev.freight.config.ServerConfig}, {@link dev.freight.config.JobStoreConfig},
 * {@link dev.freight.config.StorageConfig}, {@link dev.freight.config.SourceConfig}, the datasets,
 * {@link dev.freight.config.ExportsConfig}, {@link dev.freight.config.LimitsConfig},
 * {@link dev.freight.config.RolesConfig}, {@link dev.freight.config.ApiKeyConfig},
 * {@link dev.freight.config.ReportConfig}) is bound here, once, and the rest of Freight takes those records and
 * parses nothing. A mistake is a {@link dev.freight.config.ConfigException}: one
 * line naming the key and where its value came from.
 *
 * <p>How it is built: {@link dev.freight.config.ConfigLoader} (the entry) parses the YAML and hands it to
 * {@code ConfigBinder}, which binds each section with its binder ({@code ServerBinder}, {@code StoresBinder},
 * {@code SourcesBinder}, {@code ExportsBinder}, {@code LimitsBinder}, {@code RolesBinder}, {@code ApiKeysBinder},
 * {@code ReportsBinder}).
 * Values are read through {@code EnvironmentOverrides} ({@code FREIGHT_<PATH>} variables, unknown ones refused)
 * and {@code EnvReferences} ({@code ${env:NAME}}), and typed by {@code ConfigValue} and {@code ConfigSection}
 * (units, secrets, choices, required keys, unknown keys with "did you mean").
 *
 * <p>What needs the catalog (that a role's datasets, columns and masks exist, that a row filter runs, that a report's
 * widgets plan) is not known here and is checked by {@code access} and {@code export} at start-up.
 *
 * <p>Must not import: anything of Freight above it ({@code query}, {@code engine}, {@code job}, {@code storage},
 * {@code export}, {@code http}, {@code cli}, {@code auth}, {@code access}, {@code audit}, {@code store}). It
 * imports {@code source} (JDBC dialects, the embedded H2 URL) and {@code format} (the formats of
 * {@code exports.default_format}) only because they define those values; nothing else of Freight.
 */
package dev.freight.config;
