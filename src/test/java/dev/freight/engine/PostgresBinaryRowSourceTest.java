package dev.freight.engine;

import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.query.ExportRequest;
import dev.freight.query.Filter;
import dev.freight.query.QueryPlan;
import dev.freight.query.QueryPlanner;
import dev.freight.query.SortKey;
import dev.freight.source.JdbcSource;
import dev.freight.testing.Await;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.jdbc.PgConnection;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The binary COPY row source against the cursor it replaces for typed formats on PostgreSQL: for every type
 * PostgreSQL has and every awkward value, both produce the same Java values (same classes, same decimal scales, the
 * same offsets), fail the same way, and stop when cancelled.
 */
class PostgresBinaryRowSourceTest {
    private static final String URL = TestDatabases.postgres();
    private static final String MEGABYTE_TEXT = "é🚚x".repeat(150_000);
    private static JdbcSource source;

    @BeforeAll
    static void tables() {
        TestDatabases.execute(URL,
                "CREATE TYPE binary_mood AS ENUM ('sad', 'happy')",
                """
                        CREATE TABLE binary_types (
                          id int PRIMARY KEY,
                          i2 smallint, i4 integer, i8 bigint, n numeric, n122 numeric(12, 2),
                          f4 real, f8 double precision, b boolean,
                          d date, t time, ts timestamp, tstz timestamptz, bytes bytea,
                          txt text, vc varchar(20), ch char(5), nm name,
                          js json, jsb jsonb, u uuid, iv interval, arr int[], tsarr timestamptz[], m money,
                          e binary_mood, x xml, ip inet
                        )""",
                """
                        INSERT INTO binary_types VALUES
                          (1, 1, 2, 3, 4.50, 12345678.90, 1.1, 0.1, true, '2024-03-31', '12:34:56.789', '2024-03-31 02:30:00',
                           '2024-03-31 00:59:59+00', '\\x00ff10', 'plain', 'varchar', 'ab', 'a_name', '{"a": [1, 2.50]}',
                           '{"b": "ü", "a": 1}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '1 year 2 mons 3 days 04:05:06.5',
                           '{1,NULL,3}', '{"2024-01-01 00:00:00+00"}', 12.34, 'happy', '<a>ü</a>', '192.168.0.1/24'),
                          (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                          (3, -32768, 2147483647, -9223372036854775808, -123456789012345678901234567890.123456789000,
                           -9999999999.99, 'NaN', '-Infinity', false, 'infinity', '24:00:00', 'infinity', '-infinity',
                           '\\x', E'ctrl \\x01\\x02\\x1f\\x7f tab\\t cr\\r lf\\n 🚚 👩‍👩‍👧 東京 e\\u0301', '', '', '', 'null',
                           '[]', '00000000-0000-0000-0000-000000000000', '-1 days -00:00:01', '{}', '{}', -0.01, 'sad',
                           '', '::1'),
                          (4, 32767, -2147483648, 9223372036854775807, 0.000, 0.00, '-0', 1e308, true, '-infinity',
                           '00:00:00', '-infinity', 'infinity', '\\x00', '=SUM(A1)', 'x', 'abcde', 'n', '"s"', '"s"',
                           'ffffffff-ffff-ffff-ffff-ffffffffffff', '0', '{-1}', NULL, 0, 'happy', '<x/>', '10.0.0.0/8'),
                          (5, 0, 0, 0, 1e-1000, 0.01, 3.4028235e38, 4.9e-324, false, '0044-03-15 BC', '00:00:00.000001',
                           '0044-03-15 10:00:00 BC', '1850-01-01 00:00:00+00', '\\xdeadbeef', '  padded  ', ' ', ' a',
                           ' ', '1', '1', NULL, '-178000000 years', NULL, NULL, NULL, NULL,
                           '<?xml version="1.0" encoding="UTF-8"?><a>ü</a>', '2001:db8::/32'),
                          (6, 7, 7, 7, 1e1000, -0.01, 1e-45, 'NaN', true, '1999-12-31', '23:59:59.999999',
                           '1999-12-31 23:59:59.999999', '1999-12-31 23:59:59.999999+00', NULL, 'x', NULL, NULL, NULL,
                           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                          (7, 7, 7, 7, 99999999999999999999.99999999999999999999, 1, 1, 1, true, '2000-01-01', '00:00:00',
                           '2000-01-01 00:00:00', '2000-01-01 00:00:00+00', NULL, NULL, NULL, NULL, NULL,
                           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)""",
                "INSERT INTO binary_types (id, txt, bytes) VALUES (8, '" + MEGABYTE_TEXT + "', decode(repeat('ab', 1200000), 'hex'))",
                "CREATE TABLE binary_nan (id int PRIMARY KEY, n numeric)",
                "INSERT INTO binary_nan SELECT g, g FROM generate_series(1, 1000) g",
                "INSERT INTO binary_nan VALUES (1001, 'NaN')",
                "CREATE TABLE binary_bit (id int PRIMARY KEY, flag bit(1))",
                "INSERT INTO binary_bit VALUES (1, B'1')",
                "CREATE VIEW binary_failing AS SELECT g AS id, 1 / (g - 5000) AS x FROM generate_series(1, 10000) g",
                "CREATE TABLE binary_many AS SELECT g AS id, repeat('x', 100) AS filler FROM generate_series(1, 300000) g",
                "CREATE VIEW binary_slow AS SELECT g AS id, pg_sleep(0.02)::text AS nap FROM generate_series(1, 100000) g");
        source = ExportRunner.open(URL);
    }

