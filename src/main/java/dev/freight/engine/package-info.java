/**
 * Runs one planned export ({@code ExportPlan}): cursor (or PostgreSQL COPY, or MariaDB's text rows written as
 * CSV from their bytes) to format writer to gzip to a stream, with progress, cancellation and the row bounds in the
 * plan. Uses {@code source}, {@code query}, {@code format} and {@code error}; knows nothing of principals, limits,
 * audit, jobs or HTTP ({@code export} wraps it for those).
 */
package dev.freight.engine;
