package dev.freight.format.pdf;

import dev.freight.format.FormatDescriptor;
import dev.freight.format.FormatOptions;
import dev.freight.format.FormatProvider;

import java.util.List;
import java.util.Set;

/** PDF: a printable report (already compressed), with a title, page layout and font size. */
public final class PdfFormat implements FormatProvider {
    public static final FormatDescriptor PDF = new FormatDescriptor("pdf", "pdf", "application/pdf", false,
            FormatOptions.withCommon(PdfOptions.TITLE, PdfOptions.ORIENTATION, PdfOptions.PAGE_SIZE,
                    PdfOptions.FONT_SIZE),
            Set.of(), PdfOptions::of, PdfFormatWriter::new);

    @Override
    public List<FormatDescriptor> formats() {
        return List.of(PDF);
    }
}
