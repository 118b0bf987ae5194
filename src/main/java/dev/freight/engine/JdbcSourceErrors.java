package dev.freight.engine;

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

    static String code(SQLException e) {
        return JdbcSource.isConnectionFailure(e) ? "source_unavailable" : "source_error";
    }
}
