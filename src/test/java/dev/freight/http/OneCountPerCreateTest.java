package dev.freight.http;

import dev.freight.source.JdbcSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static dev.freight.http.SecuredServer.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Creating an export counts its rows at most once, however many decisions need the number: the max_rows check, the
 * PDF row cap, the automatic choice of delivery and the job's estimate all read one count. Counted by the source
 * database itself (H2's query statistics on the demo source), over real HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneCountPerCreateTest {
    private static final String JOBS = SecuredServer.JOBS;
    SecuredServer s;
    JdbcSource demo;

    @BeforeAll
    void start() {
        // The default max_rows (100,000,000) is a limit like any other: it is checked, by the same count.
        s = new SecuredServer("exports:\n  pdf_max_rows: 1000\n", SecuredServer.defaults());
        demo = s.jobs.exports().registry().resolve("demo.orders").source();
    }

    @AfterAll
    void stop() throws SQLException {
        statistics(false);
        if (s != null) s.close();
    }

    @BeforeEach
    void resetStatistics() throws SQLException {
        statistics(false);
        statistics(true);
    }

    private void statistics(boolean on) throws SQLException {
        try (Connection c = demo.connection(); Statement st = c.createStatement()) {
            st.execute("SET QUERY_STATISTICS " + on);
        }
    }

    /** How many times the demo source ran a row count since the test began. */
    private long counts() throws SQLException {
        try (Connection c = demo.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(SUM(EXECUTION_COUNT), 0) FROM INFORMATION_SCHEMA.QUERY_STATISTICS "
                     + "WHERE SQL_STATEMENT LIKE 'SELECT COUNT(*)%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void anAutomaticallyQueuedJobIsCountedOnce() throws SQLException {
        HttpResponse<byte[]> r = s.client("counted-a").post(JOBS, "{\"dataset\": \"demo.orders\","
                + " \"filters\": [{\"column\": \"id\", \"op\": \"lte\", \"value\": 20000}]}");

        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        assertThat(ApiClient.json(r).get("total_rows").asLong()).isEqualTo(20_000);
        assertThat(counts()).isEqualTo(1);
        // Its run counts nothing (limits are enforced while it streams), and frees the source for the next test.
        awaitStatus(s.client("counted-a"), ApiClient.json(r).get("id").asText(), "completed");
        assertThat(counts()).isEqualTo(1);
    }

    @Test
    void aPdfJobUnderItsCapIsCountedOnce() throws SQLException {
        HttpResponse<byte[]> r = s.client("counted-e").post(JOBS, "{\"dataset\": \"demo.orders\", \"format\": \"pdf\","
                + " \"delivery\": \"async\", \"filters\": [{\"column\": \"id\", \"op\": \"lte\", \"value\": 500}]}");

        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        assertThat(ApiClient.json(r).get("total_rows").asLong()).isEqualTo(500);
        assertThat(counts()).isEqualTo(1);
        awaitStatus(s.client("counted-e"), ApiClient.json(r).get("id").asText(), "completed");
        assertThat(counts()).isEqualTo(1);
    }

    @Test
    void anAutomaticSyncExportIsCountedOnce() throws SQLException {
        HttpResponse<byte[]> r = s.client("counted-b").post(JOBS, "{\"dataset\": \"demo.orders\","
                + " \"filters\": [{\"column\": \"id\", \"op\": \"lte\", \"value\": 50}]}");

        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        assertThat(ApiClient.header(r, "X-Freight-Delivery")).isEqualTo("sync");
        assertThat(counts()).isEqualTo(1);
    }

    @Test
    void aPdfOverItsCapIsRefusedAfterOneCount() throws SQLException {
        HttpResponse<byte[]> r = s.client("counted-c").post(JOBS, "{\"dataset\": \"demo.orders\", \"format\": \"pdf\","
                + " \"delivery\": \"async\"}");

        LimitsHttpTest.assertProblem(r, 400, "too_many_rows_for_pdf");
        assertThat(counts()).isEqualTo(1);
    }

    @Test
    void anEstimateIsOneCountToo() throws SQLException {
        HttpResponse<byte[]> r = s.client("counted-d").post("/api/v1/export/estimate", "{\"dataset\": \"demo.orders\","
                + " \"format\": \"pdf\", \"filters\": [{\"column\": \"id\", \"op\": \"lte\", \"value\": 800}]}");

        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        assertThat(ApiClient.json(r).get("estimated_rows").asLong()).isEqualTo(800);
        assertThat(counts()).isEqualTo(1);
    }
}
