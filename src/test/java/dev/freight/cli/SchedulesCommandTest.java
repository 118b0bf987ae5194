package dev.freight.cli;

import dev.freight.testing.ForkedNode;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code freight schedules …} on a real configuration, and two worker processes on one PostgreSQL job store firing a
 * per-second schedule: one job per tick, none missed, none twice.
 */
class SchedulesCommandTest {
    private static final Pattern WORKER_UP = Pattern.compile("Freight worker \\S+ running");

    @TempDir
    Path dir;

    Path config(String node, String jobStore) throws Exception {
        Path data = Files.createDirectories(dir.resolve(node));
        String source = "jdbc:h2:file:" + data.resolve("src");
        try (Connection c = DriverManager.getConnection(source, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(20))");
            s.execute("INSERT INTO items VALUES (1, 'one'), (2, 'two')");
        }
        return Files.writeString(data.resolve("freight.yml"), """
                data_dir: %s
                job_store:
                  url: "%s"
                sources:
                  src:
                    url: "%s"
                    user: sa
                schedules:
                  poll_interval: 200ms
                """.formatted(data, jobStore, source));
    }

    Path schedule(String name, String cron) throws Exception {
        return Files.writeString(dir.resolve(name + ".json"), """
                {"name": "%s", "cron": "%s", "time_zone": "Europe/Berlin",
                 "request": {"dataset": "items", "format": "csv"}}""".formatted(name, cron));
    }

