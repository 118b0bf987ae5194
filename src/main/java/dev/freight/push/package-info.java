/**
 * Carrying out deliveries: the queue of the job store's {@code export_delivery} rows (claimed by any node with
 * {@code FOR UPDATE SKIP LOCKED}, retried with exponential backoff on the database clock), and the senders: signed
 * webhooks (Standard Webhooks), emails over SMTP, copies to storage targets. Uses {@code job} (the job a delivery
 * tells of) and {@code storage}; what a plan may hold is checked earlier, by {@link dev.freight.delivery}.
 */
package dev.freight.push;
