package dev.freight.format;

import dev.freight.testing.TestDatabases;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;

/**
 * Parquet round trips on MariaDB: {@code TIMESTAMP(6)} is an instant (TIMESTAMP(MICROS, UTC)), {@code DATETIME(6)}
 * a wall-clock time; sessions are pinned to UTC as Freight pins its own. DECIMAL(65, 30) is wider than Parquet's
 * 38 digits and comes out as exact text.
 */
class MariaDbParquetTest extends ParquetRoundTripContract {

    @Override
    protected String jdbcUrl() {
        return TestDatabases.mariadb();
    }

    @Override
    protected String quote(String identifier) {
        return '`' + identifier + '`';
    }

    @Override
    protected String createGoldenSql() {
        // The same golden table as the CSV/JSON suite, so every format is checked on identical rows.
        return new MariaDbGoldenValuesTest().createTableSql();
    }

    @Override
    protected List<String> extrasSql() {
        return List.of("""
                        CREATE TABLE extras (
                          id BIGINT PRIMARY KEY,
                          small SMALLINT NOT NULL,
                          real_col FLOAT,
                          t TIME(6),
                          wide DECIMAL(30, 10),
                          free DECIMAL(65, 30),
                          js JSON,
                          tiny DECIMAL(5, 2)
                        ) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin""",
                "INSERT INTO extras VALUES (1, 32767, 1.5, '23:59:59.999999', " + WIDE
                        + ", 31415926535897932384626433.832795028841971693993751058209, '{\"a\": \"ü\"}', 999.99)",
                "INSERT INTO extras VALUES (2, -32768, NULL, '00:00:00', -" + WIDE + ", -0.000001, NULL, -999.99)",
                "INSERT INTO extras VALUES (3, 0, -0.25, NULL, 0.0000000001, NULL, '[]', 0.01)",
                "INSERT INTO extras VALUES (4, 1, 1e38, '12:00:00.5', NULL, 1e34, '{}', NULL)");
    }

    @Override
    protected void configureSession(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
        }
    }

    @Override
    protected void bind(PreparedStatement insert, int index, Object value) throws SQLException {
        if (value instanceof OffsetDateTime instant) {
            insert.setObject(index, instant.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
        } else {
            super.bind(insert, index, value);
        }
    }

    @Override
    protected LocalDateTime readLocalTimestamp(ResultSet rs, int index) throws SQLException {
        Timestamp t = rs.getTimestamp(index, Calendar.getInstance(TimeZone.getTimeZone("UTC")));
        return t == null ? null : LocalDateTime.ofInstant(t.toInstant(), ZoneOffset.UTC);
    }

    @Override
    protected Instant readInstant(ResultSet rs, int index) throws SQLException {
        LocalDateTime utc = readLocalTimestamp(rs, index);
        return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
    }
}
