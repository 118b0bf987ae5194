package dev.freight.auth;

import dev.freight.job.JdbcJobStore;
import dev.freight.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin key that every node on one job store shares, on a real H2 job store; nodes differ by data_dir. */
class AdminKeyTest {
    @TempDir
    Path dir;
    JdbcJobStore store;
    DataSource pool;
    final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));

    @BeforeEach
    void open() {
        store = JdbcJobStore.open("jdbc:h2:file:" + dir.resolve("jobs"), "sa", "", 8, Clock.systemUTC());
        pool = store.dataSource();
    }

    @AfterEach
    void close() {
        store.close();
    }

    AdminKey node(String dataDir) {
        return AdminKey.loadOrCreate(pool, dir.resolve(dataDir), clock, Duration.ofSeconds(5));
    }

    String storedHash() throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM node_admin_key")) {
            assertThat(rs.next()).isTrue();
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.append(rs.getString(i)).append('|');
            String hash = rs.getString("key_sha256").trim();
            assertThat(rs.next()).as("one row").isFalse();
            assertThat(row.toString()).doesNotContain("frt_");
            return hash;
        }
    }

    @Test
    void theFirstNodeGeneratesAKeyAndTheJobStoreKeepsOnlyItsHash() throws Exception {
        String plaintext = node("a").newKey().orElseThrow();

        assertThat(plaintext).startsWith("frt_").hasSizeGreaterThan(40);
        assertThat(storedHash()).isEqualTo(HexFormat.of().formatHex(AdminKey.sha256(plaintext)));
        assertThat(dir.resolve("a").resolve(AdminKey.FILE_NAME)).doesNotExist();
    }

    @Test
    void aLaterNodeOnTheSameJobStoreUsesTheSameKeyAndDoesNotRevealIt() {
        String plaintext = node("a").newKey().orElseThrow();

        AdminKey second = node("b");

        assertThat(second.newKey()).isEmpty();
        assertThat(second.authenticate(plaintext)).isEqualTo(Optional.of(Principal.admin(AdminKey.PRINCIPAL)));
        assertThat(second.authenticateHash(AdminKey.sha256(plaintext))).isPresent();
    }

    @Test
    void nodesStartingTogetherOnAnEmptyJobStoreMakeOneKey() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Callable<AdminKey>> starts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String dataDir = "n" + i;
                starts.add(() -> node(dataDir));
            }
            List<AdminKey> nodes = new ArrayList<>();
            for (Future<AdminKey> f : threads.invokeAll(starts)) nodes.add(f.get());

            List<String> printed = nodes.stream().flatMap(n -> n.newKey().stream()).toList();
            assertThat(printed).hasSize(1);
            for (AdminKey n : nodes) assertThat(n.authenticate(printed.get(0))).isPresent();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void onlyTheExactKeyIsAcceptedAndItsPrincipalIsAdmin() {
        AdminKey key = node("a");
        String plaintext = key.newKey().orElseThrow();
        assertThat(key.authenticate(plaintext + "x")).isEmpty();
        assertThat(key.authenticate(plaintext.substring(1))).isEmpty();
        assertThat(key.authenticate("")).isEmpty();
        assertThat(key.authenticate(null)).isEmpty();
        assertThat(key.authenticate(plaintext).orElseThrow().isAdmin()).isTrue();
        assertThat(key.authenticateHash(AdminKey.sha256(plaintext)).orElseThrow().isAdmin()).isTrue();
        assertThat(key.authenticateHash(AdminKey.sha256(plaintext + "x"))).isEmpty();
        assertThat(key.authenticateHash(null)).isEmpty();
    }

    @Test
    void aKeyFileFromBeforeIsMovedIntoAnEmptyJobStoreAndKeepsWorkingOnEveryNode() throws Exception {
        String old = "frt_kept-from-before";
        Path file = Files.createDirectories(dir.resolve("a")).resolve(AdminKey.FILE_NAME);
        Files.writeString(file, ApiKeys.sha256Hex(old) + "\n");
        Instant made = Instant.parse("2029-06-01T12:00:00Z");
        Files.setLastModifiedTime(file, FileTime.from(made));

        AdminKey first = node("a");

        assertThat(first.newKey()).isEmpty();
        assertThat(first.authenticate(old)).isPresent();
        assertThat(node("b").authenticate(old)).isPresent();
        assertThat(storedHash()).isEqualTo(ApiKeys.sha256Hex(old));
        assertThat(AdminKey.stored(pool).orElseThrow().createdAt()).isEqualTo(made);
    }

    @Test
    void aKeyFileThatIsNotTheJobStoresKeyIsIgnored() throws Exception {
        String shared = node("a").newKey().orElseThrow();
        Path file = Files.createDirectories(dir.resolve("b")).resolve(AdminKey.FILE_NAME);
        Files.writeString(file, ApiKeys.sha256Hex("frt_a-node's-own-old-key") + "\n");

        AdminKey second = node("b");

        assertThat(second.newKey()).isEmpty();
        assertThat(second.authenticate(shared)).isPresent();
        assertThat(second.authenticate("frt_a-node's-own-old-key")).isEmpty();
        assertThat(storedHash()).isEqualTo(ApiKeys.sha256Hex(shared));
    }

    @Test
    void aCorruptKeyFileIsRefusedWithAHowToFixWhenTheJobStoreHasNoKey() throws IOException {
        Files.writeString(Files.createDirectories(dir.resolve("a")).resolve(AdminKey.FILE_NAME), "not a hash");

        assertThatThrownBy(() -> node("a")).hasMessageContaining("delete it");
    }

    @Test
    void rotatingReplacesTheKeyAndEveryNodeRefusesTheOldOneWithinTheCacheTime() throws Exception {
        AdminKey a = node("a");
        AdminKey b = node("b");
        String old = a.newKey().orElseThrow();
        assertThat(b.authenticate(old)).isPresent();

        String fresh = AdminKey.rotate(pool, clock);

        assertThat(fresh).startsWith("frt_").isNotEqualTo(old);
        assertThat(storedHash()).isEqualTo(ApiKeys.sha256Hex(fresh));
        clock.advance(Duration.ofSeconds(5));
        for (AdminKey n : List.of(a, b)) {
            assertThat(n.authenticate(old)).isEmpty();
            assertThat(n.authenticate(fresh)).isPresent();
        }
    }
}
