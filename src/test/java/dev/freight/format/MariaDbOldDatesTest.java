package dev.freight.format;

import dev.freight.query.ExportRequest;
import dev.freight.query.SortKey;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MariaDB's DATETIME reaches back to year 1, in the proleptic Gregorian calendar, as java.time counts: a value
 * before the Gregorian reform of 1582 is written as stored, not moved by a Julian calendar's days.
 */
class MariaDbOldDatesTest {
    @Test
    void datesAndTimesBeforeTheGregorianReformAreWrittenAsStored() {
        String url = TestDatabases.mariadb();
        TestDatabases.execute(url, "DROP TABLE IF EXISTS old_times",
                "CREATE TABLE old_times (id int PRIMARY KEY, d date, dt datetime(6))",
                "INSERT INTO old_times VALUES (1, '1500-03-01', '1500-03-01 10:00:00'), (2, '0001-01-01', '0001-01-01 00:00:00.5'),"
                        + " (3, '1582-10-10', '1582-10-10 12:00:00'), (4, '1582-10-15', '1582-10-15 00:00:00'),"
                        + " (5, '2024-03-31', '2024-03-31 02:30:00')");
        try (JdbcSource source = ExportRunner.open(url)) {
            ExportRequest request = ExportRequest.of("old_times", "csv").withSort(List.of(new SortKey("id", "asc")));

            assertThat(ExportRunner.export(source, request).text()).isEqualTo("""
                    id,d,dt\r
                    1,1500-03-01,1500-03-01T10:00:00\r
                    2,0001-01-01,0001-01-01T00:00:00.5\r
                    3,1582-10-10,1582-10-10T12:00:00\r
                    4,1582-10-15,1582-10-15T00:00:00\r
                    5,2024-03-31,2024-03-31T02:30:00\r
                    """);
            assertThat(ExportRunner.export(source, request.withFormat("ndjson")).text())
                    .contains("{\"id\":1,\"d\":\"1500-03-01\",\"dt\":\"1500-03-01T10:00:00\"}");
        }
    }
}
