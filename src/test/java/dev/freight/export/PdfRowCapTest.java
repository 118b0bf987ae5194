package dev.freight.export;

import dev.freight.engine.CancellationToken;
import dev.freight.engine.ExportListener;
import dev.freight.error.InvalidRequestException;
import dev.freight.format.ExportFormat;
import dev.freight.query.ExportRequest;
import dev.freight.source.DemoData;
import dev.freight.source.JdbcSource;
import dev.freight.source.SourceRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The PDF row cap refuses up front only what is known to be too big. A count that could not run (here: every
 * connection of the source busy) is not "too many rows"; the writer checks the cap while streaming instead.
 */
class PdfRowCapTest {
    @TempDir
    static Path dataDir;
    private static JdbcSource demo;
    private static SourceRegistry registry;

    @BeforeAll
    static void openDemoWithOneConnection() {
        demo = JdbcSource.open("demo", DemoData.ensureEmbedded(dataDir), "sa", "", 1);
        registry = SourceRegistry.of(Map.of("demo", demo));
    }

    @AfterAll
    static void close() {
        registry.close();
    }

    private static ExportService cappedAt(long cap) {
        return ExportService.unrestricted(registry, new ExportService.Settings(ExportFormat.CSV, cap));
    }

    private static PreparedExport pdf(long cap) {
        return cappedAt(cap).prepare(ExportRequest.of("orders", "pdf"), ExportService.OPERATOR);
    }

    @Test
    void aTableOfExactlyTheCapIsAccepted() {
        assertThatCode(() -> pdf(DemoData.DEFAULT_ORDER_ROWS)).doesNotThrowAnyException();
    }

    @Test
    void aTableKnownToBeOverTheCapIsRefusedUpFront() {
        assertThatThrownBy(() -> pdf(DemoData.DEFAULT_ORDER_ROWS - 1))
                .isInstanceOf(InvalidRequestException.class)
                .hasFieldOrPropertyWithValue("code", "too_many_rows_for_pdf");
    }

    @Test
    void aTableOfExactlyTheCapIsAcceptedWhileEveryConnectionIsBusy() throws Exception {
        try (Connection busy = demo.connection()) {
            assertThat(demo.saturated()).isTrue();
            assertThatCode(() -> pdf(DemoData.DEFAULT_ORDER_ROWS)).doesNotThrowAnyException();
        }
    }

    @Test
    void anUncountedExportOverTheCapIsStoppedByTheWriterWhileStreaming() throws Exception {
        long cap = 1_000;
        PreparedExport uncounted;
        try (Connection busy = demo.connection()) {
            uncounted = pdf(cap);
        }
        ExportService service = cappedAt(cap);
        assertThatThrownBy(() -> service.run(uncounted, Sinks.stream(OutputStream.nullOutputStream()),
                ExportListener.NONE, new CancellationToken()))
                .isInstanceOf(InvalidRequestException.class)
                .hasFieldOrPropertyWithValue("code", "too_many_rows_for_pdf");
    }
}
