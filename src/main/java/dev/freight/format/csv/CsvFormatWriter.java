package dev.freight.format.csv;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import de.siegmar.fastcsv.writer.QuoteStrategy;
import dev.freight.format.CellText;
import dev.freight.format.FormatOptions;
import dev.freight.format.FormatWriter;
import dev.freight.format.FormulaGuard;
import dev.freight.source.Column;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Function;

/**
 * CSV and TSV through FastCSV. NULL is written as {@code null_text} (empty by default) and an empty string as
 * {@code ""}, so the two stay distinguishable, as in PostgreSQL's COPY.
 */
final class CsvFormatWriter implements FormatWriter {
    static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final OutputStream out;
    private final List<String> labels;
    private final FormatOptions options;
    private final Function<Object, String>[] cells;
    private final boolean[] textCell;
    private final CsvWriter csv;
    /** FastCSV leaves a null field unquoted and quotes "", which keeps NULL and empty text apart. */
    private final String nullField;
    private boolean writingHeader;

    @SuppressWarnings("unchecked")
    CsvFormatWriter(OutputStream out, List<Column> columns, List<String> labels, FormatOptions options) {
        this.out = out;
        this.labels = labels;
        this.options = options;
        this.cells = new Function[columns.size()];
        this.textCell = new boolean[columns.size()];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = CellText.forType(columns.get(i).type(), options);
            textCell[i] = columns.get(i).type().isText();
        }
        this.nullField = options.nullText().isEmpty() ? null : options.nullText();
        this.csv = CsvWriter.builder()
                .fieldSeparator(options.delimiter())
                // Beyond RFC 4180: quotes keep a cell whole in importers that also split at , ; or tab.
                .quoteStrategy(new QuoteStrategy() {
                    @Override
                    public boolean quoteEmpty(int lineNo, int fieldIdx) {
                        return true;
                    }

                    @Override
                    public boolean quoteValue(int lineNo, int fieldIdx, String value) {
                        return options.sanitizeFormulas() && (writingHeader || textCell[fieldIdx])
                                && FormulaGuard.hidesFormulaAfterSplit(value);
                    }
                })
                .lineDelimiter(options.lineEnding().equals("\n") ? LineDelimiter.LF : LineDelimiter.CRLF)
                .bufferSize(64 * 1024)
                .build(new Utf8Writer(out));
    }

    @Override
    public void begin() throws IOException {
        if (options.bom()) out.write(UTF8_BOM);
        if (options.header()) {
            writingHeader = true;
            csv.writeRecord(header(labels, options));
            writingHeader = false;
        }
    }

    /** Labels are user text too: a header cell must not become a formula any more than a data cell. */
    private static List<String> header(List<String> labels, FormatOptions options) {
        return options.sanitizeFormulas() ? labels.stream().map(FormulaGuard::neutralise).toList() : labels;
    }

    @Override
    public void writeRow(Object[] row) throws IOException {
        CsvWriter.CsvWriterRecord record = csv.writeRecord();
        for (int i = 0; i < row.length; i++) {
            Object v = row[i];
            if (v == null) {
                record.writeField(nullField);
            } else {
                String text = cells[i].apply(v);
                record.writeField(textCell[i] && options.sanitizeFormulas() ? FormulaGuard.neutralise(text) : text);
            }
        }
        record.endRecord();
    }

    @Override
    public void finish() throws IOException {
        csv.flush();
    }

    /** No BOM, no header: a row's bytes do not depend on the rows before it. */
    @Override
    public void resume() {
    }

    @Override
    public void flushRows() throws IOException {
        csv.flush();
    }
}
