package dev.freight.engine;

import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.query.ExportRequest;
import dev.freight.error.InvalidRequestException;
import dev.freight.source.DemoData;
import dev.freight.source.JdbcSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;

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

    @BeforeAll
    static void openDemoWithOneConnection() {
        demo = JdbcSource.open("demo", DemoData.ensureEmbedded(dataDir), "sa", "", 1);
    }

    @AfterAll
    static void close() {
        demo.close();
    }

    private static ExportEngine.Job pdf(long cap) {
        ExportRequest request = ExportRequest.of("orders", "pdf");
        return new ExportEngine.Job(demo, new dev.freight.query.QueryPlanner(demo.catalog(), demo.dialect()).plan(request),
                ExportFormat.PDF, FormatOptions.parse(ExportFormat.PDF, java.util.Map.of()), false, cap);
    }

    @Test
    void aTableOfExactlyTheCapIsAccepted() {
        assertThatCode(() -> PdfRowCap.check(pdf(DemoData.DEFAULT_ORDER_ROWS), DemoData.DEFAULT_ORDER_ROWS))
                .doesNotThrowAnyException();
    }

    @Test
    void aTableKnownToBeOverTheCapIsRefusedUpFront() {
        long cap = DemoData.DEFAULT_ORDER_ROWS - 1;
        assertThatThrownBy(() -> PdfRowCap.check(pdf(cap), cap))
                .isInstanceOf(InvalidRequestException.class)
                .hasFieldOrPropertyWithValue("code", "too_many_rows_for_pdf");
    }

    @Test
    void aTableOfExactlyTheCapIsAcceptedWhileEveryConnectionIsBusy() throws Exception {
        try (Connection busy = demo.connection()) {
            assertThat(demo.saturated()).isTrue();
            assertThatCode(() -> PdfRowCap.check(pdf(DemoData.DEFAULT_ORDER_ROWS), DemoData.DEFAULT_ORDER_ROWS))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void anUncountedExportOverTheCapIsStoppedByTheWriterWhileStreaming() throws Exception {
        long cap = 1_000;
        try (Connection busy = demo.connection()) {
            PdfRowCap.check(pdf(cap), cap);
        }
        assertThatThrownBy(() -> new ExportEngine().export(pdf(cap), OutputStream.nullOutputStream(),
                ExportListener.NONE, new CancellationToken()))
                .isInstanceOf(InvalidRequestException.class)
                .hasFieldOrPropertyWithValue("code", "too_many_rows_for_pdf");
    }
}
