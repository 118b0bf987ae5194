package dev.freight.delivery;

import dev.freight.config.DeliveryConfig;
import dev.freight.config.Secret;
import dev.freight.error.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What a server allows of a plan, checked when the export is requested. */
class DeliveryPolicyTest {

    static DeliveryPolicy policy(List<String> hosts, boolean allowPrivate) {
        return new DeliveryPolicy(new DeliveryConfig(Optional.empty(), new DeliveryConfig.Webhooks(hosts,
                Optional.of(new Secret("0123456789abcdef0123456789")), allowPrivate, Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofHours(24), Duration.ofSeconds(5)), Map.of()));
    }

    static InvalidRequestException refused(DeliveryPolicy policy, DeliveryTarget target) {
        return catchThrowableOfType(InvalidRequestException.class,
                () -> policy.check(new DeliveryPlan(List.of(target), null), null));
    }

    @Test
    void anAllowedHostResolvingToLoopbackIsRefusedUnlessPrivateAddressesAreAllowed() {
        DeliveryTarget local = new DeliveryTarget.Webhook("http://localhost:8080/hook");
        InvalidRequestException e = refused(policy(List.of("localhost"), false), local);
        assertThat(e.code()).isEqualTo("invalid_delivery_target");
        assertThat(e.getMessage()).startsWith("webhook host 'localhost' resolves to ").endsWith(", a private, loopback or "
                + "link-local address, which webhooks may not reach (webhooks.allow_private_addresses)");
        policy(List.of("localhost"), true).check(new DeliveryPlan(List.of(local), null), null);
    }

    @Test
    void theCloudMetadataAddressIsRefusedEvenWhenListed() {
        assertThat(refused(policy(List.of("169.254.169.254"), false),
                new DeliveryTarget.Webhook("http://169.254.169.254/latest/meta-data")).getMessage())
                .startsWith("webhook host '169.254.169.254' resolves to 169.254.169.254, a private");
    }

    @Test
    void emailAndStorageNeedTheirConfiguration() {
        assertThat(refused(DeliveryPolicy.NONE, new DeliveryTarget.Email(List.of("a@example.com"), null)).getMessage())
                .isEqualTo("deliveries[0]: email is not configured on this server (email.smtp.host)");
        assertThat(refused(DeliveryPolicy.NONE, new DeliveryTarget.Storage("archive", StorageNames.DEFAULT)).getMessage())
                .isEqualTo("unknown storage target 'archive': none is configured (delivery_storage)");
    }

    @Test
    void aMeasureConditionNeedsASeries() {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> DeliveryPolicy.NONE.check(
                new DeliveryPlan(List.of(), "max(sum_amount) > 1"), null));
        assertThat(e.code()).isEqualTo("invalid_condition");
        assertThat(e.getMessage()).isEqualTo("condition \"max(sum_amount) > 1\" names a measure, and this export is "
                + "not a series; use rows, or add a series");
    }

    @Test
    void privateAddressesAreTheNonPublicRanges() throws Exception {
        for (String a : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1")) {
            assertThat(Addresses.isPrivate(InetAddress.getByName(a))).as(a).isTrue();
        }
        for (String a : List.of("93.184.216.34", "8.8.8.8", "2606:4700::1111", "64:ff9b::808:808")) {
            assertThat(Addresses.isPrivate(InetAddress.getByName(a))).as(a).isFalse();
        }
    }

    @Test
    void anAllowedNameThatDoesNotResolveYetIsAcceptedAndLeftToTheSendTimeCheck() {
        // .invalid never resolves (RFC 6761): as a host whose record is still to be made, or a node without DNS.
        policy(List.of("hooks.invalid"), false).check(new DeliveryPlan(List.of(
                new DeliveryTarget.Webhook("https://hooks.invalid/freight")), null), null);
        assertThat(refused(policy(List.of("hooks.invalid"), false), new DeliveryTarget.Webhook("https://other.invalid/x"))
                .getMessage()).startsWith("webhook host 'other.invalid' is not allowed");
    }

    @Test
    void anIpv6EntryOfTheAllowListMatchesItsUrl() {
        DeliveryPolicy policy = policy(List.of("[2606:4700::1111]"), false);
        policy.check(new DeliveryPlan(List.of(new DeliveryTarget.Webhook("https://[2606:4700::1111]/hook")), null), null);
        assertThat(refused(policy, new DeliveryTarget.Webhook("https://[2606:4700::1001]/hook")).getMessage())
                .startsWith("webhook host '[2606:4700::1001]' is not allowed");
    }
}
