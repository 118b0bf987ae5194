package dev.freight.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The golden-value suite on SQLite. SQLite has no date or timestamp types: the application stores text, and
 * Freight exports that text as it is, whatever the time zone option. Its NUMERIC columns hold integers or REALs,
 * so a decimal's scale (12345678.90) and digits beyond a double's precision are gone before Freight reads them.
 */
class SqliteGoldenValuesTest extends GoldenValuesContract {
    @TempDir
    static Path dir;

    @Override
    protected String jdbcUrl() {
        return "jdbc:sqlite:" + dir.resolve("golden.db").toAbsolutePath();
    }

    @Override
    protected String createTableSql() {
        return """
                CREATE TABLE golden (
                  id INTEGER PRIMARY KEY,
                  label TEXT,
                  amount NUMERIC(12, 2),
                  fine DECIMAL(20, 10),
                  quantity BIGINT,
                  measure REAL,
                  flag BOOLEAN,
                  day DATE,
                  local_ts TIMESTAMP,
                  instant TIMESTAMP WITH TIME ZONE,
                  payload BLOB
                )""";
    }

    @Override
    protected List<Kind> kinds() {
        return List.of(Kind.INTEGER, Kind.TEXT, Kind.DECIMAL, Kind.DECIMAL, Kind.INTEGER, Kind.FLOAT, Kind.BOOLEAN,
                Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.BINARY);
    }

    /** Temporal values are stored the way applications usually write them into SQLite: ISO-8601 text. */
    @Override
    protected void bind(PreparedStatement insert, int index, Object value, Kind kind) throws SQLException {
        if (value instanceof LocalDate || value instanceof LocalDateTime || value instanceof OffsetDateTime) {
            insert.setString(index, value.toString());
        } else {
            super.bind(insert, index, value, kind);
        }
    }

    @Override
    protected boolean storesExactDecimals() {
        return false;
    }

    @Override
    protected boolean storesInstants() {
        return false;
    }

    @Test
    void temporalTextIsExportedAsStoredWhateverTheTimeZone() {
        String csv = export("csv", Map.of("time_zone", "Europe/Paris"), false).text();

        assertThat(csvCell(csv, ',', PLAIN, "instant")).isEqualTo("2024-03-31T00:59:59Z");
        assertThat(csvCell(csv, ',', MINUS, "instant")).isEqualTo("2024-06-15T12:34:56.789Z");
        assertThat(csvCell(csv, ',', PLAIN, "local_ts")).isEqualTo("2024-03-31T02:30");
        assertThat(csvCell(csv, ',', PLAIN, "day")).isEqualTo("2024-03-31");
    }

    @Test
    void decimalsComeBackAsSqliteStoredThem() {
        String csv = export("csv", Map.of(), false).text();

        // NUMERIC affinity turned the bound 12345678.90 into the REAL 12345678.9 and 0.00 into the INTEGER 0.
        assertThat(csvCell(csv, ',', PLAIN, "amount")).isEqualTo("12345678.9");
        assertThat(csvCell(csv, ',', CRLF, "amount")).isEqualTo("0");
        assertThat(csvCell(csv, ',', PLAIN, "fine")).isEqualTo("0.1");
        assertThat(csvCell(csv, ',', QUOTES, "amount")).isEqualTo("-0.01");
        assertThat(csvCell(csv, ',', MINUS, "amount")).isEqualTo("-5.25");
        // Plain digits even where SQLite's own text would use an exponent (1.0e-10).
        assertThat(csvCell(csv, ',', QUOTES, "fine")).isEqualTo("-0.00000000010");
    }
}
