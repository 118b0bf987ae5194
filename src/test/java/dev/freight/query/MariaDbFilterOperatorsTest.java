package dev.freight.query;

import dev.freight.source.ColumnType;
import dev.freight.source.JdbcSource;
import dev.freight.source.Table;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MariaDbFilterOperatorsTest extends FilterOperatorsContract {
    @Override
    DemoOrders.Db db() {
        return DemoOrders.Db.MARIADB;
    }

    /**
     * MariaDB's BOOLEAN is TINYINT(1), which Connector/J reports as type BOOLEAN with a column size of 3. It used to
     * be taken for a multi-bit BIT column, read with getBytes, and every export of the demo orders failed with
     * "Data type TINYINT cannot be decoded as byte[]".
     */
    @Test
    void booleanColumnsAreBooleansAndOnlyMultiBitColumnsAreBinary() {
        String url = DemoOrders.url(db());
        TestDatabases.execute(url, "DROP TABLE IF EXISTS bits",
                "CREATE TABLE bits (id INT PRIMARY KEY, flag BOOLEAN, one BIT(1), eight BIT(8))",
                "INSERT INTO bits VALUES (1, TRUE, b'1', b'10100101'), (2, FALSE, b'0', NULL)");
        JdbcSource source = DemoOrders.source(db());
        Table bits = source.catalog().find("bits").orElseThrow();
        assertThat(bits.columns()).extracting(c -> c.type())
                .containsExactly(ColumnType.INTEGER, ColumnType.BOOLEAN, ColumnType.BOOLEAN, ColumnType.BINARY);

        List<java.util.Map<String, Object>> rows = DemoOrders.ndjson(source, ExportRequest.of("bits", "ndjson")
                .withFilters(List.of(new Filter("flag", "eq", true))));
        assertThat(rows).singleElement().satisfies(r -> assertThat(r)
                .containsEntry("id", 1L).containsEntry("flag", true).containsEntry("one", true).containsEntry("eight", "pQ=="));
    }
}
