package dev.freight.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code freight} in a JVM of its own with a capped heap, as a user would with the launcher: the way to show
 * that an export streams, since a buffered result set dies there with OutOfMemoryError.
 */
public final class ForkedCli {
    private ForkedCli() {
    }

    /** Runs the command, asserts it finished within {@code timeout} with exit code 0, and returns its output. */
    public static String run(String maxHeap, Duration timeout, String... args) throws IOException, InterruptedException {
        return run(List.of(), maxHeap, timeout, args);
    }

    /** As {@link #run(String, Duration, String...)}, with JVM options such as {@code -verbose:class}. */
    public static String run(List<String> jvmOptions, String maxHeap, Duration timeout, String... args)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command(jvmOptions, maxHeap, args)).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("finished within %s", timeout).isTrue();
        assertThat(process.exitValue()).as("exit code; output:%n%s", output).isZero();
        return output;
    }

    private static List<String> command(List<String> jvmOptions, String maxHeap, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-XX:+ExitOnOutOfMemoryError"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.freight.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }
}
