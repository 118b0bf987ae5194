package dev.freight.engine;

import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.jdbc.PgConnection;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * COPY's query is planned without its values, which are settings: the planner takes a range filter for one that a
 * third of the rows pass. Bound as the JDBC path binds them, the values choose the scan: none of the index scans
 * when the plan for the values uses no index, the planner left alone when it does.
 */
class SettingParametersScanTest {
    private static final String URL = TestDatabases.postgres();
    private static final String QUERY = "SELECT id, label FROM scan_choice WHERE id > ?";

    @BeforeAll
    static void createTable() {
        TestDatabases.execute(URL, "DROP TABLE IF EXISTS scan_choice",
                "CREATE TABLE scan_choice (id bigint PRIMARY KEY, label text)",
                "INSERT INTO scan_choice SELECT n, 'row ' || n FROM generate_series(1, 20000) n",
                "ANALYZE scan_choice");
    }

    /** The index-scan settings in the export's transaction once the values are bound. */
    private static String indexScanAfterBinding(long value) throws SQLException {
        try (Connection c = TestDatabases.connect(URL)) {
            c.setAutoCommit(false);
            boolean standard = c.unwrap(PgConnection.class).getStandardConformingStrings();
            SettingParameters.bind(c, QUERY, List.of(value), standard);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_setting('enable_indexscan')"
                    + " || ' ' || current_setting('enable_indexonlyscan') || ' ' || current_setting('enable_bitmapscan')"
                    + " || ' ' || (SELECT count(*) FROM pg_prepared_statements WHERE name = 'freight_scan')")) {
                rs.next();
                return rs.getString(1);
            } finally {
                c.rollback();
            }
        }
    }

    @Test
    void aFilterEveryRowPassesIsExportedByASequentialScan() throws SQLException {
        assertThat(indexScanAfterBinding(0)).isEqualTo("off off off 0");
    }

    @Test
    void aSelectiveFilterKeepsItsIndex() throws SQLException {
        assertThat(indexScanAfterBinding(19_990)).isEqualTo("on on on 0");
    }
}
