package dev.freight.format;

import java.time.Instant;

/**
 * What a writer may show about the export besides its rows (the PDF report's title block): the dataset, the
 * filters in words, when it was generated, the expected row count when known, and the configured PDF row cap
 * (which the PDF writer enforces again, behind the up-front check).
 */
public record WriterContext(String dataset, String filtersInWords, Instant generatedAt, Long expectedRows,
                            long pdfMaxRows) {
    /** The PDF row cap when none is configured (exports.pdf_max_rows). */
    public static final long DEFAULT_PDF_MAX_ROWS = 100_000;

    public WriterContext(String dataset, String filtersInWords, Instant generatedAt, Long expectedRows) {
        this(dataset, filtersInWords, generatedAt, expectedRows, DEFAULT_PDF_MAX_ROWS);
    }

    public static WriterContext of(String dataset) {
        return new WriterContext(dataset, "", Instant.now(), null);
    }
}
