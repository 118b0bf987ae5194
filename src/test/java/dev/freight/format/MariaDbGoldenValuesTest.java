package dev.freight.format;

import dev.freight.source.ColumnType;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.Test;

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
import java.util.Map;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The golden-value suite on MariaDB. {@code TIMESTAMP(6)} is an instant stored in UTC and read in the session's
 * zone; Freight pins its sessions to UTC, and so does this suite, so both see the stored UTC value.
 */
class MariaDbGoldenValuesTest extends GoldenValuesContract {

    @Override
    protected String jdbcUrl() {
        return TestDatabases.mariadb();
    }

    @Override
    protected String quote(String identifier) {
        return '`' + identifier + '`';
    }

    @Override
    protected String createTableSql() {
        return """
                CREATE TABLE golden (
                  id BIGINT PRIMARY KEY,
                  label TEXT,
                  amount DECIMAL(12, 2),
                  fine DECIMAL(20, 10),
                  quantity BIGINT,
                  measure DOUBLE,
                  flag BOOLEAN,
                  day DATE,
                  local_ts DATETIME(6),
                  instant TIMESTAMP(6) NULL,
                  payload VARBINARY(1000)
                ) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin""";
    }

    @Override
    protected void configureSession(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
        }
    }

    @Override
    protected void bind(PreparedStatement insert, int index, Object value, Kind kind) throws SQLException {
        if (value instanceof OffsetDateTime instant) {
            insert.setObject(index, instant.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
        } else {
            super.bind(insert, index, value, kind);
        }
    }

    /**
     * Through a UTC calendar: the driver's getObject(LocalDateTime) and even getString go by way of the JVM's zone
     * and move a time inside that zone's DST gap by an hour.
     */
    @Override
    protected LocalDateTime readLocalTimestamp(ResultSet rs, int index) throws SQLException {
        Timestamp t = rs.getTimestamp(index, Calendar.getInstance(TimeZone.getTimeZone("UTC")));
        return t == null ? null : LocalDateTime.ofInstant(t.toInstant(), ZoneOffset.UTC);
    }

    /** TIMESTAMP reads as its UTC wall-clock time, the session being pinned to UTC. */
    @Override
    protected Instant readInstant(ResultSet rs, int index) throws SQLException {
        LocalDateTime utc = readLocalTimestamp(rs, index);
        return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
    }

    /**
     * The driver reports BOOLEAN (TINYINT(1)) as Types.BOOLEAN with COLUMN_SIZE 3, which the rule meant for BIT(n)
     * took for a bit string: the column became binary and every export of the table failed.
     */
    @Test
    void booleanColumnIsExportedAsABoolean() {
        assertThat(source.catalog().find("golden").orElseThrow().column("flag").orElseThrow().type())
                .isEqualTo(ColumnType.BOOLEAN);
        assertThat(csvCell(export("csv", Map.of(), false).text(), ',', PLAIN, "flag")).isEqualTo("true");
    }
}
