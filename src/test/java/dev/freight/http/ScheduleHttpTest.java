package dev.freight.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.access.AccessPolicy;
import dev.freight.access.Limits;
import dev.freight.audit.AuditLog;
import dev.freight.auth.ApiKeyCheck;
import dev.freight.auth.Authentication;
import dev.freight.auth.Principal;
import dev.freight.error.ProblemCode;
import dev.freight.export.ExportMetrics;
import dev.freight.export.ExportService;
import dev.freight.job.JdbcJobStore;
import dev.freight.job.JobService;
import dev.freight.job.JobSettings;
import dev.freight.job.Sweeper;
import dev.freight.storage.LocalFileStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static dev.freight.http.HttpApiContract.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scheduled exports over real HTTP: create, read, list, replace, pause, resume, run now and delete; each caller sees
 * only their own schedules (admins all); bad definitions are problem+json 400s naming the field.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScheduleHttpTest {
    static final String PATH = "/api/v1/export/schedules";
    static final String WEEKLY = """
            {"name": "%s", "cron": "0 8 * * MON", "time_zone": "Europe/Berlin", "catch_up": "last",
             "request": {"dataset": "demo.orders", "format": "csv",
                         "filters": [{"column": "status", "op": "eq", "value": "paid"}]}}""";

    Path dir;
    JdbcJobStore store;
    FreightServer server;
    ApiClient alice;
    ApiClient bob;
    ApiClient admin;

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("freight-schedules-http");
        store = JdbcJobStore.open("jdbc:h2:file:" + dir.resolve("jobs"), "sa", "", 8, Clock.systemUTC());
        LocalFileStore files = new LocalFileStore(dir.resolve("files"));
        JobSettings settings = HttpApiContract.settings(false);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ExportService exports = new ExportService(TestSources.registry(), AccessPolicy.unrestricted(),
                Limits.unlimited(), AuditLog.NONE, new ExportMetrics(registry), ExportService.Settings.DEFAULTS);
        // No workers: a run's job stays pending, which is all these tests look at.
        // Email configured (never sent here: no workers run the jobs), so that a schedule may name an email delivery.
        dev.freight.config.FreightConfig config = dev.freight.config.ConfigLoader.load(Optional.of(Files.writeString(
                dir.resolve("freight.yml"), "email:\n  from: freight@example.com\n  smtp:\n    host: 127.0.0.1\n"
                        + "    port: 2525\n    tls: none\n"
                        + "webhooks:\n  allowed_hosts: [hooks.example.com]\n  secret: ${env:WEBHOOK_SECRET}\n")),
                Map.of("WEBHOOK_SECRET", "a webhook secret of at least 24 bytes"));
        JobService jobs = new JobService(store, files, exports, settings, null,
                new dev.freight.delivery.DeliveryPolicy(config.delivery()));
        ApiKeyCheck keys = token -> switch (token) {
            case "key-alice" -> Optional.of(Principal.user("alice"));
            case "key-bob" -> Optional.of(Principal.user("bob"));
            case "key-admin" -> Optional.of(Principal.admin("root"));
            default -> Optional.empty();
        };
        server = new FreightServer(TestSources.registry(), jobs, new Sweeper(store, files, settings, Clock.systemUTC()),
                registry, Authentication.of(keys), HttpApiContract.serverSettings()).start();
        alice = new ApiClient(server.port(), "key-alice");
        bob = alice.as("key-bob");
        admin = alice.as("key-admin");
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        if (store != null) store.close();
        if (dir != null) TestSources.deleteTree(dir);
    }

    JsonNode create(ApiClient who, String name) {
        HttpResponse<byte[]> r = who.post(PATH, WEEKLY.formatted(name));
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(201);
        JsonNode s = ApiClient.json(r);
        assertThat(ApiClient.header(r, "Location")).isEqualTo(PATH + "/" + s.get("id").asText());
        return s;
    }

    @Test
    void aCreatedScheduleShowsItsDefinitionAndItsNextFiveRuns() {
        JsonNode s = create(alice, "weekly-paid");
        assertThat(s.get("name").asText()).isEqualTo("weekly-paid");
        assertThat(s.get("owner").asText()).isEqualTo("alice");
        assertThat(s.get("cron").asText()).isEqualTo("0 8 * * MON");
        assertThat(s.get("time_zone").asText()).isEqualTo("Europe/Berlin");
        assertThat(s.get("paused").asBoolean()).isFalse();
        assertThat(s.get("request").get("dataset").asText()).isEqualTo("demo.orders");
        assertThat(s.get("request").get("filters").get(0).get("value").asText()).isEqualTo("paid");
        assertThat(s.get("next_runs")).hasSize(5);
        Instant previous = Instant.now();
        for (JsonNode run : s.get("next_runs")) {
            Instant at = Instant.parse(run.asText());
            assertThat(at).isAfter(previous);
            // Mondays at 08:00 in Berlin.
            var local = at.atZone(java.time.ZoneId.of("Europe/Berlin"));
            assertThat(local.getDayOfWeek()).isEqualTo(java.time.DayOfWeek.MONDAY);
            assertThat(local.getHour()).isEqualTo(8);
            previous = at;
        }
        assertThat(s.get("next_run_at").asText()).isEqualTo(s.get("next_runs").get(0).asText());
        JsonNode read = ApiClient.json(alice.get(PATH + "/" + s.get("id").asText()));
        assertThat(read.get("id")).isEqualTo(s.get("id"));
    }

    @Test
    void deliveriesAndConditionAreKeptBesideTheRequestAndGoWithEachRun() {
        HttpResponse<byte[]> r = alice.post(PATH, """
                {"name": "mailed", "cron": "0 8 * * *", "request": {"dataset": "demo.orders", "format": "csv"},
                 "deliveries": [{"type": "email", "to": ["ops@example.com"]}], "condition": "rows > 0"}""");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(201);
        JsonNode s = ApiClient.json(r);
        assertThat(s.get("deliveries")).hasSize(1);
        assertThat(s.get("deliveries").get(0).get("type").asText()).isEqualTo("email");
        assertThat(s.get("deliveries").get(0).get("to").get(0).asText()).isEqualTo("ops@example.com");
        assertThat(s.get("condition").asText()).isEqualTo("rows > 0");
        JsonNode job = ApiClient.json(alice.post(PATH + "/" + s.get("id").asText() + "/run", ""));
        assertThat(job.get("condition").asText()).isEqualTo("rows > 0");
        // In the request itself they are refused: the schedule's own are the ones that apply.
        HttpResponse<byte[]> inside = alice.post(PATH, """
                {"name": "inside", "cron": "0 8 * * *", "request": {"dataset": "demo.orders", "condition": "rows > 0"}}""");
        assertProblem(inside, ProblemCode.INVALID_SCHEDULE);
    }

    @Test
    void theIssuesExampleWithAnEmailAndAWebhookIsCreated() {
        // hooks.example.com does not resolve (here, no name does): the allow-list is what a request must pass, and
        // the address is checked when the webhook is sent.
        HttpResponse<byte[]> r = alice.post(PATH, """
                {"name": "weekly-paid-example", "cron": "0 8 * * MON", "time_zone": "Europe/Berlin", "catch_up": "last",
                 "request": {"dataset": "demo.orders", "format": "xlsx", "filters": [{"column": "status", "op": "eq", "value": "paid"}]},
                 "deliveries": [{"type": "email", "to": ["ops@example.com"]},
                                {"type": "webhook", "url": "https://hooks.example.com/freight"}],
                 "condition": "rows > 0"}""");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(201);
        JsonNode s = ApiClient.json(r);
        assertThat(s.get("deliveries").findValuesAsText("type")).containsExactly("email", "webhook");
        assertThat(s.get("deliveries").get(1).get("url").asText()).isEqualTo("https://hooks.example.com/freight");
        assertThat(s.get("request").get("format").asText()).isEqualTo("xlsx");
    }

    @Test
    void aSeriesTimeframeIsKeptRelativeAndResolvedAtEachRun() {
        // Stored resolved, "last_7d" was the week the schedule was saved, exported again at every run.
        HttpResponse<byte[]> r = alice.post(PATH, """
                {"name": "rolling-week", "cron": "0 8 * * MON", "time_zone": "Europe/Berlin",
                 "request": {"dataset": "demo.orders", "format": "csv",
                             "series": {"timeframe": "last_7d", "time_zone": "Europe/Berlin", "granularity": "day"}}}""");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(201);
        JsonNode series = ApiClient.json(r).get("request").get("series");
        assertThat(series.get("timeframe").asText()).isEqualTo("last_7d");
        assertThat(series.has("from")).isFalse();
        assertThat(series.has("to")).isFalse();
        assertThat(series.get("granularity").asText()).isEqualTo("day");
        // A run's job holds the range it exports, resolved when it was planned.
        JsonNode job = ApiClient.json(alice.post(PATH + "/" + ApiClient.json(r).get("id").asText() + "/run", ""));
        assertThat(job.get("series").get("from").asText()).isNotEmpty();
        assertThat(job.get("series").get("to").asText()).isNotEmpty();
    }

    @Test
    void callersSeeTheirOwnSchedulesAndAdminsSeeEveryOne() {
        JsonNode mine = create(alice, "alice-only");
        JsonNode bobs = create(bob, "bob-only");
        assertThat(ApiClient.json(alice.get(PATH)).get("schedules").findValuesAsText("name"))
                .contains("alice-only").doesNotContain("bob-only");
        assertThat(ApiClient.json(admin.get(PATH)).get("schedules").findValuesAsText("name"))
                .contains("alice-only", "bob-only");
        assertProblem(bob.get(PATH + "/" + mine.get("id").asText()), ProblemCode.NOT_FOUND);
        assertProblem(bob.delete(PATH + "/" + mine.get("id").asText()), ProblemCode.NOT_FOUND);
        assertProblem(bob.post(PATH + "/" + mine.get("id").asText() + "/run", ""), ProblemCode.NOT_FOUND);
        assertThat(admin.get(PATH + "/" + bobs.get("id").asText()).statusCode()).isEqualTo(200);
    }

    @Test
    void aSecondScheduleOfTheSameNameIsAConflict() {
        create(alice, "twice");
        assertProblem(alice.post(PATH, WEEKLY.formatted("twice")), ProblemCode.SCHEDULE_EXISTS);
        // Another owner may use the name.
        create(bob, "twice");
    }

    @Test
    void pauseClearsTheNextRunAndResumeCountsItFromNow() {
        String id = create(alice, "pausable").get("id").asText();
        JsonNode paused = ApiClient.json(alice.post(PATH + "/" + id + "/pause", ""));
        assertThat(paused.get("paused").asBoolean()).isTrue();
        assertThat(paused.get("next_run_at").isNull()).isTrue();
        assertThat(paused.get("next_runs")).isEmpty();
        JsonNode resumed = ApiClient.json(alice.post(PATH + "/" + id + "/resume", ""));
        assertThat(resumed.get("paused").asBoolean()).isFalse();
        assertThat(Instant.parse(resumed.get("next_run_at").asText())).isAfter(Instant.now());
    }

    @Test
    void editingAPausedScheduleWithoutPausedKeepsItPaused() {
        String id = create(alice, "edited-while-paused").get("id").asText();
        alice.post(PATH + "/" + id + "/pause", "");
        HttpResponse<byte[]> edited = alice.put(PATH + "/" + id, WEEKLY.formatted("edited-while-paused")
                .replace("0 8 * * MON", "30 6 * * *"));
        assertThat(edited.statusCode()).as(ApiClient.text(edited)).isEqualTo(200);
        assertThat(ApiClient.json(edited).get("cron").asText()).isEqualTo("30 6 * * *");
        assertThat(ApiClient.json(edited).get("paused").asBoolean()).isTrue();
        assertThat(ApiClient.json(edited).get("next_run_at").isNull()).isTrue();
        // Saying so resumes it.
        JsonNode resumed = ApiClient.json(alice.put(PATH + "/" + id, WEEKLY.formatted("edited-while-paused")
                .replace("\"catch_up\"", "\"paused\": false, \"catch_up\"")));
        assertThat(resumed.get("paused").asBoolean()).isFalse();
    }

    @Test
    void runNowQueuesAnOrdinaryJobAndRecordsIt() {
        String id = create(alice, "run-now").get("id").asText();
        HttpResponse<byte[]> r = alice.post(PATH + "/" + id + "/run", "");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(202);
        JsonNode job = ApiClient.json(r);
        assertThat(job.get("dataset").asText()).isEqualTo("demo.orders");
        assertThat(job.get("owner").asText()).isEqualTo("alice");
        assertThat(job.get("schedule_id").asText()).isEqualTo(id);
        assertThat(ApiClient.header(r, "Location")).isEqualTo("/api/v1/export/jobs/" + job.get("id").asText());
        JsonNode s = ApiClient.json(alice.get(PATH + "/" + id));
        assertThat(s.get("last_job_id").asText()).isEqualTo(job.get("id").asText());
        assertThat(s.get("last_status").asText()).isEqualTo("pending");
        assertThat(s.get("last_run_at").isNull()).isFalse();
        // Its ticks are unchanged.
        assertThat(s.get("next_runs")).hasSize(5);
    }

    @Test
    void replaceChangesTheDefinitionAndTheNextRuns() {
        String id = create(alice, "replaced").get("id").asText();
        HttpResponse<byte[]> r = alice.put(PATH + "/" + id, """
                {"name": "replaced", "cron": "30 6 1 * *", "time_zone": "UTC",
                 "request": {"dataset": "demo.orders", "format": "ndjson"}}""");
        assertThat(r.statusCode()).as(ApiClient.text(r)).isEqualTo(200);
        JsonNode s = ApiClient.json(r);
        assertThat(s.get("cron").asText()).isEqualTo("30 6 1 * *");
        assertThat(s.get("request").get("format").asText()).isEqualTo("ndjson");
        assertThat(s.get("next_run_at").asText()).matches("\\d{4}-\\d\\d-01T06:30:00Z");
    }

    @Test
    void deleteRemovesItAndItsRunsStay() {
        String id = create(alice, "deleted").get("id").asText();
        String job = ApiClient.json(alice.post(PATH + "/" + id + "/run", "")).get("id").asText();
        assertThat(alice.delete(PATH + "/" + id).statusCode()).isEqualTo(204);
        assertProblem(alice.get(PATH + "/" + id), ProblemCode.NOT_FOUND);
        assertThat(alice.get("/api/v1/export/jobs/" + job).statusCode()).isEqualTo(200);
    }

    @Test
    void theCronHelperPreviewsTheNextFiveRuns() {
        JsonNode p = ApiClient.json(alice.get(PATH + "/preview?cron=0%209%20*%20*%201-5&time_zone=America/New_York"));
        assertThat(p.get("next_runs")).hasSize(5);
        for (JsonNode run : p.get("next_runs")) {
            var local = Instant.parse(run.asText()).atZone(java.time.ZoneId.of("America/New_York"));
            assertThat(local.getHour()).isEqualTo(9);
            assertThat(local.getDayOfWeek().getValue()).isBetween(1, 5);
        }
        assertProblem(alice.get(PATH + "/preview?cron=nonsense&time_zone=UTC"), ProblemCode.INVALID_SCHEDULE);
        // A cron that never fires is refused here as a save refuses it, not previewed as no runs.
        HttpResponse<byte[]> never = alice.get(PATH + "/preview?cron=0%200%2030%202%20*&time_zone=UTC");
        assertProblem(never, ProblemCode.INVALID_SCHEDULE);
        assertThat(ApiClient.json(never).get("detail").asText()).endsWith("never fires again");
    }

    @Test
    void badDefinitionsAreRefusedNamingTheFieldAndStoreNothing() {
        int before = ApiClient.json(admin.get(PATH)).get("schedules").size();
        assertBad("""
                {"name": "x", "cron": "0 8 * *", "request": {"dataset": "demo.orders"}}""",
                ProblemCode.INVALID_SCHEDULE, "cron", "has 4 fields");
        assertBad("""
                {"name": "x", "cron": "0 8 * * *", "time_zone": "Mars/Base", "request": {"dataset": "demo.orders"}}""",
                ProblemCode.INVALID_SCHEDULE, "time_zone", "not a time zone");
        assertBad("""
                {"name": "x", "cron": "0 8 * * *", "catch_up": "all", "request": {"dataset": "demo.orders"}}""",
                ProblemCode.INVALID_SCHEDULE, "catch_up", "all");
        assertBad("""
                {"name": "x", "cron": "0 8 * * *"}""", ProblemCode.INVALID_SCHEDULE, "request", "request is missing");
        assertBad("""
                {"name": "x", "cron": "0 8 * * *", "request": {"dataset": "nope"}}""",
                ProblemCode.UNKNOWN_DATASET, null, "nope");
        assertBad("""
                {"name": "x", "cron": "0 8 * * *", "request": {"dataset": "demo.orders", "delivery": "sync"}}""",
                ProblemCode.INVALID_DELIVERY, "request.delivery", "jobs");
        assertBad("""
                {"name": "x", "cron": "0 8 * * *", "every": "day", "request": {"dataset": "demo.orders"}}""",
                ProblemCode.UNKNOWN_FIELD, null, "every");
        assertBad("""
                {"cron": "0 8 * * *", "request": {"dataset": "demo.orders"}}""", ProblemCode.INVALID_SCHEDULE, "name",
                "name is missing");
        // A name that would read otherwise than it is: a bidi override, a lone surrogate, a zero-width space.
        for (String hidden : java.util.List.of("invoice\\u202Efdp.exe", "half\\uD800", "a\\u200Bb")) {
            assertBad("""
                    {"name": "%s", "cron": "0 8 * * *", "request": {"dataset": "demo.orders"}}""".formatted(hidden),
                    ProblemCode.INVALID_SCHEDULE, "name", "without control characters");
        }
        // Deliveries are checked as a create checks them: a webhook host this server does not allow.
        assertBad("""
                {"name": "x", "cron": "0 8 * * *", "request": {"dataset": "demo.orders"},
                 "deliveries": [{"type": "webhook", "url": "https://hooks.example.net/freight"}]}""",
                ProblemCode.INVALID_DELIVERY_TARGET, null, "webhook host 'hooks.example.net' is not allowed");
        // Longer than the cron column: a 400, not the job store's refusal (which answered 503).
        assertBad("""
                {"name": "x", "cron": "%s * * * *", "request": {"dataset": "demo.orders"}}""".formatted("1,".repeat(2000) + "2"),
                ProblemCode.INVALID_SCHEDULE, "cron", "is longer than 200 characters");
        assertThat(ApiClient.json(admin.get(PATH)).get("schedules")).hasSize(before);
    }

    private void assertBad(String body, ProblemCode code, String field, String detail) {
        HttpResponse<byte[]> r = alice.post(PATH, body);
        assertProblem(r, code);
        JsonNode p = ApiClient.json(r);
        assertThat(p.get("detail").asText()).contains(detail);
        if (field != null) assertThat(p.path("field").asText()).isEqualTo(field);
    }
}
