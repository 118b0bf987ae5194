package dev.freight.query;

import dev.freight.testing.TestDatabases;

class PostgresSeriesTest extends SeriesContract {
    @Override
    String url() {
        return TestDatabases.postgres();
    }

    @Override
    String[] types() {
        return new String[]{"timestamptz(3)", "date", "numeric(10, 2)", "double precision"};
    }
}
