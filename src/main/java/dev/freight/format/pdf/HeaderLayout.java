package dev.freight.format.pdf;

import com.lowagie.text.SplitCharacter;
import com.lowagie.text.pdf.DefaultSplitCharacter;
import com.lowagie.text.pdf.PdfChunk;

import java.util.ArrayList;
import java.util.List;

/**
 * Column widths and header font size of the PDF table, chosen so that no header breaks inside a word
 * ({@code customer_i} / {@code d}). In order of preference:
 * <ol>
 *   <li>every header word (text between spaces; {@code customer_id} is one word) fits on a line, at the body size
 *   or down to {@value #WHOLE_WORD_SHRINK} of it;</li>
 *   <li>headers wrap at underscores and hyphens too ({@code quarterly_} / {@code revenue_}), down to
 *   {@value #MIN_SIZE} pt;</li>
 *   <li>at {@value #MIN_SIZE} pt, pieces still too wide for their column are abbreviated with "…".</li>
 * </ol>
 * Columns get their share of the page by type weight, never less than their header needs and, when the page has
 * room for it, never less than the smaller of that share and the widest word of their first rows: headers take
 * room from columns that have some to spare, not from values that fitted before. CJK text may break between any
 * two characters, as it does in print.
 */
record HeaderLayout(float[] widths, float fontSize, String[] headers) {
    /** Left and right cell padding, in points. */
    static final float PADDING = 3f;
    static final float MIN_SIZE = 6f;
    static final float WHOLE_WORD_SHRINK = 0.8f;
    /** Room for the stroke of the simulated bold and for rounding, in points. */
    private static final float SLACK = 1f;
    private static final String ELLIPSIS = "…";

    /**
     * Header lines may end after an underscore or an ellipsis as well as where OpenPDF breaks by default (spaces,
     * hyphens, between CJK characters), and nowhere else.
     */
    static final SplitCharacter SPLIT = new DefaultSplitCharacter() {
        @Override
        public boolean isSplitCharacter(int start, int current, int end, char[] cc, PdfChunk[] ck) {
            char c = getCurrentCharacter(current, cc, ck);
            return c == '_' || c == '…' || super.isSplitCharacter(start, current, end, cc, ck);
        }
    };

    /** The width in points of a text as the report sets it, at a font size. */
    interface Measure {
        float width(String text, float size);
    }

    /** {@code dataWords}: per column, the widest word of its first rows, in points at the body {@code size}. */
    static HeaderLayout of(String[] headers, float[] weights, float[] dataWords, float available, float size,
                           Measure measure) {
        int n = headers.length;
        float pad = 2 * PADDING + SLACK;
        float weightSum = 0;
        for (float w : weights) weightSum += w;
        float[] data = new float[n];
        for (int i = 0; i < n; i++) data[i] = Math.min(dataWords[i] + pad, available * weights[i] / weightSum);
        float smallest = Math.min(size, MIN_SIZE);
        float[] floors = {Math.max(smallest, size * WHOLE_WORD_SHRINK), smallest};
        for (int level = 0; level < 2; level++) {
            boolean atUnderscores = level == 1;
            // Widths are proportional to the font size: measured once at 1 pt.
            float[] unit = new float[n];
            float sum = 0;
            for (int i = 0; i < n; i++) {
                for (String piece : pieces(headers[i], atUnderscores)) {
                    unit[i] = Math.max(unit[i], width(piece, 1f, measure));
                }
                sum += unit[i];
            }
            float fits = sum == 0 ? size : (available - n * pad) / sum;
            float s = Math.min(size, fits);
            if (s >= floors[level]) {
                float[] mins = new float[n];
                float[] withData = new float[n];
                float total = 0;
                for (int i = 0; i < n; i++) {
                    mins[i] = unit[i] * s + pad;
                    withData[i] = Math.max(mins[i], data[i]);
                    total += withData[i];
                }
                return new HeaderLayout(share(weights, total <= available ? withData : mins, available), s,
                        headers.clone());
            }
        }
        // Too many columns for their names even so: columns in proportion to their needs, pieces abbreviated.
        float[] mins = new float[n];
        float sum = 0;
        for (int i = 0; i < n; i++) {
            for (String piece : pieces(headers[i], true)) {
                mins[i] = Math.max(mins[i], width(piece, smallest, measure));
            }
            mins[i] += pad;
            sum += mins[i];
        }
        String[] shown = new String[n];
        for (int i = 0; i < n; i++) {
            mins[i] *= available / sum;
            StringBuilder b = new StringBuilder();
            for (String piece : pieces(headers[i], true)) {
                b.append(abbreviated(piece, mins[i] - pad, smallest, measure));
            }
            shown[i] = b.toString();
        }
        return new HeaderLayout(mins, smallest, shown);
    }

    /**
     * Widths summing to {@code available}, in proportion to {@code weights} except that no column gets less than its
     * minimum: columns below it are set to it and the rest is shared again among the others.
     */
    static float[] share(float[] weights, float[] mins, float available) {
        int n = weights.length;
        float[] widths = new float[n];
        boolean[] atMin = new boolean[n];
        boolean changed = true;
        while (changed) {
            changed = false;
            float rest = available;
            float weight = 0;
            for (int i = 0; i < n; i++) {
                if (atMin[i]) rest -= mins[i];
                else weight += weights[i];
            }
            for (int i = 0; i < n; i++) {
                if (atMin[i]) {
                    widths[i] = mins[i];
                    continue;
                }
                widths[i] = rest * weights[i] / weight;
                if (widths[i] < mins[i]) {
                    atMin[i] = true;
                    changed = true;
                }
            }
        }
        return widths;
    }

    /**
     * The pieces of a header between the places a line may end (see {@link #SPLIT}), each with its trailing
     * breaking character (a space included: {@link #width} leaves it out, as a line end drops it). Without
     * {@code atUnderscores} a word is kept whole across underscores.
     */
    static List<String> pieces(String header, boolean atUnderscores) {
        List<String> pieces = new ArrayList<>();
        char[] cc = header.toCharArray();
        int from = 0;
        for (int i = 0; i < cc.length; i++) {
            boolean split = atUnderscores ? SPLIT.isSplitCharacter(0, i, cc.length, cc, null)
                    : cc[i] != '_' && DefaultSplitCharacter.DEFAULT.isSplitCharacter(0, i, cc.length, cc, null);
            if ((split && !Character.isHighSurrogate(cc[i])) || i == cc.length - 1) {
                pieces.add(new String(cc, from, i + 1 - from));
                from = i + 1;
            }
        }
        return pieces;
    }

    private static float width(String piece, float size, Measure measure) {
        return measure.width(piece.stripTrailing(), size);
    }

    /** {@code piece} as is if it fits in {@code room} points, else its longest head that fits with "…". */
    private static String abbreviated(String piece, float room, float size, Measure measure) {
        if (width(piece, size, measure) <= room) return piece;
        String word = piece.stripTrailing();
        String gap = piece.substring(word.length());
        int end = word.length();
        while (end > 0) {
            end = word.offsetByCodePoints(end, -1);
            String head = word.substring(0, end) + ELLIPSIS;
            if (measure.width(head, size) <= room) return head + gap;
        }
        return ELLIPSIS + gap;
    }
}
