package dev.freight.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code visual}: the browser that draws pictures, bound with defaults, and refused at load when malformed. */
class VisualConfigTest {
    @TempDir
    Path dir;
    Configs configs;

    @BeforeEach
    void setUp() {
        configs = new Configs(dir);
    }

    @Test
    void withoutTheSectionTheDefaultsApply() {
        assertThat(configs.load("").visual()).isEqualTo(new VisualConfig(Path.of("/usr/bin/chromium"), 2,
                Duration.ofSeconds(60)));
    }

    @Test
    void eachKeyIsReadFromTheFileOrItsVariable() {
        VisualConfig v = configs.load("visual:\n  chromium: /opt/chromium/chrome\n  max_browsers: 4\n  render_timeout: 90s\n",
                Map.of("FREIGHT_VISUAL_MAX_BROWSERS", "3")).visual();
        assertThat(v).isEqualTo(new VisualConfig(Path.of("/opt/chromium/chrome"), 3, Duration.ofSeconds(90)));
    }

    @Test
    void aMissingBrowserIsNoErrorAtLoadButAMalformedValueIs() {
        assertThat(configs.load("visual:\n  chromium: /nowhere/chromium\n").visual().chromium())
                .isEqualTo(Path.of("/nowhere/chromium"));
        assertThat(configs.message("visual:\n  chromium: chromium\n")).isEqualTo("freight.yml: visual.chromium: expected "
                + "the absolute path of the Chromium executable, e.g. /usr/bin/chromium, got \"chromium\"");
        assertThat(configs.message("visual:\n  max_browsers: 0\n"))
                .isEqualTo("freight.yml: visual.max_browsers: expected an integer from 1 to 16, got \"0\"");
        assertThat(configs.message("visual:\n  render_timeout: 20m\n")).isEqualTo("freight.yml: visual.render_timeout: "
                + "expected a duration from 1s to 10m (a render page that takes longer fails with render_timeout), got \"20m\"");
        assertThat(configs.message("visual:\n  render_timeout: 500ms\n")).startsWith("freight.yml: visual.render_timeout: "
                + "expected a duration from 1s to 10m");
        assertThat(configs.message("visual:\n  browsers: 2\n")).isEqualTo("freight.yml: visual: unknown key 'browsers'; "
                + "valid keys: chromium, max_browsers, render_timeout");
        assertThat(configs.message("", Map.of("FREIGHT_VISUAL_MAX_BROWSER", "2"))).contains("FREIGHT_VISUAL_MAX_BROWSER");
    }

    @Test
    void aPictureCannotBeTheDefaultFormat() {
        assertThat(configs.message("exports:\n  default_format: png\n")).isEqualTo("freight.yml: exports.default_format: "
                + "expected one of the data formats csv, tsv, json, ndjson, xlsx, parquet, pdf, got \"png\"");
    }
}
