package dev.freight.access;

import dev.freight.auth.Principal;
import dev.freight.config.ConfigException;
import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
import dev.freight.config.LimitsConfig;
import dev.freight.config.RolesConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class LimitsTest {
    private static final long SERVER_MAX = 8L << 20;
    private static final Principal ANALYST = new Principal("ann", "analyst", Map.of());

    /** The YAML's {@code limits} and {@code roles} as the config loader hands them over. */
    private static Limits limits(String yaml) {
        FreightConfig config = config(yaml);
        return Limits.fromConfig(config.limits(), config.roles(), SERVER_MAX);
    }

    private static FreightConfig config(String yaml) {
        try {
            Path file = Files.createTempFile("limits", ".yml");
            try {
                // The variables freight.example.yml's commented-out sources reference.
                return ConfigLoader.load(Optional.of(Files.writeString(file, yaml)),
                        dev.freight.testing.ExampleConfig.REFERENCED);
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String refusal(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> limits(yaml));
        assertThat(e).as("expected a refusal of:\n" + yaml).isNotNull();
        return e.getMessage();
    }

    @Test
    void withoutConfigEveryoneHasTheDefaults() {
        Limits.Caps caps = limits("").of(Principal.user("u"));

        assertThat(caps).isEqualTo(new Limits.Caps(60, 5, 100_000_000L, 10L * 1024 * 1024 * 1024, 1024 * 1024));
        assertThat(limits("").of(Principal.admin("a"))).isEqualTo(caps);
    }

    @Test
    void theLimitsSectionSetsTheDefaultsOfEveryRole() {
        Limits l = limits("""
                limits:
                  exports_per_hour: 10
                  concurrent_jobs: 2
                  max_rows: 1_000_000
                  max_file_bytes: 512MiB
                  max_request_bytes: 64KB
                """);

        assertThat(l.of(ANALYST)).isEqualTo(new Limits.Caps(10, 2, 1_000_000, 512L << 20, 64_000));
        assertThat(l.of(Principal.admin("root"))).isEqualTo(l.of(ANALYST));
    }

    @Test
    void aRolesLimitsOverrideTheDefaultsKeyByKey() {
        Limits l = limits("""
                limits: { exports_per_hour: 100, max_rows: 5000 }
                roles:
                  analyst:
                    datasets: { orders: {} }
                    limits: { exports_per_hour: 10 }
                  viewer:
                    datasets: { orders: {} }
                """);

        assertThat(l.of(ANALYST).exportsPerHour()).isEqualTo(10);
        assertThat(l.of(ANALYST).maxRows()).isEqualTo(5000);
        assertThat(l.of(new Principal("v", "viewer", Map.of())).exportsPerHour()).isEqualTo(100);
        assertThat(l.of(Principal.user("u")).exportsPerHour()).isEqualTo(100);
    }

    @Test
    void maxRequestBytesNeverExceedsTheServers() {
        Limits l = limits("""
                limits: { max_request_bytes: 1GiB }
                roles: { analyst: { datasets: {}, limits: { max_request_bytes: 2GiB } } }
                """);

        assertThat(l.of(Principal.user("u")).maxRequestBytes()).isEqualTo(SERVER_MAX);
        assertThat(l.of(ANALYST).maxRequestBytes()).isEqualTo(SERVER_MAX);
    }

    @Test
    void unknownKeysAreRefusedByName() {
        assertThat(refusal("limits: { exports_per_hor: 5 }")).contains("limits.exports_per_hor", "unknown",
                "exports_per_hour");
        assertThat(refusal("roles: { analyst: { limits: { rows: 5 } } }")).contains("roles.analyst.limits.rows");
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertThat(refusal("limits: { exports_per_hour: ten }")).contains("limits.exports_per_hour", "\"ten\"");
        assertThat(refusal("limits: { concurrent_jobs: 0 }")).contains("limits.concurrent_jobs", "positive");
        assertThat(refusal("limits: { max_rows: -1 }")).contains("limits.max_rows");
        assertThat(refusal("limits: { max_file_bytes: 10XB }")).contains("limits.max_file_bytes", "size");
        assertThat(refusal("limits: { max_request_bytes: [1] }")).contains("limits.max_request_bytes");
        assertThat(refusal("limits: [1, 2]")).contains("limits", "mapping");
        assertThat(refusal("roles: { analyst: { limits: { max_file_bytes: 0 } } }"))
                .contains("roles.analyst.limits.max_file_bytes");
    }

    @Test
    void unlimitedLimitsNothing() {
        Principal p = Principal.user("u");
        assertThat(Limits.unlimited().of(p)).isEqualTo(Limits.Caps.NONE);
        assertThat(Limits.unlimited().of(p).maxFileBytes()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theExamplesCommentedOutLimitsAreTheDefaults() throws IOException {
        String uncommented = dev.freight.testing.ExampleConfig.uncommented();
        assertThat(LimitsConfig.KEYS).allSatisfy(key -> assertThat(uncommented).contains("\n  " + key + ": "));

        Limits l = Limits.fromConfig(config(uncommented).limits(), RolesConfig.NONE, Long.MAX_VALUE);

        assertThat(l.of(Principal.user("u"))).isEqualTo(Limits.Caps.DEFAULTS);
    }
}
