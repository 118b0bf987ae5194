package dev.freight.engine;

import dev.freight.error.InvalidRequestException;
import dev.freight.error.ProblemCode;
import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.format.FormatWriter;
import dev.freight.format.pdf.PdfFormatWriter;
import dev.freight.query.QueryPlan;
import dev.freight.source.JdbcSource;

import java.io.IOException;
import java.io.OutputStream;

/**
 * What the engine runs: the query plan on its source, the format with options already validated for it, and the
 * two row bounds the engine enforces while streaming. {@code pdfMaxRows}: a PDF report stops there;
 * {@code maxRows}: the caller's max_rows, an export reaching one row more fails with {@code too_many_rows} (an
 * up-front count may not know, or the data may have grown since).
 */
public record ExportPlan(JdbcSource source, QueryPlan plan, ExportFormat format, FormatOptions options, boolean gzip,
                         long pdfMaxRows, long maxRows) {
    /** The most rows a PDF report may have unless configured otherwise. */
    public static final long DEFAULT_PDF_MAX_ROWS = PdfFormatWriter.DEFAULT_MAX_ROWS;

    public ExportPlan {
        if (gzip && !format.compressible()) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "compress", "format " + format.id()
                    + " is already compressed; compress: true does not apply");
        }
    }

    /**
     * CSV or TSV with nothing only the generic writer applies: no masks (applied to Java values), no null_text and no
     * presentation options. The byte paths (PostgreSQL's COPY, MariaDB's text rows) write such exports exactly as the
     * generic writer would.
     */
    boolean plainText() {
        FormatOptions o = options;
        return (format == ExportFormat.CSV || format == ExportFormat.TSV)
                && plan.masks().isEmpty()
                && o.nullText().isEmpty()
                && o.dateFormat() == null && o.timestampFormat() == null && o.numberLocale() == null && o.boolText() == null;
    }

    /**
     * BOM and header as the generic writer writes them (a writer with no rows), for a byte path to write its rows
     * after, so both paths agree.
     */
    void writePreamble(OutputStream out) throws IOException {
        FormatWriter writer = format.writer(out, plan.columns(), plan.labels(), options,
                ExportEngine.context(this));
        writer.begin();
        writer.finish();
    }

    /** The same plan, stopped with {@code too_many_rows} past {@code n} rows. */
    public ExportPlan withMaxRows(long n) {
        return new ExportPlan(source, plan, format, options, gzip, pdfMaxRows, n);
    }

    /** Unbounded but for the default PDF cap: tests and tools that run the engine directly. */
    public ExportPlan(JdbcSource source, QueryPlan plan, ExportFormat format, FormatOptions options, boolean gzip) {
        this(source, plan, format, options, gzip, DEFAULT_PDF_MAX_ROWS, Long.MAX_VALUE);
    }
}
