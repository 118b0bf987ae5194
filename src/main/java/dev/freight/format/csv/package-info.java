/**
 * The CSV and TSV formats: their descriptors ({@link dev.freight.format.csv.CsvFormats}) and the writer (FastCSV,
 * formula neutralisation, NULL kept apart from the empty string).
 *
 * <p>Imports {@code format}, {@code source} and {@code error} only; never another format's package, nor
 * {@link dev.freight.format.ExportFormat} (the list of formats looks this package up, not the other way round).
 */
package dev.freight.format.csv;
