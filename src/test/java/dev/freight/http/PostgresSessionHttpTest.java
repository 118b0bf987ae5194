package dev.freight.http;

import dev.freight.testing.TestDatabases;

import java.nio.file.Path;

/** Sessions on the scale-out job store: a fresh schema in the test PostgreSQL database. */
class PostgresSessionHttpTest extends SessionHttpContract {
    private final String schema = "sessions_" + TestDatabases.runId();
    private String url;

    @Override
    String jobStoreUrl(Path dir) {
        if (url == null) {
            TestDatabases.execute(TestDatabases.postgres(), "CREATE SCHEMA " + schema);
            url = TestDatabases.postgres().replaceAll("currentSchema=[^&]*", "currentSchema=" + schema);
        }
        return url;
    }

    @Override
    void dropJobStore() {
        if (url != null) TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA " + schema + " CASCADE");
    }
}
