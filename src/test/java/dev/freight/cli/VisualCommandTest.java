package dev.freight.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code freight export -f png}: a chart of a series drawn by a browser the command starts for it. */
class VisualCommandTest {
    @TempDir
    Path dir;

    @Test
    void aSeriesChartIsWrittenAsAPngOfTheRequestedSize() throws IOException {
        if (!Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new IllegalStateException("Chromium missing, CI=true");
            Assumptions.abort("Chromium is not installed (scripts/install-browser.sh)");
        }
        Path out = dir.resolve("chart.png");
        Cli.Run run = Cli.freight("export", "--demo", "--data-dir", dir.toString(), "--table", "orders", "-f", "png",
                "--series", "from=2024-01-01,to=2024-01-15,granularity=day,measure=sum:unit_price",
                "-O", "chart=bar", "-O", "width=400", "-O", "height=200", "-o", out.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        BufferedImage png = ImageIO.read(out.toFile());
        assertThat(png.getWidth()).isEqualTo(400);
        assertThat(png.getHeight()).isEqualTo(200);
        // Drawn, not written row by row: no "Exported 0 rows".
        assertThat(run.stderr()).containsPattern("Drew the png \\([0-9.]+ KiB\\) to " + java.util.regex.Pattern.quote(out.toString())
                + " in [0-9.]+ s").doesNotContain("rows");
    }

    @Test
    void aPictureWithoutASeriesIsOneLineAndExitTwo() {
        Cli.Run run = Cli.freight("export", "--demo", "--data-dir", dir.toString(), "--table", "orders", "-f", "png",
                "-o", dir.resolve("x.png").toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.stderr().strip()).startsWith("freight: error: --series: format png draws a chart of a series or a report");
    }
}
