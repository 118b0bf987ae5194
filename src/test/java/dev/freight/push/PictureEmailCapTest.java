package dev.freight.push;

import dev.freight.format.ExportFormat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the email of a picture spends email.max_attachment_bytes on the job's file and its other picture (the PNG
 * shown, the PDF attached), and what the other picture is called. The messages themselves are read back from a real
 * SMTP server in DeliveryHttpTest.
 */
class PictureEmailCapTest {
    static final long CAP = 100_000;

    @Test
    void bothAreCarriedWhenTogetherTheyAreWithinTheCap() {
        assertThat(Deliverer.carriesOther(60_000, 40_000L, CAP)).isTrue();
    }

    @Test
    void theOtherPictureIsLeftOutWhenWithTheJobsFileItPassesTheCap() {
        assertThat(Deliverer.carriesOther(60_000, 40_001L, CAP)).isFalse();
    }

    @Test
    void theOtherPictureIsCarriedAloneWhenTheJobsFileIsALink() {
        assertThat(Deliverer.carriesOther(CAP + 1, 90_000L, CAP)).isTrue();
        assertThat(Deliverer.carriesOther(CAP + 1, CAP + 1, CAP)).isFalse();
    }

    @Test
    void noOtherPictureIsCarriedWhenNoneWasDrawn() {
        assertThat(Deliverer.carriesOther(1_000, null, CAP)).isFalse();
    }

    @Test
    void theOtherPictureIsCalledAsTheJobsFileWithItsOwnExtension() {
        assertThat(Deliverer.otherFileName("daily_sales-20261130-080000-abc.png", ExportFormat.PDF_VISUAL))
                .isEqualTo("daily_sales-20261130-080000-abc.pdf");
        assertThat(Deliverer.otherFileName("sales-20261130-080000-abc.pdf", ExportFormat.PNG))
                .isEqualTo("sales-20261130-080000-abc.png");
    }
}
