package dev.freight.store;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreSqlTest {
    private StoreSql sql;

    @BeforeEach
    void table() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        sql = new StoreSql(h2, "things");
        sql.update("CREATE TABLE thing (id VARCHAR(10) PRIMARY KEY, n BIGINT, at TIMESTAMP WITH TIME ZONE)");
    }

    @Test
    void rowsWrittenAreReadBackWithTheirTimesAndNulls() {
        Instant at = Instant.parse("2025-03-01T10:15:30.123456Z");

        assertThat(sql.update("INSERT INTO thing VALUES (?, ?, ?)", "a", 7L, StoreSql.utc(at))).isEqualTo(1);
        assertThat(sql.update("INSERT INTO thing VALUES (?, ?, ?)", "b", null, StoreSql.utc(null))).isEqualTo(1);

        assertThat(sql.query("SELECT id FROM thing ORDER BY id", rs -> rs.getString(1))).containsExactly("a", "b");
        assertThat(sql.queryOne("SELECT at FROM thing WHERE id = ?", rs -> StoreSql.instant(rs, "at"), "a")).hasValue(at);
        assertThat(sql.query("SELECT n FROM thing ORDER BY id", rs -> StoreSql.longOrNull(rs, "n"))).containsExactly(7L, null);
        assertThat(sql.queryOne("SELECT id FROM thing WHERE id = ?", rs -> rs.getString(1), "c")).isEmpty();
    }

    @Test
    void aTransactionThatThrowsLeavesNothingBehind() {
        assertThatThrownBy(() -> sql.inTransaction(c -> {
            StoreSql.update(c, "INSERT INTO thing (id) VALUES (?)", "a");
            throw new IllegalStateException("changed my mind");
        })).hasMessage("changed my mind");
        sql.inTransaction(c -> StoreSql.update(c, "INSERT INTO thing (id) VALUES (?)", "b"));

        assertThat(sql.query("SELECT id FROM thing", rs -> rs.getString(1))).containsExactly("b");
    }

    @Test
    void aFailureIsAStoreExceptionNamingTheTablesAndTellingAUniqueViolation() {
        sql.update("INSERT INTO thing (id) VALUES (?)", "a");

        assertThatThrownBy(() -> sql.update("INSERT INTO thing (id) VALUES (?)", "a"))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.getMessage()).startsWith("job store (things): ");
                    assertThat(StoreSql.isUniqueViolation(e)).isTrue();
                });
        assertThatThrownBy(() -> sql.query("SELECT nothing FROM thing", rs -> null))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.getMessage()).startsWith("job store (things): ");
                    assertThat(StoreSql.isUniqueViolation(e)).isFalse();
                });
    }
}
