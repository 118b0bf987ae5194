package dev.freight.engine;

/** Receives progress at most every {@link ExportEngine#PROGRESS_INTERVAL_NANOS}, on the exporting thread. */
@FunctionalInterface
public interface ExportListener {
    ExportListener NONE = p -> { };

    void onProgress(ExportProgress progress);
}
