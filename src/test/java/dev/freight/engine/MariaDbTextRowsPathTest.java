package dev.freight.engine;

import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.query.ExportRequest;
import dev.freight.query.QueryPlan;
import dev.freight.query.QueryPlanner;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The MariaDB text-rows path keeps the engine's bounds: a cancel stops it between rows and lets no write through,
 * max_rows stops it one row past, and the source serves the next export (the streaming result is not left open).
 * And it really reads the driver's row packets, through the connection pool too, rather than every value through
 * the getters (its fallback, which writes the same bytes and could hide a driver upgrade).
 */
class MariaDbTextRowsPathTest {
    private static final int ROWS = 300_000;
    private static JdbcSource source;

    @BeforeAll
    static void table() {
        String url = TestDatabases.mariadb();
        TestDatabases.execute(url, "DROP TABLE IF EXISTS text_rows",
                "CREATE TABLE text_rows (id BIGINT PRIMARY KEY, filler TEXT, amount DECIMAL(10, 2), at DATETIME(6))",
                "INSERT INTO text_rows SELECT seq, REPEAT('x', 100), seq / 100, '2024-01-01 00:00:00.5' FROM seq_1_to_" + ROWS);
        source = ExportRunner.open(url);
    }

    @AfterAll
    static void close() {
        source.close();
    }

    private static ExportPlan job() {
        ExportRequest request = ExportRequest.of("text_rows", "csv");
        QueryPlan plan = new QueryPlanner(source.catalog(), source.dialect()).plan(request);
        return new ExportPlan(source, plan, ExportFormat.CSV, FormatOptions.defaults(ExportFormat.CSV), false);
    }

    @Test
    void onceCancelledNotAnotherWriteReachesTheDestinationAndTheSourceServesTheNextExport() {
        CancellationToken cancel = new CancellationToken();
        AtomicInteger writesAfterCancel = new AtomicInteger();
        OutputStream cancelsAfterTheHeader = new OutputStream() {
            private int writes;

            @Override
            public void write(int b) {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (cancel.isCancelled()) writesAfterCancel.incrementAndGet();
                if (++writes == 2) cancel.cancel();
            }
        };

        assertThatThrownBy(() -> new ExportEngine().export(job(), cancelsAfterTheHeader, ExportListener.NONE, cancel))
                .isInstanceOf(ExportCancelledException.class);
        assertThat(writesAfterCancel).hasValue(0);

        ExportResult next = new ExportEngine().export(job(), OutputStream.nullOutputStream(), ExportListener.NONE,
                new CancellationToken());
        assertThat(next.path()).isEqualTo(ExportResult.Path.MARIADB_TEXT_CSV);
        assertThat(next.rows()).isEqualTo(ROWS);
    }

    @Test
    void theDriversRowPacketIsReachedThroughThePoolAndHoldsTheRowAsSent() throws Exception {
        byte[] packet = source.withConnection(c -> {
            try (java.sql.PreparedStatement s = c.prepareStatement("SELECT id, filler FROM text_rows WHERE id = ?")) {
                s.setLong(1, 7);
                try (java.sql.ResultSet rs = s.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    org.mariadb.jdbc.client.impl.StandardReadableByteBuf row = MariaDbTextCsvExport.rowBuffer(rs);
                    assertThat(row).isNotNull();
                    return row.buf.clone();
                }
            }
        });
        byte[] expected = new byte[2 + 1 + 100];
        expected[0] = 1;
        expected[1] = '7';
        expected[2] = 100;
        java.util.Arrays.fill(expected, 3, expected.length, (byte) 'x');
        assertThat(packet).isEqualTo(expected);
    }

    @Test
    void theTextRowsPathStopsOneRowPastMaxRows() {
        assertThatThrownBy(() -> new ExportEngine().export(job().withMaxRows(1_000), OutputStream.nullOutputStream(),
                ExportListener.NONE, new CancellationToken()))
                .isInstanceOfSatisfying(ExportFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo("too_many_rows");
                    assertThat(e.getMessage()).contains("max_rows limit of 1000 rows");
                });
    }
}
