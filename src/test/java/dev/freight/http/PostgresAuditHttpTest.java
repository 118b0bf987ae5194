package dev.freight.http;

import dev.freight.job.JdbcJobStore;
import dev.freight.testing.TestDatabases;

import java.nio.file.Path;
import java.time.Clock;

/** The audit log over HTTP with the scale-out job store: a fresh schema in the test PostgreSQL database. */
class PostgresAuditHttpTest extends AuditHttpContract {
    private final String schema = "audit_" + TestDatabases.runId();
    private String url;

    @Override
    JdbcJobStore openStore(Path dir) {
        String sources = TestDatabases.postgres();
        TestDatabases.execute(sources, "CREATE SCHEMA " + schema);
        url = sources.replaceAll("currentSchema=[^&]*", "currentSchema=" + schema);
        return JdbcJobStore.open(url, null, null, 8, Clock.systemUTC());
    }

    @Override
    void dropStore() {
        if (url != null) TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA " + schema + " CASCADE");
    }
}
