/**
 * The push side of an export: what to do when a job ends. A {@link dev.freight.delivery.DeliveryPlan} (webhooks,
 * emails, copies to a storage target, and an optional alert condition) is read from an export request
 * ({@link dev.freight.delivery.DeliveryPlans}), stored with the job, and carried out once the job completes, fails or
 * expires: each delivery is a row of the job store's delivery log, claimed by any node and retried with backoff, so
 * it neither blocks the export nor is lost with the node that finished it.
 */
package dev.freight.delivery;
