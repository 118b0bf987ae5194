package peers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A writer-speed reference for Parquet: DuckDB turning a CSV file (written beforehand by PostgreSQL's COPY, not
 * timed) into snappy Parquet with its own reader and writer. DuckDB uses every core; the time includes starting the
 * JVM and loading DuckDB's native library.
 * <p>Usage: {@code DuckDbParquet IN.csv OUT.parquet}
 */
public final class DuckDbParquet {
    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = connection.createStatement()) {
            statement.execute("COPY (SELECT * FROM read_csv('" + quote(args[0]) + "')) TO '" + quote(args[1])
                    + "' (FORMAT parquet, COMPRESSION snappy)");
        }
    }

    private static String quote(String path) {
        return path.replace("'", "''");
    }
}
