package dev.freight.cli;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The release archive that {@code mvn package} makes, as a user who only wants to run Freight gets it: unpacked into
 * an empty directory and run with a PATH that holds Java and a few POSIX tools, and no Maven, no sources.
 */
class ReleaseArchiveIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    /** Set by the failsafe configuration in pom.xml; a surefire run (-Dtest=...) comes before package and skips. */
    private static final String VERSION = System.getProperty("freight.version");

    @TempDir
    static Path unpacked;
    @TempDir
    static Path home;
    @TempDir
    static Path work;
    @TempDir
    static Path tools;

    static Path install;
    static List<String> installedFiles;
    static Run export;

    record Run(int exit, String stdout, String stderr) {
    }

    @BeforeAll
    static void unpackAndExport() throws Exception {
        assumeTrue(VERSION != null, "runs under failsafe (mvn verify), after package has made the archive");
        Path archive = ROOT.resolve("target/freight-" + VERSION + ".tar.gz");
        assertThat(archive).as("made by mvn package").isRegularFile();
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString()).inheritIO().start();
        assertThat(tar.waitFor(2, TimeUnit.MINUTES) && tar.exitValue() == 0).as("tar -xzf " + archive).isTrue();
        install = unpacked.resolve("freight-" + VERSION);
        // bin/freight needs these; everything else on the machine (mvn, the sources) is out of its reach.
        for (String tool : List.of("ls", "sed", "dirname", "cksum", "cut", "mkdir", "mv", "rm")) {
            Files.createSymbolicLink(tools.resolve(tool), Path.of("/usr/bin", tool).toRealPath());
        }
        Files.createSymbolicLink(tools.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        installedFiles = files(install);

        export = run(Duration.ofMinutes(3), "export", "--demo", "--table", "orders", "--limit", "10", "--format", "csv",
                "-o", "out.csv");
    }

    private static ProcessBuilder freight(String... args) {
        List<String> command = new ArrayList<>(List.of(install.resolve("bin/freight").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("FREIGHT_") || k.equals("JAVA_HOME") || k.equals("XDG_CACHE_HOME")
                || k.equals("CACHE_DIRECTORY") || k.startsWith("MAVEN"));
        env.put("PATH", tools.toString());
        env.put("HOME", home.toString());
        return pb;
    }

    private static Run run(Duration timeout, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("freight-stdout", ".txt");
        Path err = Files.createTempFile("freight-stderr", ".txt");
        Process p = freight(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("bin/freight %s finished within %s",
                    String.join(" ", args), timeout).isTrue();
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void theArchiveHoldsTheLauncherTheJarTheExampleConfigTheUnitAndTheInstallNotes() {
        assertThat(installedFiles).containsExactly("INSTALL.md", "bin/freight", "freight.example.yml", "freight.service",
                "lib/freight.jar");
        assertThat(install.resolve("bin/freight")).isExecutable();
    }

    @Test
    void theJarInTheArchiveIsTheShadedOneWithEveryDependency() throws IOException {
        try (ZipFile jar = new ZipFile(install.resolve("lib/freight.jar").toFile())) {
            assertThat(jar.getEntry("dev/freight/cli/Main.class")).isNotNull();
            assertThat(jar.getEntry("org/postgresql/Driver.class")).isNotNull();
            assertThat(jar.getEntry("picocli/CommandLine.class")).isNotNull();
        }
    }

    @Test
    void theServiceUnitStopsCleanlyOnSigtermAndRunsAsItsOwnUserWithAConfig() throws IOException {
        assertThat(Files.readString(install.resolve("freight.service")))
                .containsPattern("(?m)^SuccessExitStatus=143$")
                .containsPattern("(?m)^User=freight$")
                .containsPattern("(?m)^Environment=FREIGHT_CONFIG=/etc/freight/freight.yml$")
                .containsPattern("(?m)^WorkingDirectory=/var/lib/freight$")
                .containsPattern("(?m)^ExecStart=/opt/freight/bin/freight serve$");
    }

    @Test
    void anExportRunsWithJavaAloneAndWritesTheFile() throws IOException {
        assertThat(export.exit()).as(export.stderr()).isZero();
        assertThat(export.stderr()).startsWith("Exported 10 rows");
        List<CsvRecord> rows = new ArrayList<>();
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(work.resolve("out.csv"))) {
            reader.forEach(rows::add);
        }
        assertThat(rows).hasSize(11);
        assertThat(rows.get(0).getFields()).startsWith("id", "customer_id", "sku");
        assertThat(rows.get(10).getField(0)).isEqualTo("10");
    }

    @Test
    void theClassDataArchiveGoesToTheUsersCacheAndTheInstallDirectoryStaysAsItWas() throws IOException {
        assertThat(export.exit()).as(export.stderr()).isZero();
        try (Stream<Path> cached = Files.list(home.resolve(".cache/freight"))) {
            assertThat(cached.map(p -> p.getFileName().toString())).singleElement().asString().endsWith(".jsa");
        }
        assertThat(files(install)).isEqualTo(installedFiles);
    }

    @Test
    void serveAnswersReadyAndStopsOnSigterm() throws Exception {
        Process serve = freight("serve", "--demo", "--port", "0").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) lines.add(line);
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            String url = null;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            Pattern serving = Pattern.compile("^Freight is serving .* at (http://\\S+)$");
            while (url == null && System.nanoTime() < deadline && serve.isAlive()) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                Matcher m = line == null ? null : serving.matcher(line);
                if (m != null && m.matches()) url = m.group(1);
            }
            assertThat(url).as("serve printed its URL within 2 minutes").isNotNull();

            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/health/ready"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);

            serve.destroy();
            assertThat(serve.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM").isTrue();
            assertThat(serve.exitValue()).as("a clean stop after SIGTERM").isZero();
        } finally {
            serve.destroyForcibly();
        }
    }
}