    @AfterAll
    static void close() {
        source.close();
    }

    private static QueryPlan plan(ExportRequest request) {
        return new QueryPlanner(source.catalog(), source.dialect()).plan(request);
    }

    private static QueryPlan plan(String table) {
        return plan(ExportRequest.of(table, "json").withSort(List.of(new SortKey("id", "asc"))));
    }

    /** Copies each row: the binary source hands every row over in the same array. */
    private static List<Object[]> rows(RowSource rows) throws Exception {
        List<Object[]> all = new ArrayList<>();
        rows.stream(row -> all.add(row.clone()));
        return all;
    }

    @Test
    void everyTypeAndValueReadsAsTheCursorReadsIt() throws Exception {
        QueryPlan plan = plan("binary_types");
        assertThat(PostgresBinaryRowSource.applies(source, plan)).isTrue();

        List<Object[]> binary = rows(new PostgresBinaryRowSource(source, plan, new CancellationToken()));
        List<Object[]> cursor = rows(new JdbcRowSource(source, plan, new CancellationToken()));

        assertThat(binary).hasSize(8).hasSameSizeAs(cursor);
        for (int r = 0; r < cursor.size(); r++) {
            for (int c = 0; c < plan.columns().size(); c++) {
                Object b = binary.get(r)[c];
                Object j = cursor.get(r)[c];
                String where = "row " + (r + 1) + ", " + plan.columns().get(c).name() + ": binary " + show(b) + ", cursor " + show(j);
                assertThat(Objects.deepEquals(b, j)).as(where).isTrue();
                if (j != null) assertThat(b.getClass()).as(where).isEqualTo(j.getClass());
            }
        }
    }

    /**
     * pgJDBC switches a statement to binary transfer on its fifth run on a connection and would then read an int[]
     * as {"1",NULL,"3"}; sources keep arrays in text, so the cursor reads the server's text on every run, as binary
     * COPY does.
     */
    @Test
    void arraysAreAlwaysTheServersTextOutput() throws Exception {
        QueryPlan plan = plan("binary_types");
        int arr = plan.columns().stream().map(c -> c.name()).toList().indexOf("arr");
        for (int run = 0; run < 7; run++) {
            List<Object[]> binary = rows(new PostgresBinaryRowSource(source, plan, new CancellationToken()));
            List<Object[]> cursor = rows(new JdbcRowSource(source, plan, new CancellationToken()));
            for (List<Object[]> rows : List.of(binary, cursor)) {
                assertThat(rows).as("run " + run).extracting(r -> r[arr])
                        .containsExactly("{1,NULL,3}", null, "{}", "{-1}", null, null, null, null);
            }
        }
    }

