package dev.freight.engine;

import dev.freight.export.FileSizeCap;
import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.query.ExportRequest;
import dev.freight.query.Filter;
import dev.freight.query.QueryPlan;
import dev.freight.query.QueryPlanner;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * gzip exports through the engine, on each path (COPY CSV, binary COPY, cursor): the compressed file gunzips to
 * the plain export, and however the export ends (finished, cancelled, failed in the compressor or at the
 * destination), it ends with the same outcome as before compression moved to its own thread, and that thread is
 * gone.
 */
class GzipExportTest {
    private static final int ROWS = 100_000;
    private static JdbcSource source;

    @BeforeAll
    static void tables() {
        String url = TestDatabases.postgres();
        TestDatabases.execute(url, "CREATE TABLE IF NOT EXISTS gzip_rows AS SELECT g AS id, 'row ' || g || ' '"
                + " || md5(g::text) AS label, g / 7.0 AS amount FROM generate_series(1, " + ROWS + ") g");
        source = ExportRunner.open(url);
    }

    @AfterAll
    static void close() {
        source.close();
    }

    @AfterEach
    void noCompressingThreadIsLeft() {
        assertThat(ParallelGzipOutputStreamTest.liveCompressingThreads()).as("live compressing threads").isZero();
    }

    private static ExportPlan job(ExportRequest request, boolean gzip) {
        QueryPlan plan = new QueryPlanner(source.catalog(), source.dialect()).plan(request);
        ExportFormat format = ExportFormat.fromId(request.format());
        return new ExportPlan(source, plan, format, FormatOptions.defaults(format), gzip);
    }

    /** csv takes COPY CSV, unless the engine is told not to ("cursor"); ndjson takes binary COPY. */
    private static ExportRequest request(String path) {
        return switch (path) {
            case "copy", "cursor" -> ExportRequest.of("gzip_rows", "csv");
            default -> ExportRequest.of("gzip_rows", path).withFilters(List.of(new Filter("id", "gt", 0)));
        };
    }

    private static ExportEngine engine(String path) {
        return path.equals("cursor") ? ExportEngine.cursorOnly() : new ExportEngine();
    }

    @ParameterizedTest
    @ValueSource(strings = {"copy", "cursor", "ndjson"})
    void theGzipExportGunzipsToThePlainExport(String path) throws IOException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        engine(path).export(job(request(path), false), plain, ExportListener.NONE, new CancellationToken());
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        ExportResult result = engine(path).export(job(request(path), true), gz, ExportListener.NONE,
                new CancellationToken());

        assertThat(result.rows()).isEqualTo(ROWS);
        assertThat(result.path()).isEqualTo(switch (path) {
            case "copy" -> ExportResult.Path.COPY_CSV;
            case "cursor" -> ExportResult.Path.CURSOR;
            default -> ExportResult.Path.COPY_BINARY;
        });
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.toByteArray()))) {
            assertThat(in.readAllBytes()).isEqualTo(plain.toByteArray());
        }
    }

    @Test
    void theBytesReportedAreTheCompressedBytesTheDestinationReceived() {
        List<ExportProgress> reports = new CopyOnWriteArrayList<>();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        ExportResult result = new ExportEngine().export(job(request("copy"), true), gz, reports::add,
                new CancellationToken());

        assertThat(result.bytes()).isEqualTo(gz.size());
        assertThat(reports.get(reports.size() - 1).bytes()).isEqualTo(gz.size());
        for (int i = 1; i < reports.size(); i++) {
            assertThat(reports.get(i).bytes()).isGreaterThanOrEqualTo(reports.get(i - 1).bytes());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"copy", "ndjson"})
    void cancellingMidStreamStopsTheExportAndNoWriteFollows(String path) {
        CancellationToken cancel = new CancellationToken();
        AtomicInteger writesAfterCancel = new AtomicInteger();
        // Cancelled once a few compressed blocks have arrived: mid-stream, with blocks still being compressed.
        OutputStream cancelsAfter100Kib = new OutputStream() {
            private long received;

            @Override
            public void write(int b) {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (cancel.isCancelled()) writesAfterCancel.incrementAndGet();
                received += len;
                if (received > 100_000) cancel.cancel();
            }
        };
        assertThatThrownBy(() -> new ExportEngine().export(job(request(path), true), cancelsAfter100Kib,
                ExportListener.NONE, cancel)).isInstanceOf(ExportCancelledException.class);
        assertThat(writesAfterCancel).as("writes after the cancel").hasValue(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"copy", "ndjson"})
    @Timeout(60) // a guard against a hang, the failure this test is about; not a measure of speed
    void aFailureInTheCompressingThreadFailsTheExportWithWriteFailed(String path) {
        ExportEngine brokenCompressor = new ExportEngine(() -> {
            Deflater ended = new Deflater(Deflater.BEST_SPEED, true);
            ended.end();
            return ended;
        });
        assertThatThrownBy(() -> brokenCompressor.export(job(request(path), true), OutputStream.nullOutputStream(),
                ExportListener.NONE, new CancellationToken()))
                .isInstanceOfSatisfying(ExportFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo("write_failed");
                    assertThat(e.getMessage()).startsWith("writing the export failed: compressing the export failed");
                });
    }

    @Test
    void aDestinationThatFailsFailsTheExportWithWriteFailed() {
        OutputStream diskFull = new OutputStream() {
            private long received;

            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                received += len;
                if (received > 50_000) throw new IOException("No space left on device");
            }
        };
        assertThatThrownBy(() -> new ExportEngine().export(job(request("ndjson"), true), diskFull, ExportListener.NONE,
                new CancellationToken())).isInstanceOfSatisfying(ExportFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo("write_failed");
                    assertThat(e.getMessage()).contains("No space left on device");
                });
    }

    /** The cap applies to the file as stored: compressed bytes, not the CSV before compression. */
    @Test
    void theFileSizeCapCountsCompressedBytes() throws IOException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        new ExportEngine().export(job(request("copy"), false), plain, ExportListener.NONE, new CancellationToken());
        long cap = plain.size() / 2;

        FileSizeCap fits = new FileSizeCap(OutputStream.nullOutputStream(), cap);
        ExportResult compressed = new ExportEngine().export(job(request("copy"), true), fits, ExportListener.NONE,
                new CancellationToken());
        assertThat(fits.written()).isEqualTo(compressed.bytes()).isLessThan(cap);

        FileSizeCap tooSmall = new FileSizeCap(OutputStream.nullOutputStream(), compressed.bytes() / 2);
        assertThatThrownBy(() -> new ExportEngine().export(job(request("copy"), true), tooSmall, ExportListener.NONE,
                new CancellationToken())).isInstanceOf(ExportFailedException.class);
        assertThat(tooSmall.exceeded()).isTrue();
        assertThat(tooSmall.written()).isLessThanOrEqualTo(compressed.bytes() / 2);
    }
}
