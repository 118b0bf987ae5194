/**
 * The {@code freight} command (picocli): serve, worker, one-shot export, jobs, queue, keys, audit, demo data; wires
 * the runtime from the configuration. The top layer: nothing imports it.
 */
package dev.freight.cli;
