package dev.freight.error;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code error} imports nothing of Freight (package-info), so that every package may import it. */
class ErrorPackageImportsTest {
    private static final Pattern FREIGHT = Pattern.compile("\\bdev\\.freight\\.(?!error\\b)\\w+");

    @Test
    void errorUsesOnlyTheJdk() throws IOException {
        List<String> uses = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/freight/error"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = FREIGHT.matcher(Files.readString(f));
                while (m.find()) uses.add(f.getFileName() + ": " + m.group());
            }
        }
        assertThat(uses).isEmpty();
    }
}
