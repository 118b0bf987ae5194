package dev.freight.source;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

/**
 * The demo dataset: an {@code orders} table full of the values that break exporters (commas, quotes, line
 * breaks, emoji, CJK, formula-looking text, NULLs, negative decimals) and a small {@code customers} table.
 * Every row is a pure function of its id, so any database filled with N rows holds the same data.
 */
public final class DemoData {
    public static final long DEFAULT_ORDER_ROWS = 100_000;
    public static final int CUSTOMER_ROWS = 1_000;
    private static final Instant EPOCH = OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toInstant();
    /**
     * Orders are five minutes apart from {@link #EPOCH}, and start again from it every 14 years (after 1,471,680
     * orders): MariaDB's TIMESTAMP ends in January 2038, and a 5,000,000-row demo would pass it.
     */
    private static final long CLOCK_SECONDS = 14 * 365 * 86_400L;
    private static final String[] STATUSES = {"pending", "paid", "shipped", "delivered", "cancelled", "refunded"};
    private static final String[] DESCRIPTIONS = {
        "Standard widget",
        "Widget, large, blue",
        "The \"deluxe\" gadget",
        "Line one\nLine two",
        "Crème brûlée set 🍮 — 東京 edition",
        "=HYPERLINK(\"http://example.com\",\"click\")",
        "+1 (555) 010-0199",
        "-discounted floor model",
        "@support please call",
        "Tab\tseparated\tnote",
        "Größe: XL; Farbe: Grün",
        "Ünïcödé ✓ 🚚 📦",
        "Comma, \"quote\", and\r\nCRLF",
        "",
    };

    private DemoData() {
    }

    /** One order; {@code id} starts at 1. Column order matches the DDL. */
    public static Object[] order(long id) {
        SplittableRandom r = new SplittableRandom(id * 0x9E3779B97F4A7C15L);
        int customer = 1 + r.nextInt(CUSTOMER_ROWS);
        String sku = "SKU-" + (char) ('A' + r.nextInt(26)) + String.format("%05d", r.nextInt(100_000));
        int d = r.nextInt(DESCRIPTIONS.length + 6);
        String description = d < DESCRIPTIONS.length ? DESCRIPTIONS[d] : d == DESCRIPTIONS.length ? null
                : "Item " + id + " of batch " + (id % 97);
        int quantity = 1 + r.nextInt(20);
        String status = STATUSES[r.nextInt(STATUSES.length)];
        long cents = 1 + r.nextLong(5_000_000L);
        BigDecimal unitPrice = BigDecimal.valueOf(status.equals("refunded") ? -cents : cents, 2);
        Double discount = r.nextInt(10) < 3 ? null : r.nextInt(6) * 5 / 100.0;
        OffsetDateTime createdAt = EPOCH.plusSeconds(id * 300 % CLOCK_SECONDS + r.nextInt(300)).plusNanos(r.nextInt(1000) * 1000L)
                .atOffset(ZoneOffset.UTC);
        boolean shipped = status.equals("shipped") || status.equals("delivered");
        return new Object[]{id, customer, sku, description, quantity, unitPrice, discount, status, createdAt, shipped};
    }

    public static Object[] customer(int id) {
        SplittableRandom r = new SplittableRandom(id * 31L + 7);
        String[] first = {"Ada", "Grace", "Linus", "Zoë", "José", "Søren", "美咲", "O'Brien", "Anne-Marie", "Nuño"};
        String[] country = {"FR", "DE", "US", "JP", "BR", "DK", "IE", "ES"};
        String name = first[r.nextInt(first.length)] + " " + (char) ('A' + r.nextInt(26)) + ".";
        String email = "customer" + id + "@example.com";
        return new Object[]{id, name, email, country[r.nextInt(country.length)],
                EPOCH.minusSeconds(86_400L * r.nextInt(1000)).atOffset(ZoneOffset.UTC)};
    }

