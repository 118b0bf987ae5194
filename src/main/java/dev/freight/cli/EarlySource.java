package dev.freight.cli;

import dev.freight.source.Dialect;
import dev.freight.source.JdbcSource;

import java.util.Objects;

/**
 * A one-shot export's connection, opened on a second thread while picocli builds the command and parses the
 * arguments, with the table described there too: for a one-row export these are the two biggest steps, each mostly
 * class loading and waiting for the database, and until now one waited for the other.
 * <p>
 * It is a guess made from a plain reading of the arguments ({@code --source}, {@code --user}, {@code --password-env},
 * {@code --table}), before picocli reads them. {@link #take} hands the connection over only when what picocli parsed
 * names the same URL, user and password; anything else is closed and the export connects as it would have. Only
 * network databases are guessed at: opening an H2 or SQLite file can create it.
 */
final class EarlySource implements Runnable {
    private static final String DEFAULT_PASSWORD_ENV = "FREIGHT_SOURCE_PASSWORD";
    private static EarlySource pending;

    private final String url;
    private final String user;
    private final String password;
    private final String table;
    private JdbcSource opened;
    private RuntimeException failed;
    private boolean done;
    private boolean abandoned;

    private EarlySource(String url, String user, String password, String table) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.table = table;
    }

    /** Starts connecting for {@code freight export …} when its arguments name a network database plainly. */
    static synchronized void start(String[] args) {
        discard();
        EarlySource early = guess(args);
        if (early == null) return;
        Thread thread = new Thread(early, "freight-connect");
        thread.setDaemon(true);
        thread.start();
        pending = early;
        warmLocaleData();
    }

    /**
     * Locale data the drivers read late in their connect (pgJDBC: a NumberFormat for the server's version, a
     * GregorianCalendar when the server reports its time zone), ~0.03 s of loading the first time. Loaded here, on
     * the main thread, while the connecting thread is still loading the driver, it is in the JDK's caches when that
     * thread needs it; picocli, next on this thread, still finishes before the connection is open.
     */
    private static void warmLocaleData() {
        java.text.NumberFormat.getIntegerInstance();
        new java.util.GregorianCalendar();
    }

    /** The connection opened early for this source, or null to open one now; an early failure is thrown as is. */
    static JdbcSource take(String url, String user, String password) {
        EarlySource early;
        synchronized (EarlySource.class) {
            early = pending;
            pending = null;
        }
        if (early == null) return null;
        if (!(early.url.equals(url) && Objects.equals(early.user, user) && Objects.equals(early.password, password))) {
            early.abandon();
            return null;
        }
        return early.await();
    }

    /** Closes a connection opened early that the command did not take (bad usage, another source, --help). */
    static synchronized void discard() {
        if (pending != null) pending.abandon();
        pending = null;
    }

    private static EarlySource guess(String[] args) {
        String source = null;
        String user = null;
        String passwordEnv = DEFAULT_PASSWORD_ENV;
        String table = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            // An argument file or the end of options: too much to read here.
            if (a.equals("--") || a.startsWith("@")) return null;
            if (a.equals("--config") || a.startsWith("--config=") || a.equals("--demo")) return null;
            int eq = a.startsWith("--") ? a.indexOf('=') : -1;
            String name = eq < 0 ? a : a.substring(0, eq);
            if (!(name.equals("--source") || name.equals("--user") || name.equals("--password-env")
                    || name.equals("--table") || name.equals("-t"))) {
                continue;
            }
            String value;
            if (eq >= 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                return null;
            }
            switch (name) {
                case "--source" -> source = value;
                case "--user" -> user = value;
                case "--password-env" -> passwordEnv = value;
                default -> table = value;
            }
        }
        if (source == null) return null;
        Dialect dialect;
        try {
            dialect = Dialect.fromJdbcUrl(source);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (dialect != Dialect.POSTGRESQL && dialect != Dialect.MARIADB) return null;
        return new EarlySource(source, user, System.getenv(passwordEnv), table);
    }

    @Override
    public void run() {
        JdbcSource source = null;
        RuntimeException failure = null;
        try {
            source = JdbcSource.openSingle(SourceOptions.SOURCE_NAME, url, user, password);
            // Described now, the table is in the catalog's cache when the export asks for it. A failure here is
            // the export's to meet and report, in its own words.
            if (table != null) source.catalog().find(table);
        } catch (RuntimeException e) {
            if (source == null) failure = e;
        } finally {
            // Whatever happened (even an Error: then nothing was opened and the export connects itself), the
            // main thread is waiting for this.
            boolean close;
            synchronized (this) {
                opened = source;
                failed = failure;
                done = true;
                close = abandoned;
                notifyAll();
            }
            if (close && source != null) source.close();
        }
    }

    private synchronized JdbcSource await() {
        boolean interrupted = false;
        while (!done) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failed != null) throw failed;
        return opened;
    }

    private void abandon() {
        JdbcSource close;
        synchronized (this) {
            abandoned = true;
            close = opened;
            opened = null;
        }
        if (close != null) close.close();
    }
}