    private static String show(Object v) {
        if (v instanceof byte[] b) return "bytes " + b.length;
        if (v instanceof String s && s.length() > 80) return "text of " + s.length();
        return v == null ? "null" : v + " (" + v.getClass().getSimpleName() + ")";
    }

    @Test
    void pinnedValuesAreThoseOfPgJdbc() throws Exception {
        List<Object[]> rows = rows(new PostgresBinaryRowSource(source, plan("binary_types"), new CancellationToken()));
        QueryPlan plan = plan("binary_types");
        List<String> names = plan.columns().stream().map(c -> c.name()).toList();
        Object[] extremes = rows.get(2);
        Object[] opposite = rows.get(3);

        assertThat(extremes[names.indexOf("n")]).isEqualTo(new BigDecimal("-123456789012345678901234567890.123456789000"));
        assertThat(rows.get(0)[names.indexOf("n122")]).isEqualTo(new BigDecimal("12345678.90"));
        assertThat(opposite[names.indexOf("n")]).isEqualTo(new BigDecimal("0.000"));
        assertThat(((BigDecimal) rows.get(4)[names.indexOf("n")]).scale()).isEqualTo(1000);
        assertThat(extremes[names.indexOf("ts")]).isEqualTo(LocalDateTime.MAX);
        assertThat(extremes[names.indexOf("tstz")]).isEqualTo(OffsetDateTime.MIN);
        assertThat(extremes[names.indexOf("d")]).isEqualTo(LocalDate.MAX);
        assertThat(extremes[names.indexOf("t")]).isEqualTo(LocalTime.MAX);
        assertThat(opposite[names.indexOf("tstz")]).isEqualTo(OffsetDateTime.MAX);
        assertThat(rows.get(4)[names.indexOf("d")]).isEqualTo(LocalDate.of(-43, 3, 15));
        assertThat(rows.get(0)[names.indexOf("tstz")]).isEqualTo(OffsetDateTime.parse("2024-03-31T00:59:59Z"));
        assertThat(rows.get(5)[names.indexOf("ts")]).isEqualTo(LocalDateTime.parse("1999-12-31T23:59:59.999999"));
        assertThat(rows.get(0)[names.indexOf("ch")]).isEqualTo("ab   ");
        assertThat(rows.get(0)[names.indexOf("jsb")]).isEqualTo("{\"a\": 1, \"b\": \"ü\"}");
        assertThat(rows.get(0)[names.indexOf("f4")]).isEqualTo(1.1f);
        assertThat(rows.get(0)[names.indexOf("i2")]).isEqualTo(1L);
        assertThat((byte[]) rows.get(0)[names.indexOf("bytes")]).containsExactly(0x00, 0xff, 0x10);
        assertThat(rows.get(7)[names.indexOf("txt")]).isEqualTo(MEGABYTE_TEXT);
    }

    /**
     * The server sends one COPY message per row, so real rows arrive whole; the decoder must not depend on it. The
     * real stream, cut into chunks of every size from one byte up, decodes to the same rows as the stream whole.
     */
    @Test
    void aStreamCutAnywhereDecodesToTheSameRows() throws Exception {
        QueryPlan plan = plan("binary_types");
        ByteArrayOutputStream copied = new ByteArrayOutputStream();
        try (Connection c = TestDatabases.connect(URL)) {
            c.unwrap(PgConnection.class).getCopyAPI().copyOut("COPY (" + PostgresBinaryRowSource.select(plan) + ") TO STDOUT (FORMAT binary)",
                    copied);
        }
        byte[] stream = copied.toByteArray();
        assertThat(stream.length).isGreaterThan(2_000_000);
        List<Object[]> whole = decode(plan, stream, stream.length);

        assertThat(whole).hasSize(8);
        for (int size : new int[]{1, 2, 3, 7, 19, 64, 1000, 65_536, 1_000_003}) {
            List<Object[]> cut = decode(plan, stream, size);
            assertThat(cut).as("chunks of %s bytes", size).hasSameSizeAs(whole);
            for (int r = 0; r < whole.size(); r++) {
                assertThat(Arrays.deepEquals(cut.get(r), whole.get(r))).as("row %s in chunks of %s bytes", r + 1, size).isTrue();
            }
        }
    }

