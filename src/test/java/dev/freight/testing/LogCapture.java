package dev.freight.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What the JVM's loggers print while it is open. slf4j-simple writes each line to whatever {@code System.err} is at
 * that moment, so this swaps in a stream that keeps a copy (and still shows the lines in the test output).
 * {@code System.err} is process-wide: open one at a time, and close it before the next.
 */
public final class LogCapture implements AutoCloseable {
    private final PrintStream original;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    private LogCapture() {
        original = System.err;
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (copy) {
                    copy.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (copy) {
                    copy.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** The lines logged so far. */
    public List<String> lines() {
        String text;
        synchronized (copy) {
            text = copy.toString(StandardCharsets.UTF_8);
        }
        return text.isEmpty() ? List.of() : Arrays.stream(text.split("\\R")).filter(l -> !l.isEmpty()).toList();
    }

    /** The lines a logger wrote at a level, e.g. {@code at("WARN", "dev.freight.job.JobRunner")}. */
    public List<String> at(String level, String logger) {
        return messages(lines(), level, logger);
    }

    private static List<String> messages(List<String> lines, String level, String logger) {
        // slf4j-simple: "[thread] LEVEL logger - message", with a date in front when showDateTime is on.
        String marker = "] " + level + " " + logger + " - ";
        return lines.stream().filter(l -> l.contains(marker)).map(l -> l.substring(l.indexOf(marker) + marker.length()))
                .toList();
    }

    /**
     * Waits for the first line of {@code logger} at {@code level} whose message contains {@code text}, and returns
     * its message: a log line may come a moment after the state change a test waits for.
     */
    public String await(String level, String logger, String text, Duration timeout) {
        List<String> logged = Await.until("a " + level + " line of " + logger + " containing '" + text + "'", timeout,
                this::lines, lines -> messages(lines, level, logger).stream().anyMatch(m -> m.contains(text)));
        return messages(logged, level, logger).stream().filter(m -> m.contains(text)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
    }
}
