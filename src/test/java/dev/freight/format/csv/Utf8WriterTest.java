package dev.freight.format.csv;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The CSV writer's UTF-8 encoder writes what OutputStreamWriter writes, byte for byte, however the text is cut. */
class Utf8WriterTest {
    private static final String HIGH = "\uD83D";
    private static final String LOW = "\uDE00";

    private interface Writing {
        void to(Writer w) throws IOException;
    }

    private static byte[] through(Writer writer, ByteArrayOutputStream bytes, Writing writing) throws IOException {
        writing.to(writer);
        writer.close();
        return bytes.toByteArray();
    }

    private static void sameAsOutputStreamWriter(Writing writing) throws IOException {
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        ByteArrayOutputStream jdk = new ByteArrayOutputStream();
        assertThat(through(new Utf8Writer(ours), ours, writing))
                .isEqualTo(through(new OutputStreamWriter(jdk, StandardCharsets.UTF_8), jdk, writing));
    }

    @Test
    void asciiAccentsCjkAndEmojiAreTheirUtf8Bytes() throws IOException {
        String text = "plain, café naïve Ωμέγα 東京 😀 end\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(through(new Utf8Writer(out), out, w -> w.write(text))).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSurrogatePairCutBetweenTwoWritesIsOneCharacter() throws IOException {
        sameAsOutputStreamWriter(w -> {
            w.write("a" + HIGH);
            w.write(LOW + "b");
        });
    }

    @Test
    void loneSurrogatesBecomeQuestionMarksAsTheJdkWritesThem() throws IOException {
        sameAsOutputStreamWriter(w -> w.write("x" + LOW + "y" + HIGH + "z" + HIGH + HIGH + LOW + "w"));
        sameAsOutputStreamWriter(w -> {
            w.write("tail" + HIGH);
            w.write("not a low half");
        });
        sameAsOutputStreamWriter(w -> w.write("ends with" + HIGH));
    }

    @Test
    void singleCharactersAndLongTextBeyondTheBufferCutAnywhere() throws IOException {
        Random random = new Random(13);
        String[] pieces = {"a", "Z", ",", "\"", "\n", "é", "ß", "Ω", "東", "😀", HIGH, LOW, "\u007F", "\u0080", "\u07FF",
                "\u0800", "\uFFFF"};
        StringBuilder text = new StringBuilder();
        while (text.length() < 300_000) text.append(pieces[random.nextInt(pieces.length)]);
        String all = text.toString();
        sameAsOutputStreamWriter(w -> {
            Random cuts = new Random(7);
            for (int from = 0; from < all.length(); ) {
                int n = Math.min(all.length() - from, cuts.nextInt(100_000) + 1);
                if (n == 1) {
                    w.write(all.charAt(from));
                } else if (cuts.nextBoolean()) {
                    w.write(all, from, n);
                } else {
                    w.write(all.toCharArray(), from, n);
                }
                from += n;
            }
        });
    }
}
