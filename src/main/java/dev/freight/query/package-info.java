/**
 * An export request and its validation into a SQL plan: columns, filters, sort, limits and masks checked against the
 * catalog, identifiers taken only from it, every value a bound parameter. Uses {@code source} and {@code error}; knows
 * nothing of formats, principals or jobs (permissions reach it as a {@code DatasetAccess}).
 */
package dev.freight.query;
