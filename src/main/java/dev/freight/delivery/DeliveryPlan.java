package dev.freight.delivery;

import java.util.List;

/**
 * What happens when a job ends: its {@code targets}, delivered only when {@code condition} (null: always) holds on
 * the export's result. Stored with the job as {@link DeliveryPlans#toJson JSON}.
 */
public record DeliveryPlan(List<DeliveryTarget> targets, String condition) {
    public static final DeliveryPlan NONE = new DeliveryPlan(List.of(), null);

    public DeliveryPlan {
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /** No target: nothing to deliver (a condition alone is still evaluated and recorded). */
    public boolean isEmpty() {
        return targets.isEmpty();
    }
}
