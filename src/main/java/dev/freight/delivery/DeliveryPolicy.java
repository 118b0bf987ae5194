package dev.freight.delivery;

import dev.freight.config.DeliveryConfig;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.query.SeriesShape;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What the configuration allows of a {@link DeliveryPlan}, checked before a job is queued so that a plan that could
 * never be delivered is a 400 at once: webhook hosts on {@code webhooks.allowed_hosts} and (unless
 * {@code allow_private_addresses}) resolving to public addresses only (a name that does not resolve yet is left to
 * the send-time check); email configured; storage targets defined;
 * a measure condition naming a measure of the export's series.
 */
public final class DeliveryPolicy {
    /** Nothing configured: only conditions on the row count pass (and measure conditions on a series). */
    public static final DeliveryPolicy NONE = new DeliveryPolicy(DeliveryConfig.NONE);

    private final DeliveryConfig config;

    public DeliveryPolicy(DeliveryConfig config) {
        this.config = config;
    }

    public DeliveryConfig config() {
        return config;
    }

    /**
     * Throws InvalidRequestException ({@code invalid_delivery_target}, {@code invalid_condition}) for the first
     * thing not allowed. {@code series}: the export's series shape, null when it is not a series.
     */
    public void check(DeliveryPlan plan, SeriesShape series) {
        for (int i = 0; i < plan.targets().size(); i++) {
            DeliveryTarget t = plan.targets().get(i);
            String field = "deliveries[" + i + "]";
            if (t instanceof DeliveryTarget.Webhook w) {
                checkWebhook(w.url(), field);
            } else if (t instanceof DeliveryTarget.Email) {
                if (config.email().isEmpty()) {
                    throw invalid(field, field + ": email is not configured on this server (email.smtp.host)");
                }
            } else if (t instanceof DeliveryTarget.Storage s) {
                if (!config.storageTargets().containsKey(s.target())) {
                    throw invalid(field + ".target", config.storageTargets().isEmpty()
                            ? "unknown storage target '" + s.target() + "': none is configured (delivery_storage)"
                            : Messages.unknown("storage target", s.target(), new TreeSet<>(config.storageTargets().keySet())));
                }
            }
        }
        if (plan.condition() != null) checkCondition(DeliveryCondition.parse(plan.condition(), "condition"), series);
    }

    /** The webhook may be sent to {@code url}: an allowed host that resolves only to allowed addresses. */
    public void checkWebhook(String url, String field) {
        String host = URI.create(url).getHost();
        if (!config.webhooks().allows(host)) {
            throw invalid(field, "webhook host '" + host + "' is not allowed: "
                    + (config.webhooks().allowedHosts().isEmpty() ? "webhooks.allowed_hosts is empty on this server"
                    : "webhooks.allowed_hosts is " + config.webhooks().allowedHosts()));
        }
        if (config.webhooks().allowPrivateAddresses()) return;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            // Accepted: the allow-list is what the request must pass, and a schedule's webhook may well not resolve
            // from here today (no DNS on this node yet, a record still to be made). Whatever it resolves to later is
            // checked when it is sent, by the sender's own resolver on the addresses it connects to; until it
            // resolves, the delivery is retried.
            return;
        }
        for (InetAddress a : addresses) {
            if (Addresses.isPrivate(a)) {
                throw invalid(field, "webhook host '" + host + "' resolves to " + a.getHostAddress() + ", a private, "
                        + "loopback or link-local address, which webhooks may not reach (webhooks.allow_private_addresses)");
            }
        }
    }

    private static void checkCondition(DeliveryCondition c, SeriesShape series) {
        if (c.onRows()) return;
        if (series == null) {
            throw new InvalidRequestException(ProblemCode.INVALID_CONDITION, "condition", "condition \"" + Messages.shorten(c)
                    + "\" names a measure, and this export is not a series; use rows, or add a series");
        }
        List<String> measures = new ArrayList<>();
        int first = 1 + series.groupCount();
        for (int i = 0; i < series.measures().size(); i++) measures.add(series.outputColumns().get(first + i).name());
        if (!measures.contains(c.column())) {
            throw new InvalidRequestException(ProblemCode.INVALID_CONDITION, "condition", "condition \"" + Messages.shorten(c) + "\": "
                    + Messages.unknown("measure", c.column(), "of this series", measures));
        }
    }

    private static InvalidRequestException invalid(String field, String message) {
        return new InvalidRequestException(ProblemCode.INVALID_DELIVERY_TARGET, field, message);
    }
}
