/**
 * The Parquet format: its descriptor ({@link dev.freight.format.parquet.ParquetFormat}), its options (compression,
 * row group size) and the writer over parquet-java, with the typed schema made from the columns. The writer drives
 * parquet-java's column writers directly (no record layer) on two threads of its own, fed with column batches.
 *
 * <p>Imports {@code format}, {@code source} and {@code error} only; never another format's package, nor
 * {@link dev.freight.format.ExportFormat}.
 */
package dev.freight.format.parquet;
