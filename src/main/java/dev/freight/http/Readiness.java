package dev.freight.http;

import dev.freight.job.JobStore;
import dev.freight.storage.FileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;

/**
 * What a node needs to take work: the job store answers, and so does the file store (an S3 bucket whose
 * credentials were revoked, an unmounted shared directory). The API's and the management listener's
 * {@code /health/ready} both ask this.
 */
final class Readiness {
    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

    private Readiness() {
    }

    /** Empty when ready; otherwise what does not answer, for the 503. */
    static Optional<String> problem(JobStore store, FileStore files) {
        try {
            store.countByStatus();
        } catch (RuntimeException e) {
            LOG.warn("not ready: job store does not answer: {}", e.getMessage());
            return Optional.of("the job store does not answer");
        }
        try {
            files.check();
        } catch (IOException | RuntimeException e) {
            LOG.warn("not ready: file store does not answer: {}", e.getMessage());
            return Optional.of("the file store does not answer");
        }
        return Optional.empty();
    }
}
