package dev.freight.cli;

import dev.freight.engine.ExportProgress;
import dev.freight.engine.ExportResult;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The live progress line and the closing summary: what they say, and that the bar leaves no debris behind. */
class ProgressBarTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void withAKnownTotalShowsBarPercentRowsRateBytesElapsedAndEta() {
        String line = ProgressBar.render(new ExportProgress(25_000, 3 * 1024 * 1024, 5 * SECOND), OptionalLong.of(100_000));
        assertThat(line).startsWith("[" + "#".repeat(6) + ".".repeat(18) + "]")
                .contains(" 25% ")
                .contains("25,000/100,000 rows")
                .contains("5,000 rows/s")
                .contains("3.0 MiB")
                .contains("5.0 s")
                .endsWith("ETA 15.0 s");
    }

    @Test
    void withoutATotalShowsNoBarNoPercentAndNoEta() {
        String line = ProgressBar.render(new ExportProgress(1_234_567, 900, 2 * SECOND), OptionalLong.empty());
        assertThat(line).startsWith("1,234,567 rows").contains("617,283 rows/s").contains("900 B").contains("2.00 s")
                .doesNotContain("[").doesNotContain("%").doesNotContain("ETA");
    }

    @Test
    void aZeroTotalIsTreatedAsUnknown() {
        String line = ProgressBar.render(new ExportProgress(10, 100, SECOND), OptionalLong.of(0));
        assertThat(line).startsWith("10 rows").doesNotContain("%");
    }

    @Test
    void finishedExportShowsAFullBarAndNoEta() {
        String line = ProgressBar.render(new ExportProgress(100_000, 10 * 1024 * 1024, 2 * SECOND), OptionalLong.of(100_000));
        assertThat(line).startsWith("[" + "#".repeat(24) + "] 100% 100,000/100,000 rows").doesNotContain("ETA");
    }

    /** Estimates can be low (a table that grew, planner statistics): the bar stops at 100 % rather than overflow. */
    @Test
    void moreRowsThanEstimatedCapsTheBarAtOneHundredPercent() {
        String line = ProgressBar.render(new ExportProgress(150, 1024, SECOND), OptionalLong.of(100));
        assertThat(line).startsWith("[" + "#".repeat(24) + "] 100% 150/100 rows").doesNotContain("ETA");
    }

    @Test
    void noEtaBeforeAnyRateIsKnown() {
        String line = ProgressBar.render(new ExportProgress(0, 0, 0), OptionalLong.of(1_000));
        assertThat(line).contains("  0% 0/1,000 rows").contains("0 rows/s").contains("0 B").doesNotContain("ETA");
    }

    @Test
    void longEtaIsShownInHoursMinutesAndSeconds() {
        String line = ProgressBar.render(new ExportProgress(1_000, 1024, 1_000 * SECOND), OptionalLong.of(10_000));
        assertThat(line).contains("16:40").endsWith("ETA 2:30:00");
    }

    @Test
    void eachUpdateOverwritesTheLineAndClearLeavesItBlank() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressBar bar = new ProgressBar(err, OptionalLong.empty());

        bar.update(new ExportProgress(123_456_789, 5L * 1024 * 1024 * 1024, 100 * SECOND));
        bar.update(new ExportProgress(9, 9, SECOND));
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertThat(drawn).doesNotContain("\n");
        assertThat(TerminalScreen.render(drawn)).as("the shorter second line hides all of the first")
                .containsExactly(ProgressBar.render(new ExportProgress(9, 9, SECOND), OptionalLong.empty()));

        bar.clear();
        err.print("Exported 9 rows");
        assertThat(TerminalScreen.render(bytes.toString(StandardCharsets.UTF_8))).containsExactly("Exported 9 rows");
    }

    @Test
    void clearBeforeAnyUpdatePrintsNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), OptionalLong.of(5)).clear();
        assertThat(bytes.size()).isZero();
    }

    @Test
    void summaryLineSaysRowsBytesDestinationTimeAndRate() {
        assertThat(Summary.line(new ExportResult(1_234, 2_048, 1_500_000_000L, false), "out.csv"))
                .isEqualTo("Exported 1,234 rows (2.0 KiB) to out.csv in 1.50 s, 822 rows/s");
        assertThat(Summary.line(new ExportResult(0, 0, 0, true), "stdout"))
                .isEqualTo("Exported 0 rows (0 B) to stdout in 0.00 s, 0 rows/s [PostgreSQL COPY]");
        assertThat(Summary.line(new ExportResult(0, 0, 0, ExportResult.Path.MARIADB_TEXT_CSV), "stdout"))
                .isEqualTo("Exported 0 rows (0 B) to stdout in 0.00 s, 0 rows/s [MariaDB text rows]");
    }

    @Test
    void byteCountsChangeUnitAtEachPowerOf1024() {
        assertThat(Summary.bytes(1023)).isEqualTo("1023 B");
        assertThat(Summary.bytes(1024)).isEqualTo("1.0 KiB");
        assertThat(Summary.bytes(1024 * 1024)).isEqualTo("1.0 MiB");
        assertThat(Summary.bytes(3L * 1024 * 1024 * 1024 / 2)).isEqualTo("1.50 GiB");
    }

    @Test
    void durationsUseSecondsUnderAMinuteThenClockNotation() {
        assertThat(Summary.duration(59_940_000_000L)).isEqualTo("59.9 s");
        assertThat(Summary.duration(61 * SECOND)).isEqualTo("1:01");
        assertThat(Summary.duration(3_600 * SECOND + 62 * SECOND)).isEqualTo("1:01:02");
    }
}
