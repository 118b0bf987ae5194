package dev.freight.job;

import dev.freight.audit.AuditEvent;
import dev.freight.audit.AuditLog;
import dev.freight.audit.JdbcAuditLog;
import dev.freight.auth.ApiKeys;
import dev.freight.auth.Principal;
import dev.freight.auth.StoredApiKeys;
import dev.freight.query.ExportRequest;
import dev.freight.query.ExportRequestJson;
import dev.freight.testing.ScratchDatabase;
import org.flywaydb.core.Flyway;
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
 * A job store migrated by the former per-database migration sets (copied as they were to
 * {@code src/test/resources/db/jobstore-legacy}) opens with the merged set: Flyway validates it, and the jobs, keys
 * and audit events written before are read and written beside new ones.
 */
class JobStoreUpgradeTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aJobStoreTheFormerMigrationsMadeOpensWithItsJobsKeysAndAuditTrail(String database) throws Exception {
        try (ScratchDatabase db = ScratchDatabase.create(database, dir)) {
            String url = db.url();
            Flyway.configure().dataSource(url, null, null).locations("classpath:db/jobstore-legacy/" + database)
                    .table("freight_schema_history").load().migrate();
            String oldKey = ApiKeys.newKey();
            OffsetDateTime hourAgo = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1);
            try (Connection c = DriverManager.getConnection(url); PreparedStatement job = c.prepareStatement(
                    "INSERT INTO export_job (id, owner, request, dataset, format, status, max_attempts, created_at, "
                            + "run_after, updated_at) VALUES ('job_before', 'olga', ?, 'orders', 'csv', 'pending', 3, ?, ?, ?)");
                 PreparedStatement key = c.prepareStatement("INSERT INTO api_key (id, name, role, key_sha256, "
                         + "key_fingerprint, created_at) VALUES ('key_before', 'olga', 'user', ?, ?, ?)");
                 PreparedStatement event = c.prepareStatement("INSERT INTO audit_event (at, principal, action) "
                         + "VALUES (?, 'olga', 'export_created')")) {
                job.setString(1, ExportRequestJson.write(ExportRequest.of("orders", "csv")));
                job.setObject(2, hourAgo);
                job.setObject(3, hourAgo);
                job.setObject(4, hourAgo);
                job.executeUpdate();
                key.setString(1, ApiKeys.sha256Hex(oldKey));
                key.setString(2, ApiKeys.fingerprint(ApiKeys.sha256Hex(oldKey)));
                key.setObject(3, hourAgo);
                key.executeUpdate();
                event.setObject(1, hourAgo);
                event.executeUpdate();
            }

            try (JdbcJobStore store = JdbcJobStore.open(url, null, null, 2, Clock.systemUTC())) {
                assertThat(store.get("job_before")).hasValueSatisfying(j -> {
                    assertThat(j.request().dataset()).isEqualTo("orders");
                    assertThat(j.status()).isEqualTo(JobStatus.PENDING);
                });
                Job created = store.create(new JobStore.NewJob(Principal.user("olga"), "again",
                        ExportRequest.of("customers", "json"), 10L, 3)).job();
                assertThat(store.list("olga", null, null, 10).jobs()).extracting(Job::id)
                        .containsExactly(created.id(), "job_before");

                StoredApiKeys keys = new StoredApiKeys(store.dataSource());
                assertThat(keys.findActive(ApiKeys.sha256Hex(oldKey)))
                        .hasValueSatisfying(e -> assertThat(e.id()).isEqualTo("key_before"));
                String newKey = ApiKeys.newKey();
                keys.create(Principal.user("nina"), ApiKeys.sha256Hex(newKey));
                assertThat(keys.findActive(ApiKeys.sha256Hex(newKey))).isPresent();

                JdbcAuditLog audit = new JdbcAuditLog(store.dataSource());
                audit.record(AuditEvent.of(AuditEvent.EXPORT_CREATED, Principal.user("olga"),
                        ExportRequest.of("customers", "json")));
                AuditLog.Page page = audit.find(AuditLog.Query.all(1));
                assertThat(page.events()).extracting(AuditEvent::dataset).containsExactly("customers");
                AuditLog.Page before = audit.find(new AuditLog.Query(null, null, null, null, null, null,
                        page.nextCursor(), 10));
                assertThat(before.events()).extracting(AuditEvent::principal).containsExactly("olga");
            }
        }
    }
}
