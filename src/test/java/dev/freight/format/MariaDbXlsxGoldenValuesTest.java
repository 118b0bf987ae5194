package dev.freight.format;

/** The XLSX golden-value round trip on MariaDB (DECIMAL, DATETIME(6), TIMESTAMP(6) in a UTC session …). */
class MariaDbXlsxGoldenValuesTest extends XlsxGoldenValuesContract {
    @Override
    protected GoldenValuesContract golden() {
        return new MariaDbGoldenValuesTest();
    }
}
