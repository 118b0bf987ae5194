package dev.freight.engine;

import dev.freight.error.ProblemCode;
import dev.freight.source.JdbcSource;

import java.sql.SQLException;

/** Classifies database errors into stable codes and "worth retrying or not". */
final class JdbcSourceErrors {
    private JdbcSourceErrors() {
    }

    static boolean isTransient(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        // 08 connection lost, 40 serialization failure/deadlock, 57P01-03 server shutting down or restarted.
        return JdbcSource.isConnectionFailure(e) || state.startsWith("40") || state.startsWith("57P");
    }

    /**
     * What a caller may read of a database error: the SQLSTATE and the first line of the server's message, without
     * the driver's context lines (PostgreSQL's "Where: portal … parameter $1 = …", positions, hints) or connection
     * ids. The whole error goes to the server log.
     */
    static String describe(SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int nl = message.indexOf('\n');
        String first = (nl < 0 ? message : message.substring(0, nl)).trim()
                .replaceFirst("^ERROR:\\s*", "")
                .replaceFirst("^\\(conn=\\d+\\)\\s*", "");
        if (first.length() > 300) first = first.substring(0, 297) + "...";
        String state = e.getSQLState();
        return (state == null ? "" : "SQLSTATE " + state + ": ") + (first.isEmpty() ? "database error" : first);
    }

    static String code(SQLException e) {
        return JdbcSource.isConnectionFailure(e) ? ProblemCode.SOURCE_UNAVAILABLE.code() : ProblemCode.SOURCE_ERROR.code();
    }
}
