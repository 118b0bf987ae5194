package dev.freight.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Runs {@code freight} in-process the way the launcher does, with standard error captured. */
final class Cli {
    private Cli() {
    }

    record Run(int exit, String stderr) {
        /** Standard error as the user reads it: lines, with progress-bar carriage returns left in place. */
        List<String> lines() {
            return stderr.isEmpty() ? List.of() : Arrays.asList(stderr.split("\\R", -1)).stream()
                    .filter(l -> !l.isEmpty()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + ", stderr:\n" + stderr;
        }
    }

    /** System.err is process-wide, so runs are serialised. */
    static synchronized Run freight(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.run(args);
        } finally {
            System.err.flush();
            System.setErr(original);
        }
        return new Run(exit, captured.toString(StandardCharsets.UTF_8));
    }

    /** A run with standard output and standard error captured apart. */
    record Output(int exit, String out, String err) {
    }

    static synchronized Output capture(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.run(args);
            return new Output(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
