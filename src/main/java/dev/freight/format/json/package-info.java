/**
 * The JSON and NDJSON formats: their descriptors ({@link dev.freight.format.json.JsonFormats}), the streaming writer
 * and {@link dev.freight.format.json.JsonDecimals}, the exact decimal text also used by the API's own JSON.
 *
 * <p>Imports {@code format}, {@code source} and {@code error} only; never another format's package, nor
 * {@link dev.freight.format.ExportFormat}.
 */
package dev.freight.format.json;
