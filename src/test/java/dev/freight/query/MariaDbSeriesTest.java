package dev.freight.query;

import dev.freight.testing.TestDatabases;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

class MariaDbSeriesTest extends SeriesContract {
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