    @Test
    void theCommandsCreateListShowPauseResumeRunAndDeleteASchedule() throws Exception {
        Path config = config("cli", "jdbc:h2:file:" + dir.resolve("cli-jobs"));
        Cli.Output created = Cli.capture("schedules", "create", schedule("nightly", "30 2 * * *").toString(),
                "--config", config.toString(), "--owner", "ops", "--role", "user");
        assertThat(created.exit()).as(created.err()).isZero();
        String id = created.out().trim();
        assertThat(created.err()).contains("schedule 'nightly' created; next run");

        Cli.Output list = Cli.capture("schedules", "list", "--config", config.toString());
        assertThat(list.out()).contains(id).contains("nightly").contains("30 2 * * *").contains("active").contains("ops");

        Cli.Output show = Cli.capture("schedules", "show", "nightly", "--config", config.toString());
        assertThat(show.out()).contains("cron:        30 2 * * * in Europe/Berlin").contains("owner:       ops (role user)")
                .contains("dataset:     items");
        assertThat(show.out().lines().filter(l -> l.startsWith("next runs:")).findFirst().orElseThrow().split(", "))
                .hasSize(5);

        assertThat(Cli.capture("schedules", "pause", id, "--config", config.toString()).exit()).isZero();
        assertThat(Cli.capture("schedules", "list", "--config", config.toString()).out()).contains("paused");
        Cli.Output resumed = Cli.capture("schedules", "resume", "nightly", "--config", config.toString());
        assertThat(resumed.err()).contains("resumed; next run 20");

        Cli.Output run = Cli.capture("schedules", "run", "nightly", "--config", config.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        String job = run.out().trim();
        assertThat(Cli.capture("jobs", "show", job, "--config", config.toString()).out()).contains("items");

        assertThat(Cli.capture("schedules", "delete", id, "--config", config.toString()).exit()).isZero();
        Cli.Output gone = Cli.capture("schedules", "show", id, "--config", config.toString());
        assertThat(gone.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(gone.err().strip()).isEqualTo("freight: error: no schedule '" + id + "'");
    }

    @Test
    void aBadScheduleFileIsOneLineAndExitCodeTwo() throws Exception {
        Path config = config("bad", "jdbc:h2:file:" + dir.resolve("bad-jobs"));
        Cli.Output bad = Cli.capture("schedules", "create", schedule("broken", "99 * * * *").toString(),
                "--config", config.toString());
        assertThat(bad.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(bad.err().strip()).startsWith("freight: error: cron \"99 * * * *\" is not valid").doesNotContain("\n");
    }

    @Test
    void anOwnerWhoseNameAnotherPrincipalHoldsOrWhoseRoleDoesNotExistIsRefused() throws Exception {
        Path config = config("owners", "jdbc:h2:file:" + dir.resolve("owners-jobs"));
        Files.writeString(config, Files.readString(config) + """
                api_keys:
                  - name: alice
                    sha256: %s
                    role: user
                """.formatted("ab".repeat(32)));
        // alice may edit and run her schedules: one made for an "alice" of role admin would lend her that role.
        Cli.Output other = Cli.capture("schedules", "create", schedule("lent", "0 8 * * *").toString(),
                "--config", config.toString(), "--owner", "alice", "--role", "admin");
        assertThat(other.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(other.err().strip()).isEqualTo("freight: error: the owner 'alice' is held by the config's api_keys[0] "
                + "(role user, no attributes): give the same --role and --attr, or name another owner");
        Cli.Output admin = Cli.capture("schedules", "create", schedule("lent", "0 8 * * *").toString(),
                "--config", config.toString(), "--owner", "admin", "--role", "user");
        assertThat(admin.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(admin.err()).contains("the owner 'admin' is the node's built-in admin");
        Cli.Output role = Cli.capture("schedules", "create", schedule("lent", "0 8 * * *").toString(),
                "--config", config.toString(), "--owner", "zed", "--role", "nosuch");
        assertThat(role.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(role.err()).contains("nosuch").doesNotContain("unknown dataset");
        assertThat(Cli.capture("schedules", "list", "--config", config.toString()).out()).doesNotContain("lent");
        // The same principal is fine.
        assertThat(Cli.capture("schedules", "create", schedule("hers", "0 8 * * *").toString(),
                "--config", config.toString(), "--owner", "alice", "--role", "user").exit()).isZero();
    }

    @Test
    void twoWorkerProcessesFireEachTickOfAPerSecondScheduleExactlyOnce() throws Exception {
        String schema = TestDatabases.runId() + "_schedules_two_nodes";
        TestDatabases.execute(TestDatabases.postgres(), "CREATE SCHEMA " + schema);
        String jobStore = TestDatabases.postgres().replaceAll("currentSchema=[^&]*", "currentSchema=" + schema);
        try {
            Path a = config("a", jobStore);
            Path b = config("b", jobStore);
            Cli.Output created = Cli.capture("schedules", "create", schedule("every-second", "* * * * * *").toString(),
                    "--config", a.toString());
            assertThat(created.exit()).as(created.err()).isZero();
            String id = created.out().trim();
            try (ForkedNode first = ForkedNode.start("worker", "--config", a.toString());
                 ForkedNode second = ForkedNode.start("worker", "--config", b.toString())) {
                first.await(WORKER_UP, Duration.ofSeconds(60));
                second.await(WORKER_UP, Duration.ofSeconds(60));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (ticks(jobStore, id).size() < 12 && System.nanoTime() < deadline) Thread.sleep(200);
                first.stop(Duration.ofSeconds(20));
                second.stop(Duration.ofSeconds(20));
            }
            List<Long> ticks = ticks(jobStore, id);
            assertThat(ticks.size()).isGreaterThanOrEqualTo(12);
            // Every second from the first tick to the last, each once (and none of them a second time).
            for (int i = 1; i < ticks.size(); i++) assertThat(ticks.get(i) - ticks.get(i - 1)).as("tick %d", i).isEqualTo(1);
            try (Connection c = TestDatabases.connect(jobStore); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT idempotency_key), min(schedule_id), "
                         + "max(schedule_id) FROM export_job WHERE idempotency_key LIKE 'schedule:%'")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(rs.getLong(2)).isEqualTo(ticks.size());
                assertThat(rs.getString(3)).isEqualTo(id).isEqualTo(rs.getString(4));
            }
        } finally {
            TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void workerOnceFiresTheTicksDueNowAndRunsTheirJobs() throws Exception {
        Path config = config("once", "jdbc:h2:file:" + dir.resolve("once-jobs"));
        Cli.Output created = Cli.capture("schedules", "create", schedule("every-second", "* * * * * *").toString(),
                "--config", config.toString());
        assertThat(created.exit()).as(created.err()).isZero();
        String id = created.out().trim();
        // Its first tick is within a second of its creation.
        Thread.sleep(1_100);

        Cli.Output run = Cli.capture("worker", "--once", "--config", config.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        java.util.regex.Matcher fired = Pattern.compile("Fired (\\d+) schedule tick\\(s\\)\n").matcher(run.err());
        assertThat(fired.find()).as(run.err()).isTrue();
        int ticks = Integer.parseInt(fired.group(1));
        assertThat(ticks).isPositive();
        assertThat(run.err()).contains("Ran " + ticks + " job(s)\n");
        try (FreightRuntime runtime = FreightRuntime.storesOnly(FreightRuntime.loadConfig(config))) {
            List<dev.freight.job.Job> jobs = runtime.store.list(null, null, null, 100).jobs().stream()
                    .filter(j -> id.equals(j.scheduleId())).toList();
            assertThat(jobs).hasSize(ticks).allMatch(j -> j.status() == dev.freight.job.JobStatus.COMPLETED);
        }
    }

    /** The ticks (epoch seconds) of the jobs the schedule made, in order. */
    private static List<Long> ticks(String jobStore, String scheduleId) throws Exception {
        List<Long> ticks = new ArrayList<>();
        try (Connection c = TestDatabases.connect(jobStore); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT idempotency_key FROM export_job WHERE schedule_id = '" + scheduleId
                     + "' ORDER BY idempotency_key")) {
            while (rs.next()) {
                String key = rs.getString(1);
                ticks.add(Long.parseLong(key.substring(key.lastIndexOf(':') + 1)));
            }
        } catch (java.sql.SQLException e) {
            // Before the first node migrated the store, there is no table yet.
            if (!"42P01".equals(e.getSQLState())) throw e;
        }
        return ticks;
    }
}
