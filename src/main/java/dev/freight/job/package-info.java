/**
 * Background exports: the job store and queue, workers that claim jobs and run them through {@code export},
 * heartbeats and leases, retries, and the sweeper (expiry and cleanup). Uses {@code export}, {@code store},
 * {@code storage} and below; never {@code http} or {@code cli}.
 */
package dev.freight.job;
