package dev.freight.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Named copies (storage deliveries) in a local directory: whole, in place, replaced, never outside it. */
class LocalFileStoreNamedCopyTest {
    @TempDir
    Path dir;

    @Test
    void aCopyAppearsUnderItsNameAndReplacesAnEarlierOneLeavingNoPart() throws Exception {
        LocalFileStore store = new LocalFileStore(dir);
        store.putNamed("orders/2026/11/30/weekly.csv", new ByteArrayInputStream("a,b\n".getBytes(StandardCharsets.UTF_8)), 4);
        store.putNamed("orders/2026/11/30/weekly.csv", new ByteArrayInputStream("c,d,e\n".getBytes(StandardCharsets.UTF_8)), 6);
        Path copy = dir.resolve("orders/2026/11/30/weekly.csv");
        assertThat(Files.readString(copy)).isEqualTo("c,d,e\n");
        try (var files = Files.list(copy.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("weekly.csv");
        }
    }

    @Test
    void aNameThatLeavesTheDirectoryIsRefused() throws Exception {
        LocalFileStore store = new LocalFileStore(dir.resolve("target"));
        for (String name : new String[]{"../outside.csv", "/etc/passwd", "a/../../b.csv", "a//b.csv", "a\\\\b.csv", ""}) {
            assertThatThrownBy(() -> store.putNamed(name, new ByteArrayInputStream(new byte[1]), 1)).as(name)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("target");
        }
    }
}
