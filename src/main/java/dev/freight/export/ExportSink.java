package dev.freight.export;

import dev.freight.engine.ExportResult;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where an export's bytes go, and what "done" and "failed" mean there: a response publishes by ending the body, a
 * file by being renamed or stored, a job by being recorded. {@link ExportService#run} opens the sink, streams into
 * it, then either commits or discards it, exactly once.
 */
public interface ExportSink {
    /** The stream the export writes into; called once. */
    OutputStream open() throws IOException;

    /**
     * Makes the complete output visible. False when it no longer counts (a job deleted while it ran, or taken over by
     * another worker): the export is then neither audited nor measured as completed.
     */
    boolean commit(ExportResult result) throws IOException;

    /** Throws away a partial output; called after a failure or a cancel instead of {@link #commit}. */
    void discard();

    /**
     * Instead of {@link #discard}, after a failure that the export will be tried again for: a sink that a later run
     * can continue (a job's resumable upload) keeps what it stored; the others discard it.
     */
    default void suspend() {
        discard();
    }

    /** Whether the failure was the destination's own (the client went away), not the export's. */
    default boolean destinationFailed() {
        return false;
    }
}
