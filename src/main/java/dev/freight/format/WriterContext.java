package dev.freight.format;

import java.time.Instant;

/**
 * What a writer may show about the export besides its rows (the PDF report's title block): the dataset, the
 * filters in words, when it was generated, and the expected row count when known (for "Page n of m").
 */
public record WriterContext(String dataset, String filtersInWords, Instant generatedAt, Long expectedRows) {
    public static WriterContext of(String dataset) {
        return new WriterContext(dataset, "", Instant.now(), null);
    }
}
