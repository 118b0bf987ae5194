package dev.freight.engine;

import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.query.ExportRequest;
import dev.freight.query.Filter;
import dev.freight.query.QueryPlanner;
import dev.freight.query.SortKey;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An export continued from a checkpoint writes the same file as one that never stopped: the bytes stored before
 * the stop, then the continuing run's, equal the undisturbed export byte for byte, in every resumable format, on
 * every way rows are read, with integer and text keys, whether the store kept exactly the checkpoint's bytes or
 * some more (a part of an S3 upload past the checkpoint's row).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumableExportTest {
    private final String url = TestDatabases.postgres();
    private JdbcSource source;

    @BeforeAll
    void createTables() {
        TestDatabases.execute(url, "DROP TABLE IF EXISTS resume_rows", "DROP TABLE IF EXISTS resume_text_keys",
                "CREATE TABLE resume_rows (id bigint PRIMARY KEY, note text, amount numeric(12,2), at timestamptz, flag boolean)",
                "INSERT INTO resume_rows SELECT g * 3, CASE g % 5 WHEN 0 THEN 'comma, \"quote\"' WHEN 1 THEN E'new\\nline'"
                        + " WHEN 2 THEN 'grüße 🚚' WHEN 3 THEN NULL ELSE '=formula' END, g * 1.25,"
                        + " timestamptz '2024-03-31 00:30:00+01' + g * interval '7 minutes', g % 2 = 0"
                        + " FROM generate_series(1, 3000) g",
                "CREATE TABLE resume_text_keys (code varchar(40) PRIMARY KEY, note text)",
                "INSERT INTO resume_text_keys SELECT 'k,\"' || lpad(g::text, 5, '0'), 'row ' || g FROM generate_series(1, 2000) g");
        source = ExportRunner.open(url);
    }

    @AfterAll
    void close() {
        source.close();
    }

    @ParameterizedTest(name = "{0} {1} through {2}, {3} bytes past the checkpoint stored")
    @CsvSource({
            "resume_rows, csv, copy, 0", "resume_rows, csv, copy, 1000", "resume_rows, csv, cursor, 0",
            "resume_rows, tsv, copy, 17", "resume_rows, json, copy, 0", "resume_rows, json, cursor, 5",
            "resume_rows, ndjson, copy, 0", "resume_rows, ndjson, cursor, 333",
            "resume_text_keys, csv, copy, 0", "resume_text_keys, json, cursor, 40", "resume_text_keys, csv, copy, 250"})
    void aContinuedExportEqualsTheUndisturbedOneByteForByte(String table, String format, String path, int pastCheckpoint) {
        ExportEngine engine = path.equals("copy") ? new ExportEngine() : ExportEngine.cursorOnly();
        String key = table.equals("resume_rows") ? "id" : "code";
        ExportRequest request = ExportRequest.of(table, format).withSort(List.of(new SortKey(key, "asc")));
        byte[] undisturbed = ExportRunner.export(source, request).bytes();

        List<Checkpoint> checkpoints = new ArrayList<>();
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        ExportPlan plan = plan(request);
        int keyColumn = Resumption.keyColumn(plan).orElseThrow();
        ExportResult whole = engine.export(plan, first, ExportListener.NONE, new CancellationToken(),
                Resumption.fromStart(keyColumn, everyRow(checkpoints)));
        assertThat(first.toByteArray()).as("checkpoints change no byte").isEqualTo(undisturbed);
        assertThat(whole.path() == ExportResult.Path.COPY_CSV).isEqualTo(path.equals("copy") && format.matches("csv|tsv"));

        Checkpoint stop = checkpoints.get(checkpoints.size() / 3);
        long stored = Math.min(undisturbed.length, stop.rowEnd() + pastCheckpoint);
        ExportRequest rest = request.withFilters(List.of(new Filter(key, "gt", stop.key())));
        ByteArrayOutputStream continued = new ByteArrayOutputStream();
        ExportResult result = engine.export(plan(rest), continued, ExportListener.NONE, new CancellationToken(),
                Resumption.fromStart(keyColumn, everyRow(new ArrayList<>())).continuing(stop, stored));

        byte[] file = concat(Arrays.copyOf(undisturbed, (int) stored), continued.toByteArray());
        assertThat(new String(file, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(new String(undisturbed, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(result.rows()).isEqualTo(whole.rows());
        assertThat(result.bytes()).isEqualTo(undisturbed.length);
    }

    private ExportPlan plan(ExportRequest request) {
        ExportFormat format = ExportFormat.fromId(request.format());
        return new ExportPlan(source, new QueryPlanner(source.catalog(), source.dialect()).plan(request), format,
                FormatOptions.parse(format, Map.of()), false);
    }

    /** Asks for a checkpoint at every chance: each row, or each batch of COPY's rows. */
    private static Resumption.Marks everyRow(List<Checkpoint> into) {
        return new Resumption.Marks() {
            @Override
            public boolean wanted() {
                return true;
            }

            @Override
            public void reached(Checkpoint checkpoint) {
                into.add(checkpoint);
            }
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
