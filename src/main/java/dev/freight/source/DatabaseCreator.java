package dev.freight.source;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates the PostgreSQL or MariaDB database a JDBC URL names when it does not exist yet, from a connection to the
 * same server without it (PostgreSQL's maintenance database {@code postgres}, else {@code template1}; MariaDB: no
 * database). The catalog is asked first rather than the target tried: the MariaDB driver logs a WARN line for
 * every error the server answers, so a failed attempt would print one even when all ends well.
 */
public final class DatabaseCreator {
    /** {@code jdbc:postgresql://hosts/db?params}, {@code jdbc:mariadb://hosts/db?params}: the database is group 2. */
    private static final Pattern SERVER_URL = Pattern.compile("(?i)^(jdbc:(?:postgresql|mariadb|mysql)://[^/?]*/)([^?;]*)(.*)$");

    public enum Outcome {
        /** The database was there already. */
        EXISTS,
        CREATED,
        /** Not a server database, or the server could not be asked: connecting to the target will tell. */
        UNKNOWN
    }

    /** The server answered that the database does not exist and that this user may not create it. */
    public static final class CreationRefusedException extends SourceUnavailableException {
        CreationRefusedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private DatabaseCreator() {
    }

    /**
     * Makes sure the database of {@code jdbcUrl} exists. A server that cannot be reached at all is reported here
     * ({@link SourceUnavailableException}) rather than waited for twice.
     */
    public static Outcome ensureExists(String jdbcUrl, String user, String password) {
        Dialect dialect = Dialect.fromJdbcUrl(jdbcUrl);
        if (dialect != Dialect.POSTGRESQL && dialect != Dialect.MARIADB) return Outcome.UNKNOWN;
        Matcher m = SERVER_URL.matcher(jdbcUrl);
        if (!m.matches() || m.group(2).isEmpty()) return Outcome.UNKNOWN;
        String database = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
        List<String> maintenance = dialect == Dialect.POSTGRESQL ? List.of("postgres", "template1") : List.of("");
        for (String other : maintenance) {
            String url = JdbcSource.withStreamingDefaults(dialect, m.group(1) + other + m.group(3));
            try (Connection c = DriverManager.getConnection(url, credentials(user, password))) {
                return create(c, dialect, database);
            } catch (SQLException e) {
                if (JdbcSource.isConnectionFailure(e)) {
                    throw new SourceUnavailableException("cannot connect to " + JdbcSource.redact(jdbcUrl) + ": "
                            + JdbcSource.firstLine(e.getMessage()), e);
                }
                // This user may not use that database: try the next one, or let the target connection tell.
            }
        }
        return Outcome.UNKNOWN;
    }

    /**
     * The message for a failed connection to {@code jdbcUrl}, and when the server said that its database does not
     * exist (and {@link #ensureExists} could not create it), what to run to create it.
     */
    public static String explain(String jdbcUrl, SourceUnavailableException e) {
        Matcher m = SERVER_URL.matcher(jdbcUrl);
        if (!m.matches() || m.group(2).isEmpty() || !databaseMissing(e)) return e.getMessage();
        Dialect dialect = Dialect.fromJdbcUrl(jdbcUrl);
        return e.getMessage() + "; create it first, as a user who may: "
                + createStatement(dialect, URLDecoder.decode(m.group(2), StandardCharsets.UTF_8)) + ";";
    }

    /** PostgreSQL SQLSTATE 3D000 (invalid_catalog_name), MariaDB error 1049 (unknown database). */
    private static boolean databaseMissing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && ("3D000".equals(s.getSQLState()) || s.getErrorCode() == 1049)) return true;
        }
        return false;
    }

    private static Outcome create(Connection c, Dialect dialect, String database) throws SQLException {
        String catalog = dialect == Dialect.POSTGRESQL ? "SELECT 1 FROM pg_database WHERE datname = ?"
                : "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?";
        try (PreparedStatement s = c.prepareStatement(catalog)) {
            s.setString(1, database);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) return Outcome.EXISTS;
            }
        }
        String create = createStatement(dialect, database);
        try (Statement s = c.createStatement()) {
            s.execute(create);
            return Outcome.CREATED;
        } catch (SQLException e) {
            String who = currentUser(c, dialect);
            String grant = dialect == Dialect.POSTGRESQL
                    ? create + (who.isEmpty() ? "" : " OWNER " + dialect.quote(who)) + ";"
                    : create + "; GRANT ALL PRIVILEGES ON " + dialect.quote(database) + ".* TO "
                    + (who.isEmpty() ? "<user>" : who) + ";";
            throw new CreationRefusedException("database " + dialect.quote(database) + " does not exist and "
                    + (who.isEmpty() ? "this user" : "user " + who) + " may not create it (" + JdbcSource.firstLine(e.getMessage())
                    + "); ask an administrator to run: " + grant, e);
        }
    }

    /** Quoted: the URL's name is used as it is (case, dashes and all), and nothing in it can be read as SQL. */
    static String createStatement(Dialect dialect, String database) {
        return "CREATE DATABASE " + dialect.quote(database)
                + (dialect == Dialect.MARIADB ? " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" : "");
    }

    /** PostgreSQL: the role name; MariaDB: {@code 'user'@'host'} as GRANT wants it. */
    private static String currentUser(Connection c, Dialect dialect) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                dialect == Dialect.POSTGRESQL ? "SELECT current_user" : "SELECT CURRENT_USER()")) {
            if (!rs.next()) return "";
            String user = rs.getString(1);
            if (dialect == Dialect.POSTGRESQL) return user;
            int at = user.lastIndexOf('@');
            return at < 0 ? "'" + user + "'" : "'" + user.substring(0, at) + "'@'" + user.substring(at + 1) + "'";
        } catch (SQLException e) {
            return "";
        }
    }

    private static Properties credentials(String user, String password) {
        Properties p = new Properties();
        if (user != null) p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        return p;
    }
}
