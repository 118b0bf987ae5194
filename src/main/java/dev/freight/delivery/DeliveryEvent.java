package dev.freight.delivery;

/**
 * What happened to a job that its deliveries tell: webhooks hear all three; an email goes out when the export
 * completed or failed (not when its file expired); a storage copy is made of a completed export only.
 */
public enum DeliveryEvent {
    COMPLETED("export.completed"), FAILED("export.failed"), EXPIRED("export.expired");

    private final String wire;

    DeliveryEvent(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static DeliveryEvent fromWire(String wire) {
        for (DeliveryEvent e : values()) if (e.wire.equals(wire)) return e;
        throw new IllegalArgumentException("unknown delivery event " + wire);
    }

    /** Whether a delivery to {@code target} is made for this event. */
    public boolean concerns(DeliveryTarget target) {
        if (target instanceof DeliveryTarget.Webhook) return true;
        if (target instanceof DeliveryTarget.Email) return this != EXPIRED;
        return this == COMPLETED;
    }
}
