package dev.freight.job;

import java.nio.file.Path;

class H2JobQueueTest extends JobQueueContract {
    @Override
    String jobStoreUrl(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("jobs").toAbsolutePath();
    }
}
