package dev.freight.visual;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What counts as a blank capture: a widget's rectangle of one colour, wherever the rest of the page has ink. */
class BlankCaptureTest {
    @Test
    void aWidgetOfOneColourIsBlankEvenUnderATitle() throws IOException {
        BufferedImage img = page(400, 200);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.BLACK);
        g.drawString("Weekly sales", 10, 20);
        assertThat(ChromiumRenderer.blank(png(img), List.of(new int[]{0, 40, 200, 160}), 1)).isTrue();
    }

    @Test
    void aWidgetWithAnythingDrawnIsNot() throws IOException {
        BufferedImage img = page(400, 200);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(50, 100, 10, 40);
        assertThat(ChromiumRenderer.blank(png(img), List.of(new int[]{0, 40, 200, 160}), 1)).isFalse();
        // The rectangles are CSS pixels: at device scale 2 the bar lies at twice the coordinates.
        BufferedImage twice = page(800, 400);
        Graphics2D g2 = twice.createGraphics();
        g2.setColor(Color.BLUE);
        g2.fillRect(100, 200, 20, 80);
        assertThat(ChromiumRenderer.blank(png(twice), List.of(new int[]{0, 40, 200, 160}), 2)).isFalse();
        assertThat(ChromiumRenderer.blank(png(twice), List.of(new int[]{200, 0, 200, 200}), 2)).isTrue();
    }

    @Test
    void aWidgetMostlyBelowTheFoldIsNotJudgedByTheStripThatShows() throws IOException {
        BufferedImage img = page(400, 200);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(50, 40, 10, 100);
        // The second widget starts 12 px above the bottom edge: its visible strip is padding, of one colour.
        List<int[]> boxes = List.of(new int[]{0, 20, 400, 160}, new int[]{0, 188, 400, 300});
        assertThat(ChromiumRenderer.blank(png(img), boxes, 1)).isFalse();
        // Half in and uniform: judged, and blank.
        assertThat(ChromiumRenderer.blank(png(page(400, 200)), List.of(new int[]{0, 100, 400, 200}), 1)).isTrue();
    }

    @Test
    void withoutWidgetsTheWholePageCounts() throws IOException {
        assertThat(ChromiumRenderer.blank(png(page(100, 50)), List.of(), 1)).isTrue();
        assertThat(ChromiumRenderer.blank(new byte[]{1, 2, 3}, List.of(), 1)).as("not an image").isTrue();
    }

    private static BufferedImage page(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        return img;
    }

    private static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
