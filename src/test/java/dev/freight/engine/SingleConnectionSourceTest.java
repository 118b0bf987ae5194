package dev.freight.engine;

import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.query.ExportRequest;
import dev.freight.query.QueryPlan;
import dev.freight.query.QueryPlanner;
import dev.freight.source.DemoData;
import dev.freight.source.Dialect;
import dev.freight.source.JdbcSource;
import dev.freight.testing.Await;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The source of a one-shot command ({@link JdbcSource#openSingle}): one PostgreSQL session, opened with the source,
 * serves the catalog, the row estimate and the export in turn. Sessions are told apart by an application name of
 * this test's own, as the server lists them.
 */
class SingleConnectionSourceTest {
    private static final int ROWS = 3_000;
    private String applicationName;
    private JdbcSource source;

    @BeforeAll
    static void demoOrders() throws SQLException {
        try (Connection c = TestDatabases.connect(TestDatabases.postgres())) {
            DemoData.load(c, Dialect.POSTGRESQL, ROWS);
        }
    }

    @BeforeEach
    void openSingle() {
        applicationName = "freight-single-" + UUID.randomUUID().toString().substring(0, 8);
        source = JdbcSource.openSingle("single", TestDatabases.postgres() + "&ApplicationName=" + applicationName,
                null, null);
    }

    @AfterEach
    void close() {
        source.close();
    }

    /** The server's process ids of this source's sessions now open. */
    private List<Integer> sessions() {
        try (Connection c = TestDatabases.connect(TestDatabases.postgres());
             PreparedStatement s = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, applicationName);
            List<Integer> pids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) pids.add(rs.getInt(1));
            }
            return pids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A closed session leaves the server's list when its backend has exited, a moment after the client let go. */
    private List<Integer> sessionsOnceAtMost(int left) {
        return Await.until("at most " + left + " sessions", Duration.ofSeconds(10), this::sessions, pids -> pids.size() <= left);
    }

    private int backendPid() throws SQLException {
        return source.withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT pg_backend_pid()"); ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** csv takes the COPY path, ndjson the cursor. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"csv", "ndjson"})
    void catalogEstimateAndExportRunOnTheOneSessionOpenedWithTheSource(String format) throws SQLException {
        List<Integer> opened = sessions();
        assertThat(opened).hasSize(1);

        ExportRequest request = ExportRequest.of("orders", format);
        QueryPlan plan = new QueryPlanner(source.catalog(), source.dialect()).plan(request);
        assertThat(RowEstimator.count(source, plan, 1_000_000)).isEqualTo(RowCount.known(ROWS));
        List<List<Integer>> whileWriting = new ArrayList<>();
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                if (whileWriting.isEmpty()) whileWriting.add(sessions());
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (whileWriting.isEmpty()) whileWriting.add(sessions());
            }
        };
        ExportFormat exportFormat = ExportFormat.fromId(format);
        ExportResult result = new ExportEngine().export(new ExportPlan(source, plan, exportFormat,
                FormatOptions.parse(exportFormat, Map.of()), false), out, ExportListener.NONE, new CancellationToken());

        assertThat(result.rows()).isEqualTo(ROWS);
        assertThat(whileWriting).containsExactly(opened);
        assertThat(sessions()).isEqualTo(opened);
        assertThat(backendPid()).isEqualTo(opened.get(0));
    }

    @Test
    void theNextBorrowerStartsOutsideTheTransactionAnExportLeftOpen() throws SQLException {
        Connection c = source.connection();
        c.setAutoCommit(false);
        source.release(c, true);

        assertThat(source.withConnection(Connection::getAutoCommit)).isTrue();
    }

    @Test
    void aConnectionGivenBackAsBrokenIsReplacedByANewSession() throws SQLException {
        int first = backendPid();
        source.release(source.connection(), false);

        int second = backendPid();
        assertThat(second).isNotEqualTo(first);
        assertThat(sessionsOnceAtMost(1)).containsExactly(second);
    }

    @Test
    void aConnectionItsBorrowerClosedIsOpenedAgain() throws SQLException {
        int first = backendPid();
        source.connection().close();

        int second = backendPid();
        assertThat(second).isNotEqualTo(first);
        assertThat(sessionsOnceAtMost(1)).containsExactly(second);
    }

    @Test
    void aSecondBorrowerWhileTheConnectionIsLentGetsASessionOfItsOwnClosedOnReturn() throws SQLException {
        Connection lent = source.connection();
        assertThat(source.saturated()).isTrue();
        int second = backendPid();
        int first = lent.unwrap(org.postgresql.PGConnection.class).getBackendPID();
        source.release(lent, true);

        assertThat(second).isNotEqualTo(first);
        assertThat(sessionsOnceAtMost(1)).containsExactly(first);
        assertThat(source.saturated()).isFalse();
    }

    @Test
    void closingTheSourceEndsItsSession() {
        source.close();

        assertThat(sessionsOnceAtMost(0)).isEmpty();
    }
}
