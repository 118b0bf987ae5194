package dev.freight.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Durations and sizes as written in freight.yml. */
class UnitsTest {
    @TempDir
    Path dir;
    private Configs configs;

    @BeforeEach
    void setUp() {
        configs = new Configs(dir);
    }

    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "30s, PT30S", "5m, PT5M", "24h, PT24H", "30d, PT720H", "1h30m, PT1H30M",
            "PT30S, PT30S", "P2D, PT48H", "pt1m, PT1M", "' 10 s ', PT10S"})
    void durationsInShortOrIsoForm(String text, String iso) {
        assertThat(Units.duration(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "30sec", "5M", "1.5h", "h", "-5s", "PT", "s30", "1h 30", "99999999999999999d"})
    void notDurations(String text) {
        assertThat(Units.duration(text)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"1024, 1024", "512KB, 512000", "512kb, 512000", "1MB, 1000000", "1MiB, 1048576", "2GB, 2000000000",
            "2GiB, 2147483648", "1 KiB, 1024", "10B, 10", "1TB, 1000000000000"})
    void sizesInBytesOrWithAUnit(String text, long bytes) {
        assertThat(Units.size(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5MB", "MB", "12XB", "-1", "10 mega", "99999999999999999999", "9999999999TiB"})
    void notSizes(String text) {
        assertThat(Units.size(text)).isNull();
    }

    @Test
    void aBadDurationNamesTheKeyAndTheForms() {
        assertThat(configs.message("exports:\n  file_ttl: 24\n"))
                .isEqualTo("freight.yml: exports.file_ttl: expected a positive duration like 500ms, 30s, 5m, 24h, 30d"
                        + " or PT30S, got \"24\"");
        assertThat(configs.message("exports:\n  lease: 0s\n"))
                .isEqualTo("freight.yml: exports.lease: expected a positive duration like 500ms, 30s, 5m, 24h, 30d"
                        + " or PT30S, got \"0s\"");
    }

    @Test
    void aZeroShutdownGraceIsAllowed() {
        assertThat(configs.load("exports:\n  shutdown_grace: 0s\n").exports().shutdownGrace()).isZero();
    }

    @Test
    void aBadSizeNamesTheKeyAndTheForms() {
        assertThat(configs.message("server:\n  max_request_bytes: 1 megabyte\n"))
                .isEqualTo("freight.yml: server.max_request_bytes: expected a size like 1048576, 512KB, 1MB, 1MiB or"
                        + " 2GB, got \"1 megabyte\"");
        assertThat(configs.message("server:\n  max_request_bytes: 0\n"))
                .startsWith("freight.yml: server.max_request_bytes: expected a size");
    }

    @Test
    void durationsPrintBackInTheirShortestForm() {
        assertThat(Units.format(Duration.ofDays(30))).isEqualTo("30d");
        assertThat(Units.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(Units.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Units.format(Duration.ZERO)).isEqualTo("0s");
    }
}
