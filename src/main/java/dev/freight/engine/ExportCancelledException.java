package dev.freight.engine;

/** The export was cancelled; whatever was written so far is incomplete and must be discarded. */
public class ExportCancelledException extends RuntimeException {
    public ExportCancelledException() {
        super("export cancelled");
    }
}
