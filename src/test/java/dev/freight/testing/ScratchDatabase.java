package dev.freight.testing;

import java.nio.file.Path;
import java.util.UUID;

/**
 * An empty database for one test's job store: an H2 file in {@code dir}, or a new schema of this run's PostgreSQL
 * database (the connection's default schema), dropped on {@link #close()}. No user or password is needed for either.
 */
public record ScratchDatabase(String url, String postgresSchema) implements AutoCloseable {

    /** {@code database}: {@code h2} or {@code postgresql}. */
    public static ScratchDatabase create(String database, Path dir) {
        String name = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        if (database.equals("h2")) return new ScratchDatabase("jdbc:h2:file:" + dir.resolve(name), null);
        if (!database.equals("postgresql")) throw new IllegalArgumentException("h2 or postgresql, not " + database);
        String schema = TestDatabases.runId() + "_" + name;
        TestDatabases.execute(TestDatabases.postgres(), "CREATE SCHEMA " + schema);
        return new ScratchDatabase(TestDatabases.postgres().replaceAll("currentSchema=[^&]*", "currentSchema=" + schema),
                schema);
    }

    @Override
    public void close() {
        if (postgresSchema != null) TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA " + postgresSchema + " CASCADE");
    }
}
