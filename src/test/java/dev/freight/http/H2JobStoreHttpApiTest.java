package dev.freight.http;

import dev.freight.job.JdbcJobStore;

import java.nio.file.Path;
import java.time.Clock;

/** The HTTP API with the embedded default job store: an H2 file database. */
class H2JobStoreHttpApiTest extends HttpApiContract {
    @Override
    JdbcJobStore openStore(Path dir) {
        return JdbcJobStore.open("jdbc:h2:file:" + dir.resolve("jobs"), "sa", "", 8, Clock.systemUTC());
    }
}
