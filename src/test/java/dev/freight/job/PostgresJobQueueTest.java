package dev.freight.job;

import dev.freight.testing.TestDatabases;

import java.nio.file.Path;
import java.util.UUID;

/** Each test gets a fresh schema, so migrations run from scratch and no job leaks between tests. */
class PostgresJobQueueTest extends JobQueueContract {
    @Override
    String jobStoreUrl(Path dir) {
        String schema = "jobs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        TestDatabases.execute(TestDatabases.postgres(), "CREATE SCHEMA " + schema);
        return TestDatabases.postgres().replaceAll("currentSchema=[^&]*", "currentSchema=" + schema);
    }
}
