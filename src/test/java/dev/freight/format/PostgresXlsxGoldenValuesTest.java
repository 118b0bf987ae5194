package dev.freight.format;

/** The XLSX golden-value round trip on PostgreSQL (numeric, timestamptz, bytea …). */
class PostgresXlsxGoldenValuesTest extends XlsxGoldenValuesContract {
    @Override
    protected GoldenValuesContract golden() {
        return new PostgresGoldenValuesTest();
    }
}