    private static List<Object[]> decode(QueryPlan plan, byte[] stream, int chunkSize) throws Exception {
        PgBinaryCopyDecoder decoder = new PgBinaryCopyDecoder(plan.columns());
        List<Object[]> rows = new ArrayList<>();
        for (int off = 0; off < stream.length; off += chunkSize) {
            decoder.feed(Arrays.copyOfRange(stream, off, Math.min(stream.length, off + chunkSize)), row -> rows.add(row.clone()));
        }
        assertThat(decoder.ended()).isTrue();
        return rows;
    }

    @ParameterizedTest
    @ValueSource(strings = {"binary_failing"})
    void aFailingQueryFailsAsOnTheCursorPath(String table) {
        QueryPlan plan = plan(table);
        assertThat(PostgresBinaryRowSource.applies(source, plan)).isTrue();

        ExportFailedException binary = failure(new PostgresBinaryRowSource(source, plan, new CancellationToken()));
        ExportFailedException cursor = failure(new JdbcRowSource(source, plan, new CancellationToken()));

        assertThat(binary.code()).isEqualTo(cursor.code()).isEqualTo("source_error");
        assertThat(binary.getMessage()).isEqualTo(cursor.getMessage());
        assertThat(binary.isTransient()).isEqualTo(cursor.isTransient()).isFalse();
    }

    /** No BigDecimal holds a numeric NaN: both paths hand over the Double that stands for it (NonFinite). */
    @Test
    void aNumericNanIsTheSameDoubleOnBothPaths() throws Exception {
        QueryPlan plan = plan("binary_nan");
        List<Object[]> binary = rows(new PostgresBinaryRowSource(source, plan, new CancellationToken()));
        List<Object[]> cursor = rows(new JdbcRowSource(source, plan, new CancellationToken()));

        assertThat(binary).hasSize(1001);
        assertThat(binary.get(1000)[1]).isEqualTo(cursor.get(1000)[1]).isEqualTo(Double.NaN);
        assertThat(binary.get(999)[1]).isEqualTo(cursor.get(999)[1]).isEqualTo(new BigDecimal("1000"));
    }

    private static ExportFailedException failure(RowSource rows) {
        try {
            rows.stream(row -> {
            });
        } catch (ExportFailedException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected an ExportFailedException", e);
        }
        throw new AssertionError("the export did not fail");
    }

