package dev.freight.query;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.freight.source.DemoData;
import dev.freight.source.Dialect;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.LongStream;

/**
 * The demo {@code orders} table with {@value #ROWS} rows in each real database, and the same rows computed in Java.
 * Every demo row is a pure function of its id ({@link DemoData#order}), so the Java copy is an independent
 * reference: an export is right when it returns the rows a plain Java filter over that copy selects.
 */
final class DemoOrders {
    static final int ROWS = 2_000;

    enum Db { POSTGRESQL, MARIADB, H2 }

    /** One demo order, typed as the DDL declares it. */
    record Order(long id, int customerId, String sku, String description, int quantity, BigDecimal unitPrice,
                 Double discount, String status, OffsetDateTime createdAt, boolean shipped) {
        static Order of(long id) {
            Object[] r = DemoData.order(id);
            return new Order((Long) r[0], (Integer) r[1], (String) r[2], (String) r[3], (Integer) r[4],
                    (BigDecimal) r[5], (Double) r[6], (String) r[7], (OffsetDateTime) r[8], (Boolean) r[9]);
        }
    }

    static final List<Order> ALL = LongStream.rangeClosed(1, ROWS).mapToObj(Order::of).toList();

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS);
    private static final Map<Db, String> URLS = new EnumMap<>(Db.class);
    private static final Map<Db, JdbcSource> SOURCES = new EnumMap<>(Db.class);

    private DemoOrders() {
    }

    static synchronized String url(Db db) {
        return URLS.computeIfAbsent(db, d -> switch (d) {
            case POSTGRESQL -> TestDatabases.postgres();
            case MARIADB -> TestDatabases.mariadb();
            case H2 -> "jdbc:h2:mem:orders_" + TestDatabases.runId() + ";DB_CLOSE_DELAY=-1";
        });
    }

    /**
     * A source whose {@code orders} table holds exactly {@value #ROWS} demo rows. Loading is a no-op when the
     * table already has them, so every test class can ask without paying twice.
     */
    static synchronized JdbcSource source(Db db) {
        String url = url(db);
        try (Connection c = TestDatabases.connect(url)) {
            DemoData.load(c, Dialect.fromJdbcUrl(url), ROWS);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load the demo orders into " + db + ": " + e.getMessage(), e);
        }
        return SOURCES.computeIfAbsent(db, d -> ExportRunner.open(url));
    }

    static List<Order> where(Predicate<Order> p) {
        return ALL.stream().filter(p).toList();
    }

    static List<Long> ids(List<Order> orders) {
        return orders.stream().map(Order::id).toList();
    }

    /** Runs the request as NDJSON and parses every line, keeping the key order of the file. */
    static List<Map<String, Object>> ndjson(JdbcSource source, ExportRequest request) {
        String text = ExportRunner.export(source, request).text();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) continue;
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> row = JSON.readValue(line, LinkedHashMap.class);
                rows.add(row);
            } catch (IOException e) {
                throw new UncheckedIOException("not a JSON line: " + line, e);
            }
        }
        return rows;
    }

    /** The {@code id}s an NDJSON export returned, in file order. */
    static List<Long> exportedIds(JdbcSource source, ExportRequest request) {
        return ndjson(source, request).stream().map(r -> ((Number) r.get("id")).longValue()).toList();
    }

    /** Parses CSV text into records, header included. */
    static List<List<String>> csv(String text) {
        List<List<String>> rows = new ArrayList<>();
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(text)) {
            for (CsvRecord r : reader) rows.add(r.getFields());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /**
     * What would change if any statement had written to the table: row count, sum of ids, and a digest of every
     * cell of every row in id order, read with a plain SELECT.
     */
    static String fingerprint(String url, String table) {
        Dialect dialect = Dialect.fromJdbcUrl(url);
        try (Connection c = TestDatabases.connect(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + dialect.quote(table) + " ORDER BY " + dialect.quote("id"))) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ResultSetMetaData meta = rs.getMetaData();
            long count = 0;
            long idSum = 0;
            while (rs.next()) {
                count++;
                idSum += rs.getLong("id");
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    md.update(String.valueOf(rs.getString(i)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    md.update((byte) 0x1f);
                }
                md.update((byte) 0x1e);
            }
            return count + " rows, sum(id)=" + idSum + ", sha256=" + HexFormat.of().formatHex(md.digest());
        } catch (SQLException e) {
            return "unreadable: " + e.getMessage();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
