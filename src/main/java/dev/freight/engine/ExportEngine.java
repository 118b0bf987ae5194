package dev.freight.engine;

import dev.freight.error.ProblemCode;
import dev.freight.format.FormatWriter;
import dev.freight.format.UnrepresentableValueException;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import dev.freight.query.SeriesShape;
import java.util.zip.Deflater;

/**
 * Runs one export: rows (a cursor, or PostgreSQL's COPY) → format writer → (gzip) → destination, reporting progress
 * and honouring cancellation. The same engine serves the CLI, synchronous HTTP responses and background jobs.
 */
public final class ExportEngine {
    public static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;
    /**
     * Rows between two looks at the clock for a progress report: cheap (a nanoTime per 64 rows), and frequent
     * enough for slow formats too, where a row may take milliseconds.
     */
    private static final int CHECK_EVERY_ROWS = 64;
    /**
     * Threads compressing a gzip export besides the one formatting it: on two cores, one is enough to take the
     * whole compression off the formatting thread.
     */
    private static final int GZIP_THREADS = 1;

    /** Level 1: CSV still shrinks 4-5x, at about half the CPU cost of the default level 6. */
    private static final Supplier<Deflater> LEVEL_1 = () -> new Deflater(Deflater.BEST_SPEED, true);

    /** False: never read through COPY, CSV or binary, nor MariaDB's text rows (tests compare those paths with the cursor's). */
    private final boolean copy;
    private final Supplier<Deflater> gzipDeflaters;

    public ExportEngine() {
        this(true, LEVEL_1);
    }

    /** With the compressing threads' deflaters made by {@code gzipDeflaters}: tests hand in a broken one. */
    ExportEngine(Supplier<Deflater> gzipDeflaters) {
        this(true, gzipDeflaters);
    }

    private ExportEngine(boolean copy, Supplier<Deflater> gzipDeflaters) {
        this.copy = copy;
        this.gzipDeflaters = gzipDeflaters;
    }

    /**
     * The engine with the fast paths off (PostgreSQL's COPY, MariaDB's text rows): every export through the JDBC
     * cursor and the format writer. The
     * reference the fast paths are compared with, byte for byte, in tests.
     */
    public static ExportEngine cursorOnly() {
        return new ExportEngine(false, LEVEL_1);
    }

    /**
     * PostgreSQL's COPY rendering CSV/TSV where it can; otherwise binary COPY where the plan allows it (every format:
     * measured faster than the cursor for CSV too); MariaDB's text-protocol rows written straight to CSV/TSV;
     * otherwise a cursor.
     */
    ExportResult.Path path(ExportPlan job) {
        return path(job, null);
    }

    /**
     * A resumable export needs its key's value at each checkpoint: COPY's CSV gives it for integer and text keys
     * (read back from the row's bytes), MariaDB's text rows not at all; those take a typed path.
     */
    ExportResult.Path path(ExportPlan job, Resumption resumption) {
        // A series' rows are the query's after filling: only the cursor path hands them over one by one.
        if (!copy || job.plan().series() != null) return ExportResult.Path.CURSOR;
        if (PostgresCopyExport.applies(job) && (resumption == null || PostgresCopyExport.readsKey(job, resumption))) {
            return ExportResult.Path.COPY_CSV;
        }
        if (resumption == null && MariaDbTextCsvExport.applies(job)) return ExportResult.Path.MARIADB_TEXT_CSV;
        if (PostgresBinaryRowSource.applies(job.source(), job.plan())) return ExportResult.Path.COPY_BINARY;
        return ExportResult.Path.CURSOR;
    }

    public ExportResult export(ExportPlan job, OutputStream destination, ExportListener listener, CancellationToken cancel) {
        return export(job, destination, listener, cancel, null);
    }

