package dev.freight.cli;

import dev.freight.source.DemoData;
import dev.freight.source.Dialect;
import dev.freight.source.JdbcSource;
import dev.freight.source.SourceUnavailableException;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The connection a one-shot export opens while picocli parses its arguments: taken only when it is the right one. */
class EarlySourceTest {
    private static final String PASSWORD_ENV = "FREIGHT_SOURCE_PASSWORD";
    private static String url;

    @BeforeAll
    static void demoTable() throws Exception {
        url = TestDatabases.postgres();
        try (Connection c = TestDatabases.connect(url)) {
            DemoData.load(c, Dialect.POSTGRESQL, 10);
        }
    }

    @AfterEach
    void discardWhatWasNotTaken() {
        EarlySource.discard();
    }

    @Test
    void theExportTakesTheConnectionOpenedForTheSourceItParsed() throws Exception {
        EarlySource.start(new String[]{"export", "--source", url, "--table", "orders", "-o", "-"});
        try (JdbcSource taken = EarlySource.take(url, null, System.getenv(PASSWORD_ENV))) {
            assertThat(taken).isNotNull();
            assertThat(taken.name()).isEqualTo(SourceOptions.SOURCE_NAME);
            assertThat(taken.catalog().find("orders")).isPresent();
            int one = taken.withConnection(c -> {
                try (ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(one).isEqualTo(1);
        }
    }

    @Test
    void optionsWrittenWithAnEqualsSignAreReadToo() {
        EarlySource.start(new String[]{"export", "--table=orders", "--source=" + url, "--user=postgres"});
        try (JdbcSource taken = EarlySource.take(url, "postgres", System.getenv(PASSWORD_ENV))) {
            assertThat(taken).isNotNull();
        }
    }

    @Test
    void anotherSourceThanTheGuessedOneIsOpenedByTheExportItself() {
        EarlySource.start(new String[]{"export", "--source", url, "--table", "orders"});
        assertThat(EarlySource.take(url + "&ApplicationName=other", null, System.getenv(PASSWORD_ENV))).isNull();
    }

    @Test
    void anotherUserThanTheGuessedOneIsOpenedByTheExportItself() {
        EarlySource.start(new String[]{"export", "--source", url, "--table", "orders"});
        assertThat(EarlySource.take(url, "someone_else", System.getenv(PASSWORD_ENV))).isNull();
    }

    @Test
    void aConnectionIsTakenOnceOnly() {
        EarlySource.start(new String[]{"export", "--source", url, "--table", "orders"});
        try (JdbcSource taken = EarlySource.take(url, null, System.getenv(PASSWORD_ENV))) {
            assertThat(taken).isNotNull();
            assertThat(EarlySource.take(url, null, System.getenv(PASSWORD_ENV))).isNull();
        }
    }

    @Test
    void fileDatabasesAreNeverOpenedAhead() {
        // Opening an H2 file creates it: only the export, once its arguments are known to be right, may do that.
        String h2 = "jdbc:h2:mem:early";
        EarlySource.start(new String[]{"export", "--source", h2, "--table", "orders"});
        assertThat(EarlySource.take(h2, null, System.getenv(PASSWORD_ENV))).isNull();
    }

    @Test
    void aConfigurationOrTheDemoIsLeftToTheCommand() {
        EarlySource.start(new String[]{"export", "--config", "freight.yml", "--source", url, "--table", "orders"});
        assertThat(EarlySource.take(url, null, System.getenv(PASSWORD_ENV))).isNull();
        EarlySource.start(new String[]{"export", "--demo", "--source", url, "--table", "orders"});
        assertThat(EarlySource.take(url, null, System.getenv(PASSWORD_ENV))).isNull();
    }

    @Test
    void aSourceThatCannotBeReachedFailsTheExportWithTheUsualError() {
        String unreachable = "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2";
        EarlySource.start(new String[]{"export", "--source", unreachable, "--table", "orders"});
        assertThatThrownBy(() -> EarlySource.take(unreachable, null, System.getenv(PASSWORD_ENV)))
                .isInstanceOf(SourceUnavailableException.class)
                .hasMessageStartingWith("cannot connect to source 'cli'");
    }
}
