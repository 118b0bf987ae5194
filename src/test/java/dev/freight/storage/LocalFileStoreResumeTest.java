package dev.freight.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A stopped upload of the local store continued by the next run, from what reached the file. */
class LocalFileStoreResumeTest {
    @TempDir
    Path dir;

    @Test
    void aSuspendedPartIsContinuedFromItsStoredBytesInANewPartAndTheOldOneGoes() throws Exception {
        LocalFileStore store = new LocalFileStore(dir);
        FileStore.Upload first = store.create("job1");
        OutputStream out = first.stream();
        out.write("header\nrow 1\nrow 2\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        FileStore.Stored stored = first.stored().orElseThrow();
        out.write("row 3 never checkpointed\n".getBytes(StandardCharsets.UTF_8));
        first.suspend();
        assertThat(stored.bytes()).isEqualTo(19);

        FileStore.Upload continued = new LocalFileStore(dir).resume("job1", new FileStore.Stored(13, stored.upload()))
                .orElseThrow();
        assertThat(continued.stored().orElseThrow().bytes()).isEqualTo(13);
        assertThat(continued.stored().orElseThrow().upload()).isNotEqualTo(stored.upload());
        continued.stream().write("row 2\nrow 3\n".getBytes(StandardCharsets.UTF_8));
        continued.publish();

        assertThat(Files.readString(dir.resolve("job1"))).isEqualTo("header\nrow 1\nrow 2\nrow 3\n");
        assertThat(store.parts()).isEmpty();
    }

    @Test
    void aPartThatIsGoneShorterOrNotThisJobsIsNotContinued() throws Exception {
        LocalFileStore store = new LocalFileStore(dir);
        FileStore.Upload first = store.create("job1");
        first.stream().write(new byte[100]);
        first.stream().flush();
        String part = first.stored().orElseThrow().upload();
        first.suspend();

        assertThat(store.resume("job1", new FileStore.Stored(101, part))).isEmpty();
        assertThat(store.resume("job2", new FileStore.Stored(50, part))).isEmpty();
        assertThat(store.resume("job1", new FileStore.Stored(50, "../job1.0.part"))).isEmpty();
        assertThat(store.resume("job1", new FileStore.Stored(50, "job1.abc.part"))).isEmpty();
        assertThat(store.parts()).hasSize(1);
    }
}
