package dev.freight.auth;

import dev.freight.testing.ManualClock;

import dev.freight.job.JdbcJobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Sessions on a real H2 job store with a clock the test moves. */
class SessionsTest {
    @TempDir
    Path dir;
    JdbcJobStore store;
    final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    Sessions sessions;

    @BeforeEach
    void open() {
        store = JdbcJobStore.open("jdbc:h2:file:" + dir.resolve("jobs"), "sa", "", 2, Clock.systemUTC());
        sessions = new Sessions(store.dataSource(), clock, Duration.ofHours(1));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aSessionIsFoundByItsCookieUntilItExpiresAndIsThenGone() {
        Sessions.Created created = sessions.create(ApiKeys.sha256Hex("frt_k"));
        assertThat(created.cookie()).matches("[A-Za-z0-9_-]{43}");
        assertThat(created.session().idSha256()).isEqualTo(ApiKeys.sha256Hex(created.cookie()));
        assertThat(sessions.find(created.cookie())).contains(created.session());
        assertThat(sessions.find(created.cookie() + "x")).isEmpty();
        assertThat(sessions.find(created.session().idSha256())).as("the stored hash is no cookie").isEmpty();

        clock.advance(Duration.ofMinutes(59));
        assertThat(sessions.find(created.cookie())).isPresent();
        clock.advance(Duration.ofMinutes(1));
        assertThat(sessions.find(created.cookie())).isEmpty();
        clock.advance(Duration.ofHours(-1));
        assertThat(sessions.find(created.cookie())).as("deleted when found expired").isEmpty();
    }

    @Test
    void signOutAndThePurgeDeleteSessions() {
        Sessions.Created a = sessions.create(ApiKeys.sha256Hex("frt_a"));
        Sessions.Created b = sessions.create(ApiKeys.sha256Hex("frt_b"));
        assertThat(sessions.delete(a.cookie())).isTrue();
        assertThat(sessions.delete(a.cookie())).isFalse();
        assertThat(sessions.find(a.cookie())).isEmpty();

        clock.advance(Duration.ofMinutes(30));
        Sessions.Created c = sessions.create(ApiKeys.sha256Hex("frt_c"));
        clock.advance(Duration.ofMinutes(31));
        assertThat(sessions.purgeExpired()).isEqualTo(1);
        assertThat(sessions.find(b.cookie())).isEmpty();
        assertThat(sessions.find(c.cookie())).isPresent();
        assertThat(Sessions.disabled().purgeExpired()).isZero();
        assertThat(Sessions.disabled().find(c.cookie())).isEmpty();
    }

}
