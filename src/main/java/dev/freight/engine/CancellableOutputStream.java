package dev.freight.engine;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Refuses every write once the export is cancelled. The engine looks at the token between rows, but one call into
 * a writer can last long (OpenPDF laying out hundreds of rows onto pages, Parquet encoding a row group, a cold JIT):
 * such a writer still writes as it goes, and stops at its next write instead of its next row.
 */
final class CancellableOutputStream extends FilterOutputStream {
    private final CancellationToken cancel;

    CancellableOutputStream(OutputStream out, CancellationToken cancel) {
        super(out);
        this.cancel = cancel;
    }

    @Override
    public void write(int b) throws IOException {
        if (cancel.isCancelled()) throw new ExportCancelledException();
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (cancel.isCancelled()) throw new ExportCancelledException();
        out.write(b, off, len);
    }
}