    @Test
    void aPlanWithParametersTakesBinaryCopyButAnUndecodedTypeKeepsTheCursor() {
        assertThat(PostgresBinaryRowSource.applies(source, plan(ExportRequest.of("binary_types", "json")
                .withFilters(List.of(new Filter("id", "gt", 1)))))).isTrue();
        assertThat(PostgresBinaryRowSource.applies(source, plan(ExportRequest.of("binary_types", "json")
                .withRowLimit(5L)))).isTrue();
        assertThat(PostgresBinaryRowSource.applies(source, plan("binary_bit"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "ndjson", "xlsx", "parquet", "pdf"})
    void typedFormatsTakeTheBinaryPath(String format) {
        ExportRunner.Output out = ExportRunner.export(source, ExportRequest.of("binary_types", format)
                .withColumns(List.of("id", "i8", "n122", "txt", "jsb", "iv")).withSort(List.of(new SortKey("id", "asc"))));

        assertThat(out.result().path()).isEqualTo(ExportResult.Path.COPY_BINARY);
        assertThat(out.result().rows()).isEqualTo(8);
    }

    /** Instants stay instants: a session in another time zone reads the same values on both paths. */
    @Test
    void valuesDoNotDependOnTheSessionTimeZone() throws Exception {
        QueryPlan plan = plan("binary_types");
        List<Object[]> utc = rows(new PostgresBinaryRowSource(source, plan, new CancellationToken()));
        java.util.TimeZone saved = java.util.TimeZone.getDefault();
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Asia/Kolkata"));
        try (JdbcSource kolkata = ExportRunner.open(URL)) {
            List<Object[]> binary = rows(new PostgresBinaryRowSource(kolkata, plan, new CancellationToken()));
            List<Object[]> cursor = rows(new JdbcRowSource(kolkata, plan, new CancellationToken()));
            int tstz = plan.columns().stream().map(c -> c.name()).toList().indexOf("tstz");
            for (int r = 0; r < utc.size(); r++) {
                assertThat(binary.get(r)[tstz]).as("row %s", r + 1).isEqualTo(utc.get(r)[tstz]).isEqualTo(cursor.get(r)[tstz]);
                // The text of a timestamptz array is the session's, on both paths alike.
                int tsarr = plan.columns().stream().map(c -> c.name()).toList().indexOf("tsarr");
                assertThat(binary.get(r)[tsarr]).as("row %s", r + 1).isEqualTo(cursor.get(r)[tsarr]);
            }
        } finally {
            java.util.TimeZone.setDefault(saved);
        }
    }

    private static ExportPlan job(String table, String format) {
        ExportFormat f = ExportFormat.fromId(format);
        return new ExportPlan(source, plan(ExportRequest.of(table, format)), f, FormatOptions.defaults(f), false);
    }

    @Test
    void theBinaryPathStopsOneRowPastMaxRows() {
        assertThatThrownBy(() -> new ExportEngine().export(job("binary_many", "ndjson").withMaxRows(1_000),
                OutputStream.nullOutputStream(), ExportListener.NONE, new CancellationToken()))
                .isInstanceOfSatisfying(ExportFailedException.class, e -> assertThat(e.code()).isEqualTo("too_many_rows"));
    }

    @Test
    void cancellingMidStreamStopsTheBinaryPath() {
        CancellationToken cancel = new CancellationToken();
        AtomicLong written = new AtomicLong();
        OutputStream cancelsAfterSomeBytes = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (written.addAndGet(len) > 100_000) cancel.cancel();
            }
        };
        ExportPlan job = job("binary_many", "ndjson");
        assertThat(new ExportEngine().path(job)).isEqualTo(ExportResult.Path.COPY_BINARY);
        assertThatThrownBy(() -> new ExportEngine().export(job, cancelsAfterSomeBytes, ExportListener.NONE, cancel))
                .isInstanceOf(ExportCancelledException.class);
        assertThat(written.get()).isLessThan(10_000_000);
        // The pool is whole afterwards: the next export gets a working connection.
        assertThat(ExportRunner.export(source, ExportRequest.of("binary_types", "json").withColumns(List.of("id", "txt")))
                .result().rows()).isEqualTo(8);
    }

    @Test
    void cancellingInterruptsASlowBinaryCopyWithinASecond() throws Exception {
        CancellationToken cancel = new CancellationToken();
        ExportPlan job = job("binary_slow", "ndjson");
        assertThat(new ExportEngine().path(job)).isEqualTo(ExportResult.Path.COPY_BINARY);
        AtomicLong cancelledAt = new AtomicLong();
        AtomicReference<Throwable> notRunning = new AtomicReference<>();
        Thread canceller = new Thread(() -> {
            try {
                Await.until("the export's COPY of binary_slow running on the server", Duration.ofSeconds(30),
                        () -> TestDatabases.runningStatements("binary_slow") > 0);
            } catch (Throwable e) {
                notRunning.set(e);
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
        assertThat(Duration.ofNanos(stoppedAt - cancelledAt.get())).as("from cancel to stop").isLessThan(Duration.ofSeconds(1));
    }
}
