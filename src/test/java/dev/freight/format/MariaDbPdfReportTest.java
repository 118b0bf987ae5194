package dev.freight.format;

import dev.freight.testing.TestDatabases;

class MariaDbPdfReportTest extends PdfReportContract {
    @Override
    protected String jdbcUrl() {
        return TestDatabases.mariadb();
    }
}