    /**
     * {@code resumption}: null for an export that starts over when run again; otherwise it is ordered by the key
     * at {@link Resumption#keyColumn()}, takes checkpoints, and may continue a stored file. Its result counts the
     * whole file: the rows and bytes before the checkpoint too.
     */
    public ExportResult export(ExportPlan job, OutputStream destination, ExportListener listener, CancellationToken cancel,
                               Resumption resumption) {
        long start = System.nanoTime();
        CountingOutputStream counted = new CountingOutputStream(new CancellableOutputStream(destination, cancel));
        ParallelGzipOutputStream gzip = null;
        boolean continuing = resumption != null && resumption.continues();
        ContinuedOutputStream continued = continuing ? new ContinuedOutputStream(counted) : null;
        long storedBefore = continuing ? resumption.durable() : 0;
        try {
            OutputStream out = continuing ? continued : counted;
            if (job.gzip()) {
                gzip = new ParallelGzipOutputStream(counted, GZIP_THREADS, gzipDeflaters);
                out = gzip;
            }
            java.util.function.LongSupplier position = continuing ? continued::position : counted::count;
            Tracker tracker = new Tracker(() -> storedBefore + counted.count(), listener, cancel, start, job.maxRows(),
                    continuing ? resumption.after().rows() : 0, resumption == null ? null : resumption.marks(), position);
            long rows;
            MeasureSummary.Collector measured = null;
            ExportResult.Path path = path(job, resumption);
            if (path == ExportResult.Path.COPY_CSV) {
                if (continuing) continued.start(resumption.after().rowEnd(), resumption.durable());
                rows = new PostgresCopyExport(job, cancel).export(out, tracker, !continuing,
                        resumption == null ? -1 : resumption.keyColumn());
            } else if (path == ExportResult.Path.MARIADB_TEXT_CSV) {
                rows = new MariaDbTextCsvExport(job, cancel).export(out, tracker);
            } else {
                FormatWriter writer = job.format().writer(out, job.plan().outputColumns(), job.plan().labels(),
                        job.options(), context(job));
                boolean finished = false;
                try {
                    if (continuing) {
                        // What the writer writes to pick up its state is dropped; the file continues after the row.
                        writer.resume();
                        writer.flushRows();
                        continued.start(resumption.after().rowEnd(), resumption.durable());
                    } else {
                        writer.begin();
                    }
                    // Masked here, between reading and writing: no writer ever sees a value the caller may not read.
                    dev.freight.query.Mask[] masks = job.plan().maskArray();
                    byte[] hashKey = job.plan().hashKey();
                    int key = resumption == null ? -1 : resumption.keyColumn();
                    OutputStream flushed = out;
                    RowSource source = path == ExportResult.Path.COPY_BINARY
                            ? new PostgresBinaryRowSource(job.source(), job.plan(), cancel)
                            : new JdbcRowSource(job.source(), job.plan(), cancel);
                    RowSource.RowConsumer write = row -> {
                        Object keyValue = key < 0 ? null : row[key];
                        if (masks != null) {
                            for (int i = 0; i < masks.length; i++) if (masks[i] != null) row[i] = masks[i].apply(row[i], hashKey);
                        }
                        writer.writeRow(row);
                        tracker.rowWritten();
                        if (key >= 0 && tracker.checkpointWanted()) {
                            writer.flushRows();
                            flushed.flush();
                            tracker.checkpoint(keyText(keyValue));
                        }
                    };
                    if (job.plan().series() != null) {
                        SeriesShape shape = job.plan().series();
                        int first = 1 + shape.groupCount();
                        int[] indexes = new int[shape.measures().size()];
                        List<String> names = new ArrayList<>();
                        for (int i = 0; i < indexes.length; i++) {
                            indexes[i] = first + i;
                            names.add(shape.outputColumns().get(first + i).name());
                        }
                        MeasureSummary.Collector collector = new MeasureSummary.Collector(names, indexes);
                        measured = collector;
                        RowSource.RowConsumer written = write;
                        SeriesRows series = new SeriesRows(shape, row -> {
                            collector.add(row);
                            written.accept(row);
                        });
                        source.stream(series);
                        series.finish();
                        rows = series.written();
                    } else {
                        rows = source.stream(write);
                    }
                    writer.finish();
                    finished = true;
                } finally {
                    if (!finished) writer.abandon();
                }
            }
            if (cancel.isCancelled()) throw new ExportCancelledException();
            if (gzip != null) gzip.finish();
            out.flush();
            long elapsed = System.nanoTime() - start;
            long totalRows = (continuing ? resumption.after().rows() : 0) + rows;
            long bytes = storedBefore + counted.count();
            listener.onProgress(new ExportProgress(totalRows, bytes, elapsed));
            return new ExportResult(totalRows, bytes, elapsed, path, measured == null ? null : measured.summaries());
        } catch (ExportCancelledException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // A write refused after a cancel may reach us wrapped by a library (OpenPDF's ExceptionConverter, an
            // I/O error of a writer): once cancelled, whatever stopped the export is the cancellation.
            if (cancel.isCancelled()) throw new ExportCancelledException();
            if (e instanceof UnrepresentableValueException u) {
                throw new ExportFailedException(ProblemCode.UNREPRESENTABLE_VALUE.code(), u.getMessage(), false, u);
            }
            if (e instanceof IOException io) {
                throw new ExportFailedException(ProblemCode.WRITE_FAILED.code(), "writing the export failed: " + io.getMessage(), true, io);
            }
            if (e instanceof UncheckedIOException u) {
                throw new ExportFailedException(ProblemCode.WRITE_FAILED.code(), "writing the export failed: " + u.getCause().getMessage(),
                        true, u.getCause());
            }
            throw (RuntimeException) e;
        } finally {
            // Finished, failed or cancelled: the compressing threads end before the export returns.
            if (gzip != null) gzip.shutdown();
        }
    }

