package dev.freight.format;

import dev.freight.testing.TestDatabases;

class PostgresPdfReportTest extends PdfReportContract {
    @Override
    protected String jdbcUrl() {
        return TestDatabases.postgres();
    }
}
