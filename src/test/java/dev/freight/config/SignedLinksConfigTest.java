package dev.freight.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SignedLinksConfigTest {
    private static final String KEY = "k".repeat(32);

    @TempDir
    Path dir;

    private Configs configs() {
        return new Configs(dir);
    }

    @Test
    void byDefaultThereIsNoKeyAndLinksLiveFiveMinutesAtMostADay() {
        SignedLinksConfig c = FreightConfig.defaults().server().signedLinks();

        assertThat(c.key()).isEmpty();
        assertThat(c.previousKeys()).isEmpty();
        assertThat(c.defaultTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.maxTtl()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void keysComeFromTheEnvironment() {
        SignedLinksConfig c = configs().load("""
                server:
                  signed_links:
                    key: ${env:LINK_KEY}
                    previous_keys: ["${env:OLD_KEY}", "${env:OLDER_KEY}"]
                    default_ttl: 10m
                    max_ttl: 2h
                """, Map.of("LINK_KEY", KEY, "OLD_KEY", "o".repeat(32), "OLDER_KEY", "")).server().signedLinks();

        assertThat(c.key()).map(Secret::reveal).contains(KEY);
        // An old key whose variable is empty is simply not there any more.
        assertThat(c.previousKeys()).extracting(Secret::reveal).containsExactly("o".repeat(32));
        assertThat(c.defaultTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.maxTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(c.toString()).doesNotContain(KEY).doesNotContain("ooo");
    }

    @Test
    void variablesMaySetTheKeysDirectly() {
        SignedLinksConfig c = configs().load("", Map.of("FREIGHT_SERVER_SIGNED_LINKS_KEY", KEY,
                "FREIGHT_SERVER_SIGNED_LINKS_PREVIOUS_KEYS", "a".repeat(32) + "," + "b".repeat(32))).server().signedLinks();

        assertThat(c.key()).map(Secret::reveal).contains(KEY);
        assertThat(c.previousKeys()).extracting(Secret::reveal).containsExactly("a".repeat(32), "b".repeat(32));
    }

    @Test
    void aKeyWrittenInTheFileIsRefused() {
        assertThat(configs().message("server:\n  signed_links:\n    key: " + KEY + "\n"))
                .contains("server.signed_links.key", "${env:NAME}");
        assertThat(configs().message("server:\n  signed_links:\n    previous_keys: [" + KEY + "]\n"))
                .contains("server.signed_links.previous_keys.0", "${env:NAME}");
    }

    @Test
    void shortKeysAreRefusedNamingTheKey() {
        assertThat(configs().message("server:\n  signed_links:\n    key: ${env:K}\n", Map.of("K", "short")))
                .contains("server.signed_links.key", "at least 32 bytes", "got 5").doesNotContain("short");
        assertThat(configs().message("server:\n  signed_links:\n    previous_keys: [\"${env:K}\"]\n", Map.of("K", "x")))
                .contains("server.signed_links.previous_keys", "at least 32 bytes");
    }

    @Test
    void theDefaultTtlMayNotExceedTheMaximum() {
        assertThat(configs().message("server:\n  signed_links:\n    default_ttl: 2d\n"))
                .contains("server.signed_links.default_ttl", "max_ttl (1d)");
        assertThat(configs().message("server:\n  signed_links:\n    max_ttl: 1m\n"))
                .contains("server.signed_links.max_ttl", "default_ttl (5m)");
    }

    @Test
    void unknownKeysAreRefused() {
        assertThat(configs().message("server:\n  signed_links:\n    ttl: 5m\n"))
                .contains("server.signed_links", "unknown key 'ttl'");
        assertThat(configs().message("", Map.of("FREIGHT_SERVER_SIGNED_LINKS_TTL", "5m")))
                .contains("FREIGHT_SERVER_SIGNED_LINKS_TTL", "unknown setting");
    }

    @Test
    void theListOfKeysIsTheContract() {
        assertThat(ServerBinder.SIGNED_LINKS_KEYS).isEqualTo(List.of("key", "previous_keys", "default_ttl", "max_ttl"));
    }
}
