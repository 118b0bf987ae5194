/**
 * What a principal may export and how much: roles (datasets, columns, masks, row filters) and limits (rates,
 * concurrency, max_rows, file and request sizes). Uses {@code auth} (principals), {@code query} and {@code source} (to
 * check roles against the catalog) and {@code config}; never jobs, HTTP or the engine.
 */
package dev.freight.access;
