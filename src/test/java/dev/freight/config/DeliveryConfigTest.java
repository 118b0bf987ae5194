package dev.freight.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** email, webhooks and delivery_storage: bound, and refused at start-up with the key at fault. */
class DeliveryConfigTest {
    static final Map<String, String> ENV = Map.of("HOOK_SECRET", "0123456789abcdef0123456789abcdef", "SMTP_PW", "pw");

    @TempDir
    Path dir;

    Configs configs() {
        return new Configs(dir);
    }

    @Test
    void nothingConfiguredMeansNoEmailNoWebhooksAndNoStorageTargets() {
        DeliveryConfig d = FreightConfig.defaults().delivery();
        assertThat(d.email()).isEmpty();
        assertThat(d.webhooks().allowedHosts()).isEmpty();
        assertThat(d.webhooks().retryInitialDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.webhooks().giveUpAfter()).isEqualTo(Duration.ofHours(24));
        assertThat(d.storageTargets()).isEmpty();
    }

    @Test
    void webhooksAreBoundWithTheirSecretFromTheEnvironment() {
        DeliveryConfig.Webhooks w = configs().load("""
                webhooks:
                  allowed_hosts: [hooks.example.com, "*.internal.example.com"]
                  secret: ${env:HOOK_SECRET}
                  retry_initial_delay: 200ms
                  retry_max_delay: 5s
                """, ENV).delivery().webhooks();
        assertThat(w.secret().orElseThrow().reveal()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(w.retryInitialDelay()).isEqualTo(Duration.ofMillis(200));
        assertThat(w.allows("hooks.example.com")).isTrue();
        assertThat(w.allows("HOOKS.example.com")).isTrue();
        assertThat(w.allows("a.internal.example.com")).isTrue();
        assertThat(w.allows("internal.example.com")).as("a wildcard is for sub-domains").isFalse();
        assertThat(w.allows("evil-hooks.example.com")).isFalse();
        assertThat(w.allows("hooks.example.com.evil.net")).isFalse();
    }

    @Test
    void anEndpointHasItsOwnSecretByTheLongestUrlPrefix() {
        Map<String, String> env = Map.of("HOOK_SECRET", "0123456789abcdef0123456789abcdef",
                "TEAM_A", "team-a-secret-0123456789abcdef", "TEAM_A_OPS", "team-a-ops-secret-0123456789ab");
        DeliveryConfig.Webhooks w = configs().load("""
                webhooks:
                  allowed_hosts: [hooks.example.com]
                  secret: ${env:HOOK_SECRET}
                  endpoint_secrets:
                    "https://hooks.example.com/team-a/": ${env:TEAM_A}
                    "https://hooks.example.com/team-a/ops/": ${env:TEAM_A_OPS}
                """, env).delivery().webhooks();
        assertThat(w.secretFor("https://hooks.example.com/team-a/x").orElseThrow().reveal()).isEqualTo(env.get("TEAM_A"));
        assertThat(w.secretFor("https://hooks.example.com/team-a/ops/x").orElseThrow().reveal()).isEqualTo(env.get("TEAM_A_OPS"));
        assertThat(w.secretFor("https://hooks.example.com/other").orElseThrow().reveal()).isEqualTo(env.get("HOOK_SECRET"));
    }

    @Test
    void anEndpointSecretNeedsAUrlPrefixAndALongSecretFromTheEnvironment() {
        assertThat(configs().message("webhooks:\n  secret: ${env:HOOK_SECRET}\n  endpoint_secrets:\n    hooks.example.com: ${env:HOOK_SECRET}\n", ENV))
                .isEqualTo("freight.yml: webhooks.endpoint_secrets.hooks.example.com: expected a URL prefix such as "
                        + "https://hooks.example.com/freight (the webhooks to URLs it begins are signed with this secret)");
        assertThat(configs().message("webhooks:\n  secret: ${env:HOOK_SECRET}\n  endpoint_secrets:\n    \"https://h.example.com/\": ${env:SHORT}\n",
                Map.of("HOOK_SECRET", "0123456789abcdef0123456789abcdef", "SHORT", "short")))
                .endsWith("the webhook secret must be at least 24 bytes (e.g. openssl rand -base64 32)");
        assertThat(configs().message("webhooks:\n  secret: ${env:HOOK_SECRET}\n  endpoint_secrets:\n    \"https://h.example.com/\": in-the-file-secret-0123456789\n", ENV))
                .contains("secrets are not written in the file");
    }

    @Test
    void allowedHostsWithoutASecretAreRefused() {
        assertThat(configs().message("webhooks:\n  allowed_hosts: [hooks.example.com]\n")).isEqualTo("freight.yml: "
                + "webhooks.secret: missing: webhooks.allowed_hosts is set, so webhooks are sent and must be signed: set "
                + "secret: ${env:NAME}");
    }

    @Test
    void aSecretWrittenInTheFileOrTooShortIsRefused() {
        assertThat(configs().message("webhooks:\n  secret: plain-text-secret-in-the-file\n"))
                .startsWith("freight.yml: webhooks.secret: secrets are not written in the file");
        assertThat(configs().message("webhooks:\n  secret: ${env:SHORT}\n", Map.of("SHORT", "short")))
                .isEqualTo("freight.yml: webhooks.secret: the webhook secret must be at least 24 bytes (e.g. openssl "
                        + "rand -base64 32)");
    }

    @Test
    void anAllowedHostIsAHostNameNotAUrl() {
        assertThat(configs().message("webhooks:\n  allowed_hosts: [\"https://hooks.example.com/x\"]\n  secret: ${env:HOOK_SECRET}\n", ENV))
                .startsWith("freight.yml: webhooks.allowed_hosts: expected host names such as hooks.example.com or "
                        + "*.example.com (no scheme, port or path), one is \"https://hooks.example.com/x\"");
    }

    @Test
    void theLongestRetryDelayIsAtLeastTheFirst() {
        assertThat(configs().message("webhooks:\n  retry_initial_delay: 10m\n  retry_max_delay: 1m\n"))
                .isEqualTo("freight.yml: webhooks.retry_max_delay: webhooks.retry_max_delay (1m) must be at least "
                        + "webhooks.retry_initial_delay (10m)");
    }

    @Test
    void emailIsBoundFromSmtpHostAndSender() {
        DeliveryConfig.Email e = configs().load("""
                email:
                  from: freight@example.com
                  smtp: { host: smtp.example.com, tls: tls, username: freight, password: "${env:SMTP_PW}" }
                  max_attachment_bytes: 5MB
                """, ENV).delivery().email().orElseThrow();
        assertThat(e.port()).as("SMTPS' port with tls").isEqualTo(465);
        assertThat(e.tls()).isEqualTo(DeliveryConfig.Tls.TLS);
        assertThat(e.password().orElseThrow().reveal()).isEqualTo("pw");
        assertThat(e.maxAttachmentBytes()).isEqualTo(5_000_000L);
    }

    @Test
    void emailSettingsWithoutAServerOrASenderAreRefused() {
        assertThat(configs().message("email:\n  from: freight@example.com\n")).isEqualTo("freight.yml: email.from: "
                + "email.smtp.host is not set: set it to send emails, or remove the email settings");
        assertThat(configs().message("email:\n  smtp: { host: smtp.example.com }\n")).isEqualTo("freight.yml: email.from: "
                + "missing: expected the sender address, e.g. freight@example.com");
        assertThat(configs().message("email:\n  from: freight@example.com\n  smtp: { host: smtp.example.com, tls: ssl }\n"))
                .isEqualTo("freight.yml: email.smtp.tls: expected none, starttls or tls, got \"ssl\"");
    }

    @Test
    void aLocalStorageTargetNeedsItsPath() {
        assertThat(configs().message("delivery_storage:\n  archive: { type: local }\n")).isEqualTo("freight.yml: "
                + "delivery_storage.archive.path: missing: expected the directory copies are written to");
        assertThat(configs().load("delivery_storage:\n  archive: { path: /srv/archive }\n").delivery().storageTargets()
                .get("archive").path()).isEqualTo(Path.of("/srv/archive"));
    }
}
