package dev.freight.engine;

import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.query.ExportRequest;
import dev.freight.query.QueryPlan;
import dev.freight.query.QueryPlanner;
import dev.freight.source.DemoData;
import dev.freight.source.JdbcSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A row estimate must leave nothing behind on the pooled connection it borrowed. H2 applies a statement's query
 * timeout to the whole session: an estimate that set one made every later export on that connection die after
 * it ("Statement was canceled or the session timed out").
 */
class PooledSessionSettingsTest {
    @TempDir
    static Path dataDir;
    private static JdbcSource demo;

    @BeforeAll
    static void openDemoWithOneConnection() {
        // One connection: the export is sure to run on the connection the estimate used.
        demo = JdbcSource.open("demo", DemoData.ensureEmbedded(dataDir), "sa", "", 1);
    }

    @AfterAll
    static void close() {
        demo.close();
    }

    private static QueryPlan plan(ExportRequest request) {
        return new QueryPlanner(demo.catalog(), demo.dialect()).plan(request);
    }

    @Test
    void aTwentySecondDemoExportRightAfterAnEstimateOnTheSamePoolCompletes() {
        QueryPlan plan = plan(ExportRequest.of("orders", "csv"));
        assertThat(RowEstimator.count(demo, plan, 1_000_000)).isEqualTo(RowCount.known(DemoData.DEFAULT_ORDER_ROWS));

        ExportPlan job = new ExportPlan(demo, plan, ExportFormat.CSV,
                FormatOptions.parse(ExportFormat.CSV, java.util.Map.of()), false);
        long started = System.nanoTime();
        ExportResult result = new ExportEngine().export(job, new SlowClient(Duration.ofSeconds(20), 12_000_000),
                ExportListener.NONE, new CancellationToken());

        assertThat(result.rows()).isEqualTo(DemoData.DEFAULT_ORDER_ROWS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(RowEstimator.TIMEOUT.multipliedBy(3));
    }

    @Test
    void aCountThatTimedOutIsUnknownAndTheNextExportOnThePoolIsUnaffected() {
        // A cross join of the demo orders with itself is far too slow to count in 100 ms.
        ExportRequest huge = ExportRequest.of("orders", "csv");
        QueryPlan plan = plan(huge);
        QueryPlan slow = new QueryPlan(plan.dialect(), plan.table(), plan.columns(), plan.labels(), plan.sql(),
                plan.parameters(), plan.fromAndWhere() + " CROSS JOIN " + plan.dialect().fromItem(plan.table()) + " cross_b", plan.whereParameters(),
                plan.orderBy(), true, plan.rowLimit(), plan.filtersInWords());

        assertThat(RowEstimator.count(demo, slow, 1_000_000_000_000L, Duration.ofMillis(100))).isEqualTo(RowCount.unknown());
        assertThat(new ExportEngine().export(new ExportPlan(demo, plan, ExportFormat.CSV,
                FormatOptions.parse(ExportFormat.CSV, java.util.Map.of()), false), OutputStream.nullOutputStream(),
                ExportListener.NONE, new CancellationToken()).rows()).isEqualTo(DemoData.DEFAULT_ORDER_ROWS);
    }

    /** Reads {@code expectedBytes} no faster than over {@code duration}, as a client on a slow link does. */
    private static final class SlowClient extends OutputStream {
        private final long nanosPerByte;
        private final long start = System.nanoTime();
        private long written;

        SlowClient(Duration duration, long expectedBytes) {
            this.nanosPerByte = duration.toNanos() / expectedBytes;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            written += len;
            long due = start + written * nanosPerByte - System.nanoTime();
            if (due > 0) {
                try {
                    Thread.sleep(due / 1_000_000, (int) (due % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
    }
}
