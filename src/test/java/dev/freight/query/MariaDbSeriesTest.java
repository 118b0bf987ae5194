package dev.freight.query;

import dev.freight.testing.TestDatabases;

import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class MariaDbSeriesTest extends SeriesContract {
    /**
     * Under a case-insensitive collation 'paid', 'Paid' and 'PAID' are one group, spelt as MariaDB picks per bucket:
     * still one group's buckets, each once, filled.
     */
    @Test
    void aCaseInsensitiveGroupIsOneGroupWhateverItsSpellingPerBucket() throws SQLException {
        try (Connection c = TestDatabases.connect(url()); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS series_ci");
            s.execute("CREATE TABLE series_ci (id INT PRIMARY KEY, d DATE, status VARCHAR(10) COLLATE utf8mb4_general_ci)");
            s.execute("INSERT INTO series_ci VALUES (1, '2024-05-01', 'paid'), (2, '2024-05-02', 'PAID'), "
                    + "(3, '2024-05-02', 'PAID'), (4, '2024-05-04', 'Paid'), (5, '2024-05-03', 'new')");
        }
        JdbcSource ci = ExportRunner.open(url());
        ExportRequest request = ExportRequest.of("series_ci", "csv").withSeries(new SeriesRequest(null, null, "2024-05-01",
                "2024-05-05", "UTC", "day", List.of(), List.of("status"), "zero"));
        List<List<String>> csv = DemoOrders.csv(ExportRunner.export(ci, request).text());
        assertThat(csv).hasSize(1 + 2 * 4);
        assertThat(csv.subList(1, 9)).extracting(r -> r.get(0).substring(0, 10) + " " + r.get(1).toLowerCase() + " " + r.get(2))
                .containsExactly("2024-05-01 new 0", "2024-05-02 new 0", "2024-05-03 new 1", "2024-05-04 new 0",
                        "2024-05-01 paid 1", "2024-05-02 paid 2", "2024-05-03 paid 0", "2024-05-04 paid 1");
    }

    @Override
    String url() {
        return TestDatabases.mariadb();
    }

    @Override
    String[] types() {
        return new String[]{"TIMESTAMP(3) NULL", "DATE", "DECIMAL(10, 2)", "DOUBLE"};
    }

    @Override
    String q(String sql) {
        return sql;
    }

    @Override
    void prepareReading(Connection c) throws SQLException {
        c.createStatement().execute("SET time_zone = '+00:00'");
    }

    @Override
    Instant readInstant(ResultSet rs, int i) throws SQLException {
        return rs.getObject(i, LocalDateTime.class).toInstant(ZoneOffset.UTC);
    }
}
