package dev.freight.engine;

import dev.freight.format.ExportFormat;
import dev.freight.format.PdfFormatWriter;
import dev.freight.query.InvalidRequestException;

import java.util.OptionalLong;

/**
 * Refuses a PDF export above the row cap before anything runs: a bounded COUNT ({@link RowEstimator}) that stops
 * one row past the cap. "Unknown" (more rows than the cap, or a count that timed out) is refused too: a PDF of
 * that size would be refused by the writer part-way anyway.
 */
final class PdfRowCap {
    private PdfRowCap() {
    }

    static void check(ExportEngine.Job job, long cap) {
        if (job.format() != ExportFormat.PDF) return;
        OptionalLong rows = RowEstimator.estimate(job.source(), job.plan(), cap);
        if (rows.isEmpty() || rows.getAsLong() > cap) {
            throw new InvalidRequestException("too_many_rows_for_pdf", "format", PdfFormatWriter.tooManyRows(cap));
        }
    }
}
