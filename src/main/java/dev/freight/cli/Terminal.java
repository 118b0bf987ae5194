package dev.freight.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Java cannot ask isatty(2) directly; on Linux the target of /proc/self/fd/2 tells. */
final class Terminal {
    private Terminal() {
    }

    static boolean isStderrTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return System.console() != null;
        }
    }
}
