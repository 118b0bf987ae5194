/**
 * The PDF format: its descriptor ({@link dev.freight.format.pdf.PdfFormat}), its options (title, orientation, page
 * size, font size), the report writer over OpenPDF with its fonts and row cap, and the header layout.
 *
 * <p>Imports {@code format}, {@code source} and {@code error} only; never another format's package, nor
 * {@link dev.freight.format.ExportFormat}. Its fonts stay under {@code dev/freight/format/fonts} in the resources.
 */
package dev.freight.format.pdf;
