package dev.freight.job;

import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Each test gets a fresh schema, so migrations run from scratch and no job leaks between tests; it is dropped
 * afterwards so that other tests' catalogs never see it.
 */
class PostgresJobQueueTest extends JobQueueContract {
    private String schema;

    @Override
    String jobStoreUrl(Path dir) {
        schema = "jobs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        TestDatabases.execute(TestDatabases.postgres(), "CREATE SCHEMA " + schema);
        return TestDatabases.postgres().replaceAll("currentSchema=[^&]*", "currentSchema=" + schema);
    }

    @AfterEach
    void dropSchema() {
        close();
        pools.clear();
        TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
}
