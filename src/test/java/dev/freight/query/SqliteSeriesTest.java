package dev.freight.query;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/** SQLite: the time column is ISO text with an offset (declared TIMESTAMPTZ), the date column ISO dates (DATE). */
class SqliteSeriesTest extends SeriesContract {
    @TempDir
    static Path dir;

    @Override
    String url() {
        return "jdbc:sqlite:" + dir.resolve("series.db").toAbsolutePath();
    }

    @Override
    String[] types() {
        return new String[]{"TIMESTAMPTZ", "DATE", "DECIMAL(10, 2)", "DOUBLE"};
    }

    @Override
    Object dateValue(LocalDate d) {
        return d.toString();
    }

    @Override
    Instant readInstant(ResultSet rs, int i) throws SQLException {
        return OffsetDateTime.parse(rs.getString(i)).toInstant();
    }

    @Override
    LocalDate readDate(ResultSet rs, int i) throws SQLException {
        return LocalDate.parse(rs.getString(i));
    }
}
