/**
 * The XLSX format: its descriptor ({@link dev.freight.format.xlsx.XlsxFormat}), its options (sheet name and
 * Excel's rules for it), the streaming writer over FastExcel and the zip stream it writes through.
 *
 * <p>Imports {@code format}, {@code source} and {@code error} only; never another format's package, nor
 * {@link dev.freight.format.ExportFormat}.
 */
package dev.freight.format.xlsx;
