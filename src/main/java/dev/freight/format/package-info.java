/**
 * What every format shares, and the list of formats. Owns the writer contract ({@link dev.freight.format.FormatWriter},
 * {@link dev.freight.format.WriterContext}), the options every format takes and their parsing
 * ({@link dev.freight.format.FormatOptions}), the text of a cell ({@link dev.freight.format.CellText}), the CSV
 * injection guard ({@link dev.freight.format.FormulaGuard}), the descriptor API
 * ({@link dev.freight.format.FormatDescriptor}, {@link dev.freight.format.OptionSpec},
 * {@link dev.freight.format.OptionType}, {@link dev.freight.format.FormatProvider}) and
 * {@link dev.freight.format.ExportFormat}, which finds each format's descriptor through
 * {@link java.util.ServiceLoader}.
 *
 * <p>Imports only {@code source} (columns and their types) and {@code error}. It must not import its subpackages
 * ({@code format.csv}, {@code format.json}, {@code format.xlsx}, {@code format.parquet}, {@code format.pdf}): they
 * import it, and are wired in through {@code META-INF/services/dev.freight.format.FormatProvider}. Nor anything that
 * runs exports ({@code query}, {@code engine}, {@code http} …): writers see rows, not requests.
 */
package dev.freight.format;
