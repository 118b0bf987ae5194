package dev.freight.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The first run of {@code ./freight}, which builds the jar with Maven. Building Freight itself takes minutes, so the
 * launcher is copied beside a one-class project of the same shape (pom.xml, src/main, target/freight.jar): the real
 * script runs the real Maven, in seconds. Output goes to files, as when a user redirects it, not to a terminal.
 */
class LauncherBuildIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    record Run(int exit, String stdout, String stderr) {
    }

    @TempDir
    static Path project;
    static Run firstRun;

    @BeforeAll
    static void buildOnFirstRun() throws Exception {
        boolean mvn = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            mvn |= !dir.isEmpty() && Files.isExecutable(Path.of(dir, "mvn"));
        }
        assumeTrue(mvn, "mvn is not on the PATH, and ./freight needs it to build the jar");
        tinyProject(project, "System.out.println(\"hello from the jar\");");
        firstRun = launch(project);
    }

    /**
     * A project ./freight can build: a jar named target/freight.jar whose main class, named as the launcher names
     * Freight's (it runs {@code -cp jar dev.freight.cli.Main}), prints one line.
     */
    static void tinyProject(Path dir, String mainBody) throws IOException {
        Files.copy(ROOT.resolve("freight"), dir.resolve("freight"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(dir.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>test</groupId><artifactId>tiny</artifactId><version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <build>
                    <finalName>freight</finalName>
                    <plugins>
                      <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                      <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.0</version></plugin>
                      <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version></plugin>
                      <plugin><artifactId>maven-jar-plugin</artifactId><version>3.4.1</version>
                        <configuration><archive><manifest><mainClass>dev.freight.cli.Main</mainClass></manifest></archive></configuration>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """);
        Path source = dir.resolve("src/main/java/dev/freight/cli/Main.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "package dev.freight.cli;\npublic class Main { public static void main(String[] a) { "
                + mainBody + " } }\n");
    }

    static Run launch(Path dir) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        Process p = new ProcessBuilder(dir.resolve("freight").toString()).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the launcher finished within 5 minutes").isTrue();
        } finally {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theFirstRunBuildsTheJarAndThenRunsIt() {
        assertThat(firstRun.exit()).as(firstRun.stderr()).isZero();
        assertThat(firstRun.stdout()).isEqualTo("hello from the jar\n");
        assertThat(project.resolve("target/freight.jar")).isRegularFile();
    }

    @Test
    void theBuildShowsMavensStepsWithTheElapsedTime() {
        assertThat(firstRun.stderr()).as(firstRun.stderr())
                .containsPattern("(?m)^freight: building: compiling \\(\\d+ s\\)$")
                .containsPattern("(?m)^freight: building: packaging \\(\\d+ s\\)$")
                .containsPattern("(?m)^freight: built .*freight\\.jar in \\d+ s$");
    }

    @Test
    void outputToAFileHoldsNoEscapeSequences() {
        assertThat(firstRun.stderr()).as(firstRun.stderr()).doesNotContain("\u001b");
        assertThat(firstRun.stdout()).doesNotContain("\u001b");
    }

    @Test
    void mavensWholeOutputIsKeptInTheBuildLog() throws IOException {
        assertThat(Files.readString(project.resolve("target/build.log"))).contains("BUILD SUCCESS");
    }

    @Test
    void aFailedBuildShowsTheCompilerErrorAndExitsOne(@TempDir Path broken) throws Exception {
        tinyProject(broken, "System.out.println(undefinedVariable);");
        Run run = launch(broken);
        assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).contains("[ERROR]").contains("undefinedVariable")
                .containsPattern("(?m)^freight: build failed after \\d+ s; Maven's full output: .*build\\.log$")
                .doesNotContain("\u001b");
    }
}
