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
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class LimitsTest {
    private static final long SERVER_MAX = 8L << 20;
    private static final Principal ANALYST = new Principal("ann", "analyst", Map.of());

    /** The YAML's {@code limits} and {@code roles} as the config loader hands them over. */
    private static Limits limits(String yaml, AtomicLong nanos) {
        FreightConfig config = config(yaml);
        return Limits.fromConfig(config.limits(), config.roles(), SERVER_MAX, nanos::get);
    }

    private static FreightConfig config(String yaml) {
        try {
            Path file = Files.createTempFile("limits", ".yml");
            try {
                // The variables freight.example.yml's commented-out sources reference.
                return ConfigLoader.load(Optional.of(Files.writeString(file, yaml)),
                        Map.of("PG_PASSWORD", "pg", "CRM_DB_PASSWORD", "crm"));
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Limits limits(String yaml) {
        return limits(yaml, new AtomicLong());
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
    void theHourlyBudgetRunsOutAndRefillsOverTheHour() {
        AtomicLong nanos = new AtomicLong();
        Limits l = limits("limits: { exports_per_hour: 3 }", nanos);
        Principal p = Principal.user("u");

        for (int i = 0; i < 3; i++) assertThat(l.tryStartExport(p)).isEmpty();
        Optional<Duration> wait = l.tryStartExport(p);

        // Greedy refill: one export every 20 minutes.
        assertThat(wait).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofMinutes(19), Duration.ofMinutes(20)));
        nanos.addAndGet(Duration.ofMinutes(20).toNanos());
        assertThat(l.tryStartExport(p)).isEmpty();
        assertThat(l.tryStartExport(p)).isPresent();
        nanos.addAndGet(Duration.ofHours(1).toNanos());
        for (int i = 0; i < 3; i++) assertThat(l.tryStartExport(p)).isEmpty();
    }

    @Test
    void budgetsArePerPrincipal() {
        Limits l = limits("limits: { exports_per_hour: 1 }");

        assertThat(l.tryStartExport(Principal.user("a"))).isEmpty();
        assertThat(l.tryStartExport(Principal.user("a"))).isPresent();
        assertThat(l.tryStartExport(Principal.user("b"))).isEmpty();
    }

    @Test
    void idleBudgetsAreDroppedSoTheMapStaysBounded() {
        AtomicLong nanos = new AtomicLong();
        Limits l = limits("", nanos);
        for (int i = 0; i < Limits.MAX_BUCKETS; i++) l.tryStartExport(Principal.user("p" + i));
        assertThat(l.budgetsHeld()).isEqualTo(Limits.MAX_BUCKETS);

        nanos.addAndGet(Duration.ofHours(1).toNanos());
        l.tryStartExport(Principal.user("newcomer"));

        assertThat(l.budgetsHeld()).isEqualTo(1);
    }

    @Test
    void evenActiveBudgetsAreBounded() {
        AtomicLong nanos = new AtomicLong();
        Limits l = limits("", nanos);
        for (int i = 0; i <= Limits.MAX_BUCKETS + 10; i++) {
            nanos.incrementAndGet();
            l.tryStartExport(Principal.user("p" + i));
        }
        assertThat(l.budgetsHeld()).isLessThanOrEqualTo(Limits.MAX_BUCKETS);
    }

    @Test
    void syncExportsInFlightAreCountedUntilClosed() {
        Limits l = limits("");
        Principal p = Principal.user("u");
        Limits.SyncSlot a = l.startSync(p);
        Limits.SyncSlot b = l.startSync(p);
        assertThat(l.syncInFlight(p)).isEqualTo(2);

        a.close();
        a.close();
        assertThat(l.syncInFlight(p)).isEqualTo(1);
        b.close();
        assertThat(l.syncInFlight(p)).isZero();
    }

    @Test
    void unlimitedLimitsNothing() {
        Principal p = Principal.user("u");
        for (int i = 0; i < 1000; i++) assertThat(Limits.unlimited().tryStartExport(p)).isEmpty();
        assertThat(Limits.unlimited().of(p).maxFileBytes()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theExamplesCommentedOutLimitsAreTheDefaults() throws IOException {
        String uncommented = Files.readAllLines(Path.of("freight.example.yml")).stream()
                .map(line -> line.startsWith("#  ") ? line.substring(1) : line)
                .collect(Collectors.joining("\n", "", "\n"));
        assertThat(LimitsConfig.KEYS).allSatisfy(key -> assertThat(uncommented).contains("\n  " + key + ": "));

        Limits l = Limits.fromConfig(config(uncommented).limits(), RolesConfig.NONE, Long.MAX_VALUE);

        assertThat(l.of(Principal.user("u"))).isEqualTo(Limits.Caps.DEFAULTS);
    }
}
