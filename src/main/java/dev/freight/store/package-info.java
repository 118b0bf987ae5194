/**
 * The job-store database, one home for everything that lives in it: {@link dev.freight.store.JobStoreDatabase} (the
 * connection pool, H2 or PostgreSQL, migrated on open, and its {@link dev.freight.store.DatabaseClock}),
 * {@link dev.freight.store.JobStoreMigrations} (the one migration set {@code db/job-store}, its per-database
 * placeholders and the checksums of the former per-database sets), {@link dev.freight.store.StoreSql} (query, update
 * and transaction helpers; every failure a {@link dev.freight.store.StoreException} worded one way) and
 * {@link dev.freight.store.PageCursor} (the newest-first page cursor; a malformed one is {@code 400 invalid_cursor}).
 * The job store ({@code job}), the audit log ({@code audit}), sessions, stored API keys and the admin key
 * ({@code auth}) build on it.
 *
 * <p>A lower layer: it imports {@code dev.freight.error} and libraries only, never {@code job}, {@code auth},
 * {@code audit}, {@code access}, {@code export}, {@code http}, {@code cli} or {@code config}; the tables' meaning stays
 * with the packages that own them.
 */
package dev.freight.store;
