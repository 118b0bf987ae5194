package dev.freight.format;

import dev.freight.engine.ExportFailedException;
import dev.freight.query.ExportRequest;
import dev.freight.query.SortKey;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MariaDB's TIME is a duration from -838:59:59 to 838:59:59, not a time of day: a value outside a day is written as
 * MariaDB has it (its driver wrapped -01:30:00 into 22:30:00). Spatial columns are WKB, written as binary (base64),
 * not decoded as text.
 */
class MariaDbTimesAndGeometryTest {
    private static String url;
    private static JdbcSource source;

    @BeforeAll
    static void table() {
        url = TestDatabases.mariadb();
        TestDatabases.execute(url, "DROP TABLE IF EXISTS durations",
                "CREATE TABLE durations (id int PRIMARY KEY, t time(6), g point NULL)",
                "INSERT INTO durations VALUES (1, '-01:30:00', POINT(1, 2)), (2, '100:00:00.5', NULL),"
                        + " (3, '12:00:00.25', NULL), (4, '838:59:59', NULL), (5, '23:59:59.999999', NULL)");
        source = ExportRunner.open(url);
    }

    @AfterAll
    static void close() {
        if (source != null) source.close();
    }

    private static ExportRequest request(String format) {
        return ExportRequest.of("durations", format).withSort(List.of(new SortKey("id", "asc")));
    }

    @Test
    void timesOutsideADayAreWrittenAsMariaDbHasThem() {
        assertThat(ExportRunner.export(source, request("csv").withColumns(List.of("id", "t"))).text()).isEqualTo(
                "id,t\r\n1,-01:30:00\r\n2,100:00:00.5\r\n3,12:00:00.25\r\n4,838:59:59\r\n5,23:59:59.999999\r\n");
        assertThat(ExportRunner.export(source, request("ndjson").withColumns(List.of("id", "t"))).text())
                .contains("{\"id\":1,\"t\":\"-01:30:00\"}", "{\"id\":2,\"t\":\"100:00:00.5\"}",
                        "{\"id\":3,\"t\":\"12:00:00.25\"}");
    }

    @Test
    void parquetRefusesATimeOutsideADayNamingIt() {
        assertThatThrownBy(() -> ExportRunner.export(source, request("parquet").withColumns(List.of("id", "t"))))
                .isInstanceOfSatisfying(ExportFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo("unrepresentable_value");
                    assertThat(e.getMessage()).startsWith("column t holds -01:30:00, a time outside a day");
                });
    }

    /**
     * A non-strict sql_mode lets zero dates in; they are no dates, and are written as MariaDB has them (in a JVM
     * whose default zone has DST, the driver rolls a zero day over to the month before: a known limit).
     */
    @Test
    void zeroDatesAreWrittenAsMariaDbHasThem() {
        TestDatabases.execute(url, "DROP TABLE IF EXISTS zero_dates",
                "CREATE TABLE zero_dates (id int PRIMARY KEY, d date, dt datetime, ts timestamp NULL)",
                "SET SESSION sql_mode = ''",
                "INSERT INTO zero_dates VALUES (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00'),"
                        + " (2, '2024-00-15', '2024-03-00 10:00:00', NULL), (3, '2024-03-15', '2024-03-15 10:00:00', NULL)");
        ExportRequest csv = ExportRequest.of("zero_dates", "csv").withSort(List.of(new SortKey("id", "asc")));

        String text = ExportRunner.export(source, csv).text();
        assertThat(text).startsWith("id,d,dt,ts\r\n1,0000-00-00,0000-00-00 00:00:00,0000-00-00 00:00:00\r\n2,2024-00-15,")
                .endsWith("3,2024-03-15,2024-03-15T10:00:00,\r\n");
        if (java.time.ZoneId.systemDefault().getRules().isFixedOffset()) {
            assertThat(text).contains("\r\n2,2024-00-15,2024-03-00 10:00:00,\r\n");
        }
        assertThat(ExportRunner.export(source, csv.withFormat("json")).text())
                .startsWith("[{\"id\":1,\"d\":\"0000-00-00\",\"dt\":\"0000-00-00 00:00:00\",\"ts\":\"0000-00-00 00:00:00\"}");
        assertThatThrownBy(() -> ExportRunner.export(source, csv.withFormat("parquet")))
                .isInstanceOfSatisfying(ExportFailedException.class,
                        e -> assertThat(e.getMessage()).startsWith("column d holds 0000-00-00, which Parquet's DATE cannot store"));
    }

    @Test
    void spatialValuesAreTheirWkbInBase64() {
        String csv = ExportRunner.export(source, request("csv").withColumns(List.of("id", "g"))).text();
        String first = csv.lines().skip(1).findFirst().orElseThrow();
        byte[] wkb = Base64.getDecoder().decode(first.substring(first.indexOf(',') + 1));
        // SRID 0 (4 bytes), then the WKB point: byte order 1, type 1, x = 1.0, y = 2.0 (little endian).
        assertThat(wkb).hasSize(25);
        assertThat(wkb[4]).isEqualTo((byte) 1);
        assertThat(wkb[5]).isEqualTo((byte) 1);
        assertThat(java.nio.ByteBuffer.wrap(wkb, 9, 16).order(java.nio.ByteOrder.LITTLE_ENDIAN).getDouble()).isEqualTo(1.0);
    }
}
