package dev.freight.engine;

import dev.freight.error.ProblemCode;
import dev.freight.format.ExportFormat;
import dev.freight.format.PdfFormatWriter;
import dev.freight.error.InvalidRequestException;

/**
 * Refuses a PDF export known to be above the row cap before anything runs: a bounded COUNT ({@link RowEstimator})
 * that stops one row past the cap. A count that found nothing (timed out, pool busy, database error) refuses
 * nothing: the PDF writer stops at the cap while streaming, so an unknown size is checked there instead.
 */
final class PdfRowCap {
    private PdfRowCap() {
    }

    static void check(ExportEngine.Job job, long cap) {
        if (job.format() != ExportFormat.PDF) return;
        if (RowEstimator.count(job.source(), job.plan(), cap).exceeds(cap)) {
            throw new InvalidRequestException(ProblemCode.TOO_MANY_ROWS_FOR_PDF, "format", PdfFormatWriter.tooManyRows(cap));
        }
    }
}
