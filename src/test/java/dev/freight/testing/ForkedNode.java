package dev.freight.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code freight} command that keeps running ({@code serve}, {@code worker}) in a JVM of its own, with its output
 * collected as it comes, so a test can wait for a line, look at the process from outside (its sockets) and stop it
 * as an operator would.
 */
public final class ForkedNode implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private ForkedNode(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "forked-node-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code freight args…} with its standard error merged into its output. */
    public static ForkedNode start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /** As {@link #start(String...)}, with {@code environment} added to this process's. */
    public static ForkedNode start(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.freight.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return new ForkedNode(builder.start());
    }

    /** Waits for a line matching {@code pattern} and returns its match. */
    public Matcher await(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    Matcher m = pattern.matcher(lines.get(seen));
                    if (m.find()) return m;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && seen == lines.size())) {
                    throw new AssertionError("no line matching " + pattern + " within " + timeout + "; output:\n"
                            + String.join("\n", lines));
                }
                lines.wait(Math.max(1, Math.min(200, left / 1_000_000)));
            }
        }
    }

    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** One listening TCP socket of the process: its local address (as the kernel shows it) and port. */
    public record Listener(String address, int port, boolean loopback) {
    }

    /** Every TCP socket the process listens on, read from /proc (Linux). */
    public List<Listener> listeners() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
                } catch (IOException closedMeanwhile) {
                    // descriptors come and go while we look
                }
            }
        }
        List<Listener> result = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path file = Path.of("/proc", Long.toString(pid()), "net", table);
            if (!Files.exists(file)) continue;
            List<String> rows = Files.readAllLines(file);
            for (String row : rows.subList(1, rows.size())) {
                String[] f = row.trim().split("\\s+");
                // f[1] local address:port in hex, f[3] state (0A = LISTEN), f[9] inode
                if (!f[3].equals("0A") || !inodes.contains(f[9])) continue;
                String[] local = f[1].split(":");
                result.add(new Listener(local[0], Integer.parseInt(local[1], 16), isLoopback(local[0])));
            }
        }
        return result;
    }

    /** 127.x.x.x (little-endian hex 0100007F, …7F) or ::1, also as ::ffff:127.x.x.x. */
    private static boolean isLoopback(String hex) {
        if (hex.length() == 8) return hex.endsWith("7F");
        return hex.equals("00000000000000000000000001000000")
                || (hex.startsWith("0000000000000000FFFF0000") && hex.endsWith("7F"));
    }

    /**
     * Stops the process as a service manager would (SIGTERM), waiting for it to exit and for all it wrote while
     * stopping (its shutdown log is in {@link #output()}); returns its exit code.
     */
    public int stop(Duration timeout) throws InterruptedException {
        // Process.destroy() would also close our end of its pipe, losing what it logs while it stops.
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("did not stop within " + timeout + " after SIGTERM; output:\n" + output());
        }
        reader.join(timeout.toMillis());
        return process.exitValue();
    }

    /** Waits for the process to end by itself and for all it wrote; returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout + "; output:\n" + output());
        }
        reader.join(timeout.toMillis());
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
