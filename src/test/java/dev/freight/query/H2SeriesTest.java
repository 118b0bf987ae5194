package dev.freight.query;

import dev.freight.testing.TestDatabases;

class H2SeriesTest extends SeriesContract {
    @Override
    String url() {
        return "jdbc:h2:mem:series_" + TestDatabases.runId() + ";DB_CLOSE_DELAY=-1";
    }

    @Override
    String[] types() {
        return new String[]{"TIMESTAMP(3) WITH TIME ZONE", "DATE", "DECIMAL(10, 2)", "DOUBLE PRECISION"};
    }
}
