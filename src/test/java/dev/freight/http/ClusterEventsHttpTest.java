package dev.freight.http;

import dev.freight.testing.Await;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;

import static dev.freight.http.SecuredServer.submit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on one PostgreSQL job store: one takes the request and serves its event stream, the other runs the
 * job. The stream follows the job as it runs elsewhere, woken by the job store's announcements (NOTIFY) rather
 * than by polling, which on a node that hears every change is only a fallback every few seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterEventsHttpTest {
    private final String schema = TestDatabases.runId() + "_cluster_events";
    private SecuredServer front;
    private SecuredServer worker;

    @BeforeAll
    void start() {
        TestDatabases.execute(TestDatabases.postgres(), "CREATE SCHEMA " + schema);
        String jobStore = TestDatabases.postgres().replaceAll("currentSchema=[^&]*", "currentSchema=" + schema);
        front = new SecuredServer("", SecuredServer.defaults(), null, jobStore, false);
        worker = new SecuredServer("", SecuredServer.defaults(), null, jobStore, true);
    }

    @AfterAll
    void stop() {
        if (front != null) front.close();
        if (worker != null) worker.close();
        TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    @Test
    void aStreamOnOneNodeFollowsTheProgressOfAJobRunningOnAnother() {
        Await.until("the front node listening", Duration.ofSeconds(10), () -> front.store.signals().hearsEverything());
        ApiClient c = front.client("follower");
        // About 10 s of rows, paced by the source; its worker reports progress every 200 ms.
        String id = submit(c, "{\"dataset\": \"pg.big_paced\", \"delivery\": \"async\"}").get("id").asText();

        List<HttpApiContract.Event> events = HttpApiContract.events(c, id);

        List<String> names = events.stream().map(HttpApiContract.Event::name).toList();
        assertThat(names.get(names.size() - 1)).isEqualTo("file_ready");
        // Polling every 5 s would have seen the rows move twice at most.
        assertThat(names.stream().filter("progress"::equals).count()).isGreaterThanOrEqualTo(5);
    }
}
