package dev.freight.engine;

import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What a caller reads of a database error: the SQLSTATE and the server's first line, no driver internals. */
class JdbcSourceErrorsTest {
    private static SQLException failureOf(String url, String sql, String parameter) throws SQLException {
        try (Connection c = TestDatabases.connect(url); PreparedStatement s = c.prepareStatement(sql)) {
            // Untyped, as row filter attributes are bound on PostgreSQL: the server types it, and a failure to
            // convert it names the portal and the parameter's value.
            if (url.startsWith("jdbc:postgresql:")) s.setObject(1, parameter, java.sql.Types.OTHER);
            else s.setString(1, parameter);
            return catchThrowableOfType(() -> s.executeQuery().close(), SQLException.class);
        }
    }

    @Test
    void aPostgresErrorIsItsStateAndFirstLineWithoutPortalOrParameterDetails() throws SQLException {
        SQLException e = failureOf(TestDatabases.postgres(), "SELECT 1 WHERE 1 = ?", "secret-value");
        assertThat(e.getMessage()).as("the driver's own text").contains("portal").contains("$1");

        String shown = JdbcSourceErrors.describe(e);

        assertThat(shown).startsWith("SQLSTATE 22P02: invalid input syntax for type integer").doesNotContain("portal")
                .doesNotContain("$1").doesNotContain("\n");
    }

    @Test
    void aMariaDbErrorLosesItsConnectionId() throws SQLException {
        SQLException e = failureOf(TestDatabases.mariadb(), "SELECT * FROM no_such_table_here WHERE x = ?", "v");
        assertThat(e.getMessage()).contains("(conn=");

        assertThat(JdbcSourceErrors.describe(e)).startsWith("SQLSTATE 42S02: ").doesNotContain("conn=").doesNotContain("\n");
    }
}
