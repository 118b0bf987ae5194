package dev.freight.store;

import dev.freight.testing.ScratchDatabase;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one migration set against the two former ones ({@code src/test/resources/db/jobstore-legacy}, the files as they
 * were): same schema on each database, and the checksums {@link JobStoreMigrations} accepts from a database they
 * migrated are exactly theirs.
 */
class JobStoreMigrationsTest {
    static final String LEGACY = "classpath:db/jobstore-legacy/";
    /** The last version the former sets had; later migrations were written for the merged set only. */
    static final String LAST_LEGACY = "8";

    @TempDir
    Path dir;
    private final List<ScratchDatabase> databases = new ArrayList<>();

    @AfterEach
    void drop() {
        databases.forEach(ScratchDatabase::close);
    }

    /** A new, empty job-store database of this kind. */
    String emptyDatabase(JobStoreDatabase.Kind kind) {
        ScratchDatabase db = ScratchDatabase.create(kind.id(), dir);
        databases.add(db);
        return db.url();
    }

    static Flyway legacy(JobStoreDatabase.Kind kind, String url) {
        return Flyway.configure().dataSource(url, null, null).locations(LEGACY + kind.id())
                .table(JobStoreMigrations.HISTORY_TABLE).load();
    }

    @ParameterizedTest
    @EnumSource(JobStoreDatabase.Kind.class)
    void theMergedSetMakesTheSchemaTheFormerSetOfThatDatabaseMade(JobStoreDatabase.Kind kind) throws SQLException {
        String before = emptyDatabase(kind);
        String now = emptyDatabase(kind);
        legacy(kind, before).migrate();
        JobStoreMigrations.configure(kind).target(LAST_LEGACY).dataSource(now, null, null).load().migrate();

        assertThat(columns(now)).isEqualTo(columns(before)).hasSizeGreaterThan(40);
    }

    @ParameterizedTest
    @EnumSource(JobStoreDatabase.Kind.class)
    void theAcceptedLegacyChecksumsAreThoseOfTheFormerFilesWhichDifferOnlyWhereAPlaceholderIsNow(
            JobStoreDatabase.Kind kind) {
        String url = "jdbc:h2:mem:" + UUID.randomUUID();
        Map<String, Integer> former = checksums(legacy(kind, url));
        Map<String, Integer> merged = checksums(JobStoreMigrations.configure(kind).dataSource(url, null, null).load());

        Map<String, Integer> changed = new TreeMap<>();
        former.forEach((version, checksum) -> {
            if (!checksum.equals(merged.get(version))) changed.put(version, checksum);
        });
        assertThat(merged.keySet()).containsAll(former.keySet());
        assertThat(former.keySet()).allSatisfy(v -> assertThat(Integer.parseInt(v)).isLessThanOrEqualTo(
                Integer.parseInt(LAST_LEGACY)));
        assertThat(changed).isEqualTo(JobStoreMigrations.LEGACY_CHECKSUMS.get(kind));
    }

    @Test
    void aChecksumThatIsNoFormerFilesStillFailsValidation() throws SQLException {
        String url = emptyDatabase(JobStoreDatabase.Kind.H2);
        legacy(JobStoreDatabase.Kind.H2, url).migrate();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE \"freight_schema_history\" SET \"checksum\" = 12345 WHERE \"version\" = '5'");
        }

        assertThatThrownBy(() -> JobStoreDatabase.open(url, null, null, 2, Clock.systemUTC()))
                .isInstanceOf(FlywayValidateException.class).hasMessageContaining("checksum mismatch");
    }

    @ParameterizedTest
    @EnumSource(JobStoreDatabase.Kind.class)
    void aDatabaseTheFormerSetMigratedOpensAndIsRecordedWithTheMergedChecksums(JobStoreDatabase.Kind kind) {
        String url = emptyDatabase(kind);
        legacy(kind, url).migrate();

        try (JobStoreDatabase db = JobStoreDatabase.open(url, null, null, 2, Clock.systemUTC())) {
            assertThat(db.kind()).isEqualTo(kind);
        }
        // Open again: nothing left to adopt, and validation passes on its own.
        try (JobStoreDatabase ignored = JobStoreDatabase.open(url, null, null, 2, Clock.systemUTC())) {
            Flyway merged = JobStoreMigrations.configure(kind).dataSource(url, null, null).load();
            merged.validate();
            for (MigrationInfo m : merged.info().applied()) {
                assertThat(m.getAppliedChecksum()).as("V" + m.getVersion()).isEqualTo(m.getResolvedChecksum());
            }
        }
    }

    private static Map<String, Integer> checksums(Flyway flyway) {
        Map<String, Integer> checksums = new TreeMap<>();
        for (MigrationInfo m : flyway.info().all()) checksums.put(m.getVersion().getVersion(), m.getChecksum());
        return checksums;
    }

    /** Every column of the current schema: table, name, type, nullability, default, length. */
    private static List<String> columns(String url) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name, column_name, data_type, is_nullable, column_default, "
                     + "character_maximum_length FROM information_schema.columns WHERE table_schema = current_schema "
                     + "AND table_name <> '" + JobStoreMigrations.HISTORY_TABLE + "' ORDER BY table_name, column_name")) {
            while (rs.next()) {
                columns.add(rs.getString(1) + "." + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4)
                        + " " + rs.getString(5) + " " + rs.getString(6));
            }
        }
        return columns;
    }
}
