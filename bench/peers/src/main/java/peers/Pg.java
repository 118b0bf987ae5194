package peers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;

/** pgJDBC read as Freight reads it: one read-only transaction, a server-side cursor of 10,000 rows per fetch. */
final class Pg {
    static final int FETCH_SIZE = 10_000;

    private Pg() {
    }

    /**
     * Opens {@code SELECT * FROM table} as a streaming result set (at most {@code args[3]} rows when given: the
     * untimed warm-up reads one row); closing the connection closes the rest.
     */
    static ResultSet stream(Connection connection, String table, String[] args) throws SQLException {
        connection.setReadOnly(true);
        // pgJDBC only uses a cursor (instead of reading the whole result) with autocommit off and a fetch size.
        connection.setAutoCommit(false);
        Statement statement = connection.createStatement();
        statement.setFetchSize(FETCH_SIZE);
        return statement.executeQuery("SELECT * FROM " + table
                + (args.length > 3 ? " LIMIT " + Long.parseLong(args[3]) : ""));
    }

    /** pgJDBC reports both timestamp kinds as {@link java.sql.Types#TIMESTAMP}; the type name tells them apart. */
    static boolean isTimestampTz(ResultSetMetaData meta, int column) throws SQLException {
        return "timestamptz".equals(meta.getColumnTypeName(column));
    }

    static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url);
    }
}
