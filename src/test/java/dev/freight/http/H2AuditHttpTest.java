package dev.freight.http;

import dev.freight.job.JdbcJobStore;

import java.nio.file.Path;
import java.time.Clock;

/** The audit log over HTTP with the embedded job store (H2). */
class H2AuditHttpTest extends AuditHttpContract {
    @Override
    JdbcJobStore openStore(Path dir) {
        return JdbcJobStore.open("jdbc:h2:file:" + dir.resolve("jobs"), "sa", "", 8, Clock.systemUTC());
    }
}
