package dev.freight.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real {@code ./freight} launcher in a child process, as a user runs it. The script builds target/freight.jar
 * with Maven when it is missing or stale, so these tests need {@code mvn} on the PATH; the first one may take a
 * minute (it runs as an integration test, after `package`, so under `mvn verify` the jar is already fresh). The child processes also show what in-process tests cannot: stderr of a fresh JVM, logging included.
 */
class LauncherScriptIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    record Result(int exit, String stdout, String stderr) {
        List<String> stderrLines() {
            return TerminalScreen.render(stderr);
        }
    }

    @BeforeAll
    static void needsMavenAndTheScript() {
        assumeTrue(Files.isExecutable(ROOT.resolve("freight")), "no executable ./freight in " + ROOT);
        boolean mvn = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            mvn |= !dir.isEmpty() && Files.isExecutable(Path.of(dir, "mvn"));
        }
        assumeTrue(mvn, "mvn is not on the PATH, and ./freight needs it to build target/freight.jar");
    }

    private static Result freight(String... args) throws IOException, InterruptedException {
        return freightWithJavaOpts(null, args);
    }

    private static Result freightWithJavaOpts(String javaOpts, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("freight").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (javaOpts != null) builder.environment().put("FREIGHT_JAVA_OPTS", javaOpts);
        Process p = builder.start();
        CompletableFuture<String> out = read(p.getInputStream());
        CompletableFuture<String> err = read(p.getErrorStream());
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("./freight " + String.join(" ", args) + " did not finish in 10 minutes");
        }
        // The first run builds the jar; its progress lines go to stderr and are not what these tests look at.
        String stderr = err.join().replaceAll("(?m)^freight: (building|built)\\b.*\n", "");
        return new Result(p.exitValue(), out.join(), stderr);
    }

    private static CompletableFuture<String> read(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void helpPrintsUsageAndExitsZero() throws Exception {
        Result r = freight("--help");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("Usage: freight").contains("export").contains("demo");
    }

    @Test
    void exportHelpListsTheOptionsAndOperators() throws Exception {
        Result r = freight("export", "--help");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("--table").contains("--where").contains("--format").contains("--gzip")
                .contains("--progress").contains("starts_with");
    }

    /** With -o - the data goes to stdout and nothing else does: no log line, no summary, no progress. */
    /** The JVM prints its final flags first (-XX:+PrintCommandLineFlags), on stdout. */
    private static List<String> jvmFlags(String javaOpts, String... command) throws Exception {
        String[] args = java.util.Arrays.copyOf(command, command.length + 1);
        args[command.length] = "--help";
        Result r = freightWithJavaOpts(javaOpts + " -XX:+PrintCommandLineFlags", args);
        assertThat(r.exit()).as(r.stderr()).isZero();
        return List.of(r.stdout().lines().findFirst().orElseThrow().trim().split(" "));
    }

    @Test
    void javaOptsAddToTheDefaultsAndReplaceOnlyTheHeapOrCollectorTheyName() throws Exception {
        assertThat(jvmFlags("-Xss2m", "export")).contains("-XX:MaxHeapSize=268435456", "-XX:+UseParallelGC",
                "-XX:ThreadStackSize=2048");
        assertThat(jvmFlags("-Xmx300m", "serve")).contains("-XX:MaxHeapSize=314572800", "-XX:+UseSerialGC");
        assertThat(jvmFlags("-XX:+UseG1GC", "export")).contains("-XX:MaxHeapSize=268435456", "-XX:+UseG1GC")
                .doesNotContain("-XX:+UseParallelGC");
    }

    /** The C1 compiler only where an export's bytes mostly pass through, or where it is short. */
    @Test
    void passThroughAndShortExportsRunOnC1AndTheOthersKeepC2() throws Exception {
        String pg = "--source=jdbc:postgresql://127.0.0.1:1/x";
        assertThat(jvmFlags("", "export", pg, "-t", "orders")).contains("-XX:TieredStopAtLevel=1");
        assertThat(jvmFlags("", "export", "--source", "jdbc:mariadb://127.0.0.1:1/x", "-f", "tsv", "-t", "orders"))
                .contains("-XX:TieredStopAtLevel=1");
        assertThat(jvmFlags("", "export", "--demo", "-f", "parquet", "--limit", "100", "-t", "orders"))
                .contains("-XX:TieredStopAtLevel=1");
        assertThat(jvmFlags("", "export", pg, "-f", "ndjson", "-t", "orders")).noneMatch(f -> f.contains("TieredStop"));
        assertThat(jvmFlags("", "export", "--demo", "-t", "orders")).noneMatch(f -> f.contains("TieredStop"));
        assertThat(jvmFlags("", "serve")).noneMatch(f -> f.contains("TieredStop"));
    }

    /** Each format and kind of source starts from its own class-data-sharing archive, recorded by its first export. */
    @Test
    void anExportStartsFromTheArchiveOfItsFormatAndKindOfSource(@TempDir Path dataDir) throws Exception {
        String[] export = {"export", "--demo", "--data-dir", dataDir.toString(), "--table", "customers", "--limit", "1",
                "-f", "tsv", "-q", "-o", dataDir.resolve("out.tsv").toString()};
        Result first = freight(export);   // records the archive, unless an earlier run did
        assertThat(first.exit()).as(first.stderr()).isZero();
        Result r = freightWithJavaOpts("-Xlog:cds=info", export);
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("Opened archive").contains("target/freight-tsv-other.jsa");
    }

    @Test
    void exportToStdoutWritesOnlyTheDataThereAndTheSummaryToStderr(@TempDir Path dataDir) throws Exception {
        Result r = freight("export", "--demo", "--data-dir", dataDir.toString(), "--table", "customers", "--columns",
                "id,email", "--limit", "3", "--progress", "always", "-o", "-");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("id,email\r\n1,customer1@example.com\r\n2,customer2@example.com\r\n"
                + "3,customer3@example.com\r\n");
        assertThat(r.stderrLines()).singleElement().asString().startsWith("Exported 3 rows")
                .contains(" to stdout ");
    }

    @Test
    void unreachableSourceInAFreshJvmSaysOneLineAndExitsThree() throws Exception {
        Result r = freight("export", "--source", "jdbc:postgresql://127.0.0.1:1/x", "--table", "t", "-o", "-");
        assertThat(r.exit()).as(r.stderr()).isEqualTo(3);
        assertThat(r.stderrLines()).as(r.stderr()).singleElement().asString().startsWith("freight: error: cannot connect");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void usageErrorInAFreshJvmSaysOneLineAndExitsTwo() throws Exception {
        Result r = freight("export", "--demo");
        assertThat(r.exit()).as(r.stderr()).isEqualTo(2);
        assertThat(r.stderrLines()).as(r.stderr()).singleElement().asString()
                .startsWith("freight: error: Missing required option: '--table=<table>'").contains("--help");
    }
}
