/**
 * Where finished export files live ({@code FileStore}), written under a temporary name and published atomically.
 * Uses nothing of Freight.
 */
package dev.freight.storage;
