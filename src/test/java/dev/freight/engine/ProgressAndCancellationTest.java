package dev.freight.engine;

import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.query.ExportRequest;
import dev.freight.query.Filter;
import dev.freight.query.QueryPlan;
import dev.freight.query.QueryPlanner;
import dev.freight.source.JdbcSource;
import dev.freight.testing.Await;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProgressAndCancellationTest {
    private static JdbcSource source;

    @BeforeAll
    static void tables() {
        String url = TestDatabases.postgres();
        TestDatabases.execute(url,
                "CREATE TABLE IF NOT EXISTS progress_rows AS SELECT g AS id, repeat('x', 100) AS filler FROM generate_series(1, 600000) g",
                // Each row costs the server 20 ms: the first fetch of 10,000 rows would take minutes.
                "CREATE OR REPLACE VIEW slow_rows AS SELECT g AS id, pg_sleep(0.02)::text AS nap FROM generate_series(1, 100000) g");
        source = ExportRunner.open(url);
    }

    @AfterAll
    static void close() {
        source.close();
    }

    private static ExportPlan job(ExportRequest request) {
        QueryPlan plan = new QueryPlanner(source.catalog(), source.dialect()).plan(request);
        ExportFormat format = ExportFormat.fromId(request.format());
        return new ExportPlan(source, plan, format, FormatOptions.defaults(format), false);
    }

    @Test
    void progressIsReportedOnAClockWithGrowingRowsAndBytes() {
        List<ExportProgress> reports = new CopyOnWriteArrayList<>();
        List<Long> times = new CopyOnWriteArrayList<>();
        // XLSX: a couple of seconds for 600,000 rows, where NDJSON through binary COPY may end within one report interval.
        ExportRequest request = ExportRequest.of("progress_rows", "xlsx").withFilters(List.of(new Filter("id", "gt", 0)));
        ExportResult result = new ExportEngine().export(job(request), OutputStream.nullOutputStream(), p -> {
            reports.add(p);
            times.add(System.nanoTime());
        }, new CancellationToken());

        assertThat(result.rows()).isEqualTo(600_000);
        assertThat(reports.size()).as("intermediate reports").isGreaterThanOrEqualTo(2);
        ExportProgress last = reports.get(reports.size() - 1);
        assertThat(last.rows()).isEqualTo(600_000);
        assertThat(last.bytes()).isEqualTo(result.bytes());
        for (int i = 1; i < reports.size(); i++) {
            assertThat(reports.get(i).rows()).isGreaterThanOrEqualTo(reports.get(i - 1).rows());
            assertThat(reports.get(i).bytes()).isGreaterThanOrEqualTo(reports.get(i - 1).bytes());
        }
        for (int i = 1; i < times.size() - 1; i++) {
            assertThat(times.get(i) - times.get(i - 1)).as("gap between reports").isGreaterThanOrEqualTo(240_000_000L);
        }
    }

    @Test
    void cancellingALimitedExportMidStreamStopsIt() {
        CancellationToken cancel = new CancellationToken();
        ExportRequest request = ExportRequest.of("progress_rows", "csv").withRowLimit(600_000L);
        // Cancelled once the first megabyte has arrived, mid-stream whatever the machine's speed: a limited CSV takes
        // the COPY path, which on a quiet machine may finish all 600,000 rows before the first progress report.
        OutputStream cancelsAfterAMegabyte = new OutputStream() {
            private long written;

            @Override
            public void write(int b) {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                written += len;
                if (written > 1_000_000) cancel.cancel();
            }
        };
        assertThatThrownBy(() -> new ExportEngine().export(job(request), cancelsAfterAMegabyte, ExportListener.NONE, cancel))
                .isInstanceOf(ExportCancelledException.class);
    }

    @Test
    void theCopyFastPathStopsOneRowPastMaxRows() {
        assertThatThrownBy(() -> new ExportEngine().export(job(ExportRequest.of("progress_rows", "csv")).withMaxRows(1_000),
                OutputStream.nullOutputStream(), ExportListener.NONE, new CancellationToken()))
                .isInstanceOfSatisfying(ExportFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo("too_many_rows");
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("max_rows limit of 1000 rows");
                });
    }

    @Test
    void theCursorPathStopsOneRowPastMaxRows() {
        ExportPlan job = job(ExportRequest.of("progress_rows", "ndjson")
                .withFilters(List.of(new Filter("id", "gt", 0)))).withMaxRows(5_000);
        assertThatThrownBy(() -> new ExportEngine().export(job, OutputStream.nullOutputStream(), ExportListener.NONE,
                new CancellationToken())).isInstanceOfSatisfying(ExportFailedException.class,
                e -> assertThat(e.code()).isEqualTo("too_many_rows"));
    }

    @Test
    void anExportOfExactlyMaxRowsCompletes() {
        ExportResult r = new ExportEngine().export(job(ExportRequest.of("progress_rows", "csv").withRowLimit(2_000L))
                .withMaxRows(2_000), OutputStream.nullOutputStream(), ExportListener.NONE, new CancellationToken());
        assertThat(r.rows()).isEqualTo(2_000);
    }

    @Test
    void cancellingStopsTheCopyFastPath() {
        CancellationToken cancel = new CancellationToken();
        // Cancelled as the first bytes arrive (a progress report comes only after 250 ms, and a fast machine may
        // have finished the whole table by then).
        OutputStream cancelsOnFirstWrite = new OutputStream() {
            @Override
            public void write(int b) {
                cancel.cancel();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                cancel.cancel();
            }
        };
        assertThatThrownBy(() -> new ExportEngine().export(job(ExportRequest.of("progress_rows", "csv")),
                cancelsOnFirstWrite, ExportListener.NONE, cancel)).isInstanceOf(ExportCancelledException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ndjson", "csv", "xlsx", "parquet", "pdf"})
    void onceCancelledNotAnotherWriteReachesTheDestination(String format) {
        CancellationToken cancel = new CancellationToken();
        AtomicInteger writesAfterCancel = new AtomicInteger();
        // Cancelled by the writer's first write; a writer busy inside one call (a PDF page layout) writes again
        // before it returns to the row loop.
        OutputStream cancelsOnFirstWrite = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (cancel.isCancelled()) writesAfterCancel.incrementAndGet();
                cancel.cancel();
            }
        };
        ExportRequest request = ExportRequest.of("progress_rows", format).withRowLimit(20_000L)
                .withFilters(List.of(new Filter("id", "gt", 0)));
        assertThatThrownBy(() -> new ExportEngine().export(job(request), cancelsOnFirstWrite, ExportListener.NONE, cancel))
                .isInstanceOf(ExportCancelledException.class);
        assertThat(writesAfterCancel).as("writes after the cancel").hasValue(0);
    }

    @Test
    void cancellingInterruptsADatabaseThatIsSlowToAnswerWithinASecond() throws Exception {
        assertCancelledQuickly(ExportRequest.of("slow_rows", "csv").withRowLimit(100_000L));
    }

    @Test
    void cancellingInterruptsASlowCopyWithinASecond() throws Exception {
        assertCancelledQuickly(ExportRequest.of("slow_rows", "csv"));
    }

    /**
     * Cancels once the export's query runs on the server (the slow rows give no progress to wait for: the first
     * fetch alone would take minutes) and measures from the cancel to the export's end.
     */
    private void assertCancelledQuickly(ExportRequest request) throws Exception {
        CancellationToken cancel = new CancellationToken();
        ExportPlan job = job(request);
        AtomicLong cancelledAt = new AtomicLong();
        AtomicReference<Throwable> notRunning = new AtomicReference<>();
        Thread canceller = new Thread(() -> {
            try {
                Await.until("the export's query of slow_rows running on the server", Duration.ofSeconds(30),
                        () -> TestDatabases.runningStatements("slow_rows") > 0);
            } catch (Throwable e) {
                notRunning.set(e); // cancelled all the same: the export would otherwise run for half an hour
            }
            cancelledAt.set(System.nanoTime());
            cancel.cancel();
        });
        canceller.start();
        assertThatThrownBy(() -> new ExportEngine().export(job, OutputStream.nullOutputStream(), ExportListener.NONE, cancel))
                .isInstanceOf(ExportCancelledException.class);
        long stoppedAt = System.nanoTime();
        canceller.join();
        if (notRunning.get() != null) throw new AssertionError(notRunning.get());
        assertThat(Duration.ofNanos(stoppedAt - cancelledAt.get())).as("from cancel to stop")
                .isLessThan(Duration.ofSeconds(1));
    }
}
