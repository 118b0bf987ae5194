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
        Process process = new ProcessBuilder(command(maxHeap, args)).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("finished within %s", timeout).isTrue();
        assertThat(process.exitValue()).as("exit code; output:%n%s", output).isZero();
        return output;
    }

    private static List<String> command(String maxHeap, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                "dev.freight.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }

    /** Starts a command that runs until stopped, such as {@code serve}: a node in a JVM of its own. */
    public static Node start(String maxHeap, String... args) throws IOException {
        return new Node(new ProcessBuilder(command(maxHeap, args)).start());
    }

    /** A running node: its standard output and error as they come, and a way to stop it as an operator would. */
    public static final class Node implements AutoCloseable {
        private final Process process;
        private final StringBuffer out = new StringBuffer();
        private final StringBuffer err = new StringBuffer();
        private final Thread errPump;

        Node(Process process) {
            this.process = process;
            pump(process.getInputStream(), out);
            errPump = pump(process.getErrorStream(), err);
        }

        private static Thread pump(InputStream in, StringBuffer into) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (in) {
                    for (int n; (n = in.read(buffer)) > 0; ) into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            t.setDaemon(true);
            t.start();
            return t;
        }

        /** Waits until standard output matches {@code regex} (find), and returns the match's first group. */
        public String awaitStdout(String regex, Duration timeout) throws InterruptedException {
            java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                java.util.regex.Matcher m = pattern.matcher(out);
                if (m.find()) return m.groupCount() > 0 ? m.group(1) : m.group();
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("no output matching " + regex + "; stdout:\n" + out + "\nstderr:\n" + err);
                }
                Thread.sleep(50);
            }
        }

        /** SIGTERM, as a service manager stops it; waits for the exit and returns standard error, the node's log. */
        public String stop(Duration timeout) throws InterruptedException {
            // Process.destroy() would also close our ends of its pipes, losing everything it logs while it stops.
            process.toHandle().destroy();
            assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("stopped within %s", timeout).isTrue();
            errPump.join(timeout.toMillis());
            return err.toString();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
