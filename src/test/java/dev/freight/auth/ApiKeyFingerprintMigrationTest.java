package dev.freight.auth;

import dev.freight.job.JdbcJobStore;
import dev.freight.store.JobStoreDatabase;
import dev.freight.store.JobStoreMigrations;
import dev.freight.testing.ScratchDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys stored before links named their key (migration V8) get the fingerprint ApiKeys computes, in SQL on each job
 * store: their new links work, and revoking them ends those links.
 */
class ApiKeyFingerprintMigrationTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aKeyStoredBeforeTheMigrationIsFoundByTheFingerprintItsLinksName(String database) throws Exception {
        try (ScratchDatabase db = ScratchDatabase.create(database, dir)) {
            String url = db.url();
            JobStoreMigrations.configure(JobStoreDatabase.Kind.ofUrl(url)).dataSource(url, null, null).target("7")
                    .load().migrate();
            String key = ApiKeys.newKey();
            try (Connection c = DriverManager.getConnection(url); PreparedStatement s = c.prepareStatement(
                    "INSERT INTO api_key (id, name, role, key_sha256, created_at) VALUES ('key_old', 'olga', 'user', ?, ?)")) {
                s.setString(1, ApiKeys.sha256Hex(key));
                s.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
                s.executeUpdate();
            }

            try (JdbcJobStore store = JdbcJobStore.open(url, null, null, 2, Clock.systemUTC())) {
                StoredApiKeys keys = new StoredApiKeys(store.dataSource());

                assertThat(keys.findActiveByFingerprint(ApiKeys.fingerprint(ApiKeys.sha256Hex(key))))
                        .hasValueSatisfying(e -> assertThat(e.id()).isEqualTo("key_old"));
                assertThat(keys.revoke("key_old")).isEqualTo(1);
                assertThat(keys.findActiveByFingerprint(ApiKeys.fingerprint(ApiKeys.sha256Hex(key)))).isEmpty();
            }
        }
    }
}