    /** A key value as a checkpoint keeps it: numbers and text as they are, dates and decimals as ISO text. */
    static Object keyText(Object key) {
        if (key instanceof Long || key instanceof String) return key;
        if (key instanceof java.math.BigDecimal d) return d.toPlainString();
        return key == null ? null : key.toString();
    }

    static dev.freight.format.WriterContext context(ExportPlan job) {
        return new dev.freight.format.WriterContext(job.plan().table().name(), job.plan().filtersInWords(),
                java.time.Instant.now(), null, job.pdfMaxRows());
    }

    /** Counts rows, reports progress on a clock, and turns a cancellation into an exception between rows. */
    static final class Tracker {
        private final java.util.function.LongSupplier bytes;
        private final ExportListener listener;
        private final CancellationToken cancel;
        private final long start;
        private final long maxRows;
        private final Resumption.Marks marks;
        private final java.util.function.LongSupplier position;
        private long rows;
        private long lastReport;

        /**
         * {@code rowsBefore}: rows of the file before this run (a continued export); {@code position}: the file offset
         * of the next byte written, for checkpoints, which {@code marks} receives (null: none taken).
         */
        Tracker(java.util.function.LongSupplier bytes, ExportListener listener, CancellationToken cancel, long start,
                long maxRows, long rowsBefore, Resumption.Marks marks, java.util.function.LongSupplier position) {
            this.bytes = bytes;
            this.listener = listener;
            this.cancel = cancel;
            this.start = start;
            this.maxRows = maxRows;
            this.lastReport = start;
            this.rows = rowsBefore;
            this.marks = marks;
            this.position = position;
        }

        boolean checkpointWanted() {
            return marks != null && marks.wanted();
        }

        /** At a row boundary, everything before it flushed into the destination: the last row's key. */
        void checkpoint(Object key) {
            marks.reached(new Checkpoint(rows, key, position.getAsLong()));
        }

        void rowWritten() {
            // The flag on every row (a volatile read): a row costs anything from a microsecond (CSV) to milliseconds
            // (a PDF page layout on a cold JIT), so a row count between looks is no bound on the time between them.
            if (cancel.isCancelled()) throw new ExportCancelledException();
            if (++rows % CHECK_EVERY_ROWS == 0) report();
            if (rows > maxRows) throw tooManyRows();
        }

        void rowsWritten(long n) {
            if (cancel.isCancelled()) throw new ExportCancelledException();
            long before = rows;
            rows += n;
            if (before / CHECK_EVERY_ROWS != rows / CHECK_EVERY_ROWS) report();
            if (rows > maxRows) throw tooManyRows();
        }

        private ExportFailedException tooManyRows() {
            return new ExportFailedException(ProblemCode.TOO_MANY_ROWS.code(), "the export passed the max_rows limit of " + maxRows
                    + " rows; narrow it with filters or a date range, or set row_limit to at most " + maxRows, false, null);
        }

        private void report() {
            long now = System.nanoTime();
            if (now - lastReport >= PROGRESS_INTERVAL_NANOS) {
                lastReport = now;
                listener.onProgress(new ExportProgress(rows, bytes.getAsLong(), now - start));
            }
        }
    }
}
