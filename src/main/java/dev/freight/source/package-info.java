/**
 * The databases Freight reads: JDBC pools per source, their catalogs (tables, views, columns and their types),
 * the dialects (identifier quoting, binding, type mapping), the configured datasets, and the embedded demo data.
 * Uses only {@code error}; knows nothing of requests, formats or principals.
 */
package dev.freight.source;
