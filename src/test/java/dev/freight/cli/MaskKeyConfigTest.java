package dev.freight.cli;

import dev.freight.config.ConfigException;
import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Nodes sharing a job store must hash masked values alike: a per-node generated key would not. */
class MaskKeyConfigTest {
    private static final String ROLES = """
            roles:
              analyst:
                datasets:
                  orders: {columns_masked: {sku: hash}}
            """;

    private static FreightConfig config(Path dir, String yaml, Map<String, String> env) throws Exception {
        return ConfigLoader.load(Optional.of(Files.writeString(dir.resolve("freight.yml"),
                "data_dir: " + dir.resolve("data") + "\n" + yaml)), env);
    }

    @Test
    void aHashMaskOnASharedJobStoreNeedsAConfiguredKey(@TempDir Path dir) throws Exception {
        FreightConfig c = config(dir, "job_store:\n  url: jdbc:postgresql://db:5432/freight\n" + ROLES, Map.of());
        assertThatThrownBy(() -> FreightRuntime.access(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("server.mask_key").hasMessageContaining("PostgreSQL");
    }

    @Test
    void aHashMaskOnASharedJobStoreWithAConfiguredKeyIsAccepted(@TempDir Path dir) throws Exception {
        FreightConfig c = config(dir, "server:\n  mask_key: ${env:MASK_KEY}\njob_store:\n  url: jdbc:postgresql://db:5432/freight\n"
                + ROLES, Map.of("MASK_KEY", "k".repeat(40)));
        assertThat(FreightRuntime.access(c).usesHashMask()).isTrue();
    }

    @Test
    void oneNodeOnTheEmbeddedJobStoreMayUseItsGeneratedKey(@TempDir Path dir) throws Exception {
        FreightConfig c = config(dir, ROLES, Map.of());
        assertThatCode(() -> FreightRuntime.access(c)).doesNotThrowAnyException();
        assertThat(Files.exists(dir.resolve("data").resolve("mask-key"))).isTrue();
    }
}
