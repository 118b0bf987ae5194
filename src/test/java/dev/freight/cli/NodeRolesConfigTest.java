package dev.freight.cli;

import dev.freight.config.ConfigException;
import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** exports.worker_concurrency: 0 makes a serve node that only takes requests; it needs worker nodes somewhere. */
class NodeRolesConfigTest {
    private static final String POSTGRES_STORE = "job_store:\n  url: jdbc:postgresql://db:5432/freight\n";

    private static FreightConfig config(Path dir, String yaml) throws Exception {
        return ConfigLoader.load(Optional.of(Files.writeString(dir.resolve("freight.yml"),
                "data_dir: " + dir.resolve("data") + "\n" + yaml)), Map.of());
    }

    @Test
    void anApiOnlyNodeOnAPostgresJobStoreIsAccepted(@TempDir Path dir) throws Exception {
        FreightConfig c = config(dir, POSTGRES_STORE + "exports:\n  worker_concurrency: 0\n");

        assertThat(c.exports().workerConcurrency()).isZero();
        assertThatCode(() -> FreightNode.requireWorkersSomewhere(c)).doesNotThrowAnyException();
    }

    @Test
    void anApiOnlyNodeOnH2IsRefusedForNothingWouldRunItsJobs(@TempDir Path dir) throws Exception {
        FreightConfig c = config(dir, "exports:\n  worker_concurrency: 0\n");

        assertThatThrownBy(() -> FreightNode.requireWorkersSomewhere(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("exports.worker_concurrency").hasMessageContaining("H2");
    }

    @Test
    void aWorkerNodeOfNoWorkersIsRefusedWithOneLine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("freight.yml"), "data_dir: " + dir.resolve("data") + "\n"
                + "exports:\n  worker_concurrency: 0\n");
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = Main.run("worker", "--config", file.toString());
        } finally {
            System.setErr(err);
        }

        assertThat(exit).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(captured.toString(StandardCharsets.UTF_8).strip()).startsWith("freight: error:")
                .contains("exports.worker_concurrency").doesNotContain("\n");
    }
}
