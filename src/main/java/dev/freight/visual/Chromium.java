package dev.freight.visual;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One headless Chromium process with its own fresh profile directory, driven over the DevTools protocol. It
 * listens on a random loopback port only; the port is read from the {@code DevToolsActivePort} file the browser
 * writes into its profile (its stderr goes to a file, so a chatty browser never blocks on a full pipe).
 */
final class Chromium implements AutoCloseable {
    /** The flags every browser runs with; the render page needs nothing beyond them. */
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--hide-scrollbars", "--mute-audio", "--disable-extensions", "--disable-sync", "--metrics-recording-only",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final Cdp cdp;

    private Chromium(Process process, Path profile, Cdp cdp) {
        this.process = process;
        this.profile = profile;
        this.cdp = cdp;
    }

    static Chromium launch(Path executable) {
        Path profile;
        try {
            profile = Files.createTempDirectory("freight-chromium-");
        } catch (IOException e) {
            throw new BrowserFailure("cannot create a browser profile directory: " + e.getMessage(), e);
        }
        Process process = null;
        try {
            List<String> command = new java.util.ArrayList<>();
            command.add(executable.toString());
            command.addAll(FLAGS);
            command.add("--user-data-dir=" + profile);
            command.add("about:blank");
            process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(profile.resolve("stderr.log").toFile()).start();
            URI endpoint = endpoint(process, profile);
            return new Chromium(process, profile, Cdp.connect(endpoint, START_TIMEOUT));
        } catch (IOException | RuntimeException e) {
            if (process != null) process.destroyForcibly();
            deleteQuietly(profile);
            if (e instanceof BrowserFailure f) throw f;
            throw new BrowserFailure("cannot start " + executable + ": " + e.getMessage(), e);
        }
    }

    /** Waits for the browser to write its DevTools port (or to die trying). */
    private static URI endpoint(Process process, Path profile) throws IOException {
        Path port = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(port)) {
                List<String> lines = Files.readAllLines(port, StandardCharsets.UTF_8);
                if (lines.size() >= 2 && !lines.get(1).isBlank()) {
                    return URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
                }
            }
            try {
                // The browser gives no other signal that it is up: a short wait between looks at the file.
                if (process.waitFor(25, TimeUnit.MILLISECONDS)) {
                    throw new BrowserFailure("the browser exited with status " + process.exitValue() + " at start: "
                            + tail(profile.resolve("stderr.log")), null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BrowserFailure("interrupted while starting the browser", e);
            }
        }
        throw new BrowserFailure("the browser did not open its DevTools port within " + START_TIMEOUT.toSeconds() + " s", null);
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8).strip();
            return s.length() > 300 ? s.substring(s.length() - 300) : s;
        } catch (IOException e) {
            return "(no output)";
        }
    }

    JsonNode send(String session, String method, Map<String, ?> params, Duration timeout) {
        if (!process.isAlive()) throw new BrowserFailure("the browser process is gone", null);
        return cdp.send(session, method, params, timeout);
    }

    boolean healthy() {
        return process.isAlive() && cdp.open();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        try {
            cdp.close();
        } catch (RuntimeException ignored) {
            // Closing anyway.
        }
        // The browser's helper processes (renderers, zygote) go with their parent's process tree.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteQuietly(profile);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // A file the browser still holds; the temp directory's cleanup takes it.
                }
            });
        } catch (IOException ignored) {
            // Already gone.
        }
    }
}
