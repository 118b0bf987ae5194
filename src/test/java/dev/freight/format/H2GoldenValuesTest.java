package dev.freight.format;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The golden-value suite on an H2 file database (H2 is also Freight's embedded default). */
class H2GoldenValuesTest extends GoldenValuesContract {
    @TempDir
    static Path dir;

    @Override
    protected String jdbcUrl() {
        return "jdbc:h2:file:" + dir.resolve("golden").toAbsolutePath();
    }

    // Quoted names: unquoted H2 identifiers are upper-cased, and the suite expects lower-case headers.
    @Override
    protected String createTableSql() {
        return """
                CREATE TABLE "golden" (
                  "id" BIGINT PRIMARY KEY,
                  "label" CHARACTER VARYING,
                  "amount" NUMERIC(12, 2),
                  "fine" NUMERIC(20, 10),
                  "quantity" BIGINT,
                  "measure" DOUBLE PRECISION,
                  "flag" BOOLEAN,
                  "day" DATE,
                  "local_ts" TIMESTAMP(6),
                  "instant" TIMESTAMP(6) WITH TIME ZONE,
                  "payload" BINARY VARYING(1000)
                )""";
    }
}
