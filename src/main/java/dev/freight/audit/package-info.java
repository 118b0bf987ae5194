/**
 * The audit log: what each principal did to which export, with what result; stored in the job store's database.
 * Uses {@code auth} (principals), {@code query} (requests) and {@code store}.
 */
package dev.freight.audit;