    /**
     * Opens the embedded demo database under {@code dataDir/demo}, creating it on first use. It is built under a
     * temporary name and moved into place, so an interrupted first start never leaves a half-filled demo.
     */
    public static String ensureEmbedded(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Path db = dataDir.resolve("demo.mv.db");
            if (!Files.exists(db)) {
                String tmpName = "demo-building-" + ProcessHandle.current().pid();
                Path tmp = dataDir.resolve(tmpName + ".mv.db");
                Files.deleteIfExists(tmp);
                try (Connection c = DriverManager.getConnection(h2Url(dataDir.resolve(tmpName)), "sa", "")) {
                    load(c, Dialect.H2, DEFAULT_ORDER_ROWS);
                }
                Files.move(tmp, db, StandardCopyOption.ATOMIC_MOVE);
            }
            return h2Url(dataDir.resolve("demo"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the demo database in " + dataDir + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the demo database in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    static String h2Url(Path base) {
        // Shared: `freight serve --demo` and a `freight export --demo` beside it can both open the demo.
        return EmbeddedH2.fileUrl(base);
    }

    /**
     * Creates {@code orders} and {@code customers} and fills them, unless {@code orders} already holds
     * {@code orderRows} rows. Returns true when it wrote anything.
     */
    public static boolean load(Connection c, Dialect dialect, long orderRows) throws SQLException {
        if (orderCount(c, dialect) == orderRows) return false;
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + dialect.quote("orders"));
            s.execute("DROP TABLE IF EXISTS " + dialect.quote("customers"));
            s.execute(ordersDdl(dialect));
            s.execute(customersDdl(dialect));
            c.commit();
            insertCustomers(c, dialect);
            if (dialect == Dialect.POSTGRESQL) {
                copyOrders(c, orderRows);
            } else {
                insertOrders(c, dialect, orderRows);
            }
            c.commit();
            if (dialect == Dialect.POSTGRESQL) s.execute("ANALYZE orders");
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
        return true;
    }

    /**
     * -1 when there is no {@code orders} table. The catalog is asked first: counting a missing table would fail,
     * and the MariaDB driver logs a WARN line for every error the server answers.
     */
    private static long orderCount(Connection c, Dialect dialect) throws SQLException {
        try (ResultSet tables = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), "orders", null)) {
            if (!tables.next()) return -1;
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + dialect.quote("orders"))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String ordersDdl(Dialect d) {
        String text = d == Dialect.H2 ? "VARCHAR(1000)" : "TEXT";
        String tstz = switch (d) {
            case POSTGRESQL -> "TIMESTAMPTZ";
            case MARIADB -> "TIMESTAMP(6) NULL";
            default -> "TIMESTAMP WITH TIME ZONE";
        };
        return "CREATE TABLE " + d.quote("orders") + " (" + d.quote("id") + " BIGINT PRIMARY KEY, "
                + d.quote("customer_id") + " INTEGER NOT NULL, " + d.quote("sku") + " VARCHAR(32) NOT NULL, "
                + d.quote("description") + " " + text + ", " + d.quote("quantity") + " INTEGER NOT NULL, "
                + d.quote("unit_price") + " NUMERIC(10,2) NOT NULL, " + d.quote("discount") + " DOUBLE PRECISION, "
                + d.quote("status") + " VARCHAR(16) NOT NULL, " + d.quote("created_at") + " " + tstz + ", "
                + d.quote("shipped") + " BOOLEAN NOT NULL)"
                + (d == Dialect.MARIADB ? " CHARACTER SET utf8mb4" : "");
    }

    private static String customersDdl(Dialect d) {
        String tstz = switch (d) {
            case POSTGRESQL -> "TIMESTAMPTZ";
            case MARIADB -> "TIMESTAMP(6) NULL";
            default -> "TIMESTAMP WITH TIME ZONE";
        };
        return "CREATE TABLE " + d.quote("customers") + " (" + d.quote("id") + " INTEGER PRIMARY KEY, "
                + d.quote("name") + " VARCHAR(100) NOT NULL, " + d.quote("email") + " VARCHAR(200) NOT NULL, "
                + d.quote("country") + " CHAR(2) NOT NULL, " + d.quote("created_at") + " " + tstz + ")"
                + (d == Dialect.MARIADB ? " CHARACTER SET utf8mb4" : "");
    }

    private static void insertCustomers(Connection c, Dialect d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + d.quote("customers") + " VALUES (?, ?, ?, ?, ?)")) {
            for (int id = 1; id <= CUSTOMER_ROWS; id++) {
                Object[] row = customer(id);
                for (int i = 0; i < row.length; i++) d.bind(ps, i + 1, row[i]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertOrders(Connection c, Dialect d, long rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + d.quote("orders")
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (long id = 1; id <= rows; id++) {
                Object[] row = order(id);
                for (int i = 0; i < row.length; i++) d.bind(ps, i + 1, row[i]);
                ps.addBatch();
                if (id % 2_000 == 0) ps.executeBatch();
            }
            ps.executeBatch();
        }
    }

    /** PostgreSQL loads a million rows in seconds through COPY FROM STDIN; the CSV is built here, row by row. */
    private static void copyOrders(Connection c, long rows) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY orders FROM STDIN (FORMAT csv)");
        StringBuilder line = new StringBuilder(256);
        try {
            for (long id = 1; id <= rows; id++) {
                Object[] row = order(id);
                line.setLength(0);
                for (int i = 0; i < row.length; i++) {
                    if (i > 0) line.append(',');
                    Object v = row[i];
                    if (v == null) continue;
                    String s = v instanceof BigDecimal b ? b.toPlainString() : v.toString();
                    line.append('"').append(s.replace("\"", "\"\"")).append('"');
                }
                line.append('\n');
                byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
                in.writeToCopy(bytes, 0, bytes.length);
            }
            in.endCopy();
        } finally {
            if (in.isActive()) in.cancelCopy();
        }
    }
}
