package dev.freight.format;

import dev.freight.source.Column;
import dev.freight.source.ColumnType;
import dev.freight.testing.FormulaCandidates;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The CSV/TSV formula rule as the CSV writer applies it, and its byte form (the COPY rewriter's) against it. */
class FormulaGuardTest {

    private static Column column(String name, ColumnType type) {
        return new Column(name, type, type.wireName(), Types.OTHER, true, 0, 0);
    }

    /** One CSV file without header, LF line ends: a column {@code cell} of the given type. */
    private static String csv(ColumnType type, Map<String, Object> options, Object... cells) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, Object> all = new java.util.HashMap<>(options);
        all.put("header", false);
        all.put("line_ending", "lf");
        FormatWriter writer = ExportFormat.CSV.writer(out, List.of(column("cell", type)), List.of("cell"),
                FormatOptions.parse(ExportFormat.CSV, all), null);
        try {
            writer.begin();
            for (Object cell : cells) writer.writeRow(new Object[]{cell});
            writer.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void leadingSpacesBeforeEqualsAndFullWidthEqualsAreNeutralised() {
        // Issue 11.14: both were written unchanged, and LibreOffice with "Trim spaces" ran " =1+1" as a formula.
        assertThat(csv(ColumnType.STRING, Map.of(), " =1+1", "  =1+1", "\uff1d1+1", "\u3000=1+1"))
                .isEqualTo("' =1+1\n'  =1+1\n'\uff1d1+1\n'\u3000=1+1\n");
    }

    @Test
    void aFormulaBehindACommaSemicolonOrTabKeepsTheCellWholeInQuotes() {
        assertThat(csv(ColumnType.STRING, Map.of("delimiter", "|"), "a;=1+1", "a,=1+1", "a\t=1+1", "\t=1+1", "a;b"))
                .isEqualTo("\"a;=1+1\"\n\"a,=1+1\"\n\"a\t=1+1\"\n\"'\t=1+1\"\na;b\n");
    }

    @Test
    void everyCandidateIsWrittenAsSpelledOut() {
        List<String> lines = new ArrayList<>();
        for (String candidate : FormulaCandidates.ALL) {
            String written = csv(ColumnType.STRING, Map.of(), candidate);
            lines.add(FormulaCandidates.show(candidate) + " -> " + FormulaCandidates.show(written.substring(0, written.length() - 1)));
        }
        List<String> expected = FormulaCandidates.CSV_FIELD.entrySet().stream()
                .map(e -> FormulaCandidates.show(e.getKey()) + " -> " + FormulaCandidates.show(e.getValue())).toList();
        assertThat(lines).containsExactlyElementsOf(expected);
    }

    @Test
    void numbersAreNeverTouchedOnlyText() {
        assertThat(csv(ColumnType.INTEGER, Map.of(), -5L)).isEqualTo("-5\n");
        assertThat(csv(ColumnType.DECIMAL, Map.of(), new BigDecimal("-5.25"))).isEqualTo("-5.25\n");
        assertThat(csv(ColumnType.STRING, Map.of(), "-5", " -5")).isEqualTo("'-5\n' -5\n");
    }

    @Test
    void turningNeutralisationOffWritesTextAsItIsWithPlainRfc4180Quoting() {
        assertThat(csv(ColumnType.STRING, Map.of("sanitize_formulas", false), " =1+1", "a;=1+1", "\uff1d1"))
                .isEqualTo(" =1+1\na;=1+1\n\uff1d1\n");
    }

    @Test
    void headerLabelsFollowTheSameRule() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FormatWriter writer = ExportFormat.CSV.writer(out, List.of(column("a", ColumnType.INTEGER),
                column("b", ColumnType.INTEGER)), List.of(" =x", "n;=y"), FormatOptions.defaults(ExportFormat.CSV), null);
        try {
            writer.begin();
            writer.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("' =x,\"n;=y\"\r\n");
    }

    /**
     * The COPY rewriter applies the byte form of the rule to UTF-8; it must decide as the string form does for
     * every character in every position the rule looks at.
     */
    @Test
    void byteRulesDecideAsStringRulesForEveryCharacter() {
        List<String> disagreements = new ArrayList<>();
        List<String> emoji = List.of("\ud83d\ude9a", "\ud83d\ude9a=1", ";\ud83d\ude9a=1", "\ud83d\ude9a;=1");
        for (String s : emoji) check(s, disagreements);
        for (int c = 0; c <= 0xFFFF; c++) {
            if (Character.isSurrogate((char) c)) continue;
            String ch = String.valueOf((char) c);
            for (String s : List.of(ch, ch + "=1", ch + "x", ch + ch + "@", ch + "\u3000\uff0b", "a;" + ch + "-1",
                    "a" + ch + "=1", ";" + ch, "x" + ch)) {
                check(s, disagreements);
            }
        }
        assertThat(disagreements).isEmpty();
    }

    private static void check(String s, List<String> disagreements) {
        byte[] b = ("..." + s + "...").getBytes(StandardCharsets.UTF_8);
        int from = 3;
        int to = b.length - 3;
        if (FormulaGuard.isDangerous(s) != FormulaGuard.isDangerous(b, from, to)) {
            disagreements.add("isDangerous " + FormulaCandidates.show(s));
        }
        if (FormulaGuard.hidesFormulaAfterSplit(s) != FormulaGuard.hidesFormulaAfterSplit(b, from, to)) {
            disagreements.add("hidesFormulaAfterSplit " + FormulaCandidates.show(s));
        }
    }

    @Test
    void blanksAreSkippedOnlyBeforeTheFirstVisibleCharacter() {
        assertThat(FormulaGuard.isDangerous("\n\u00a0\u2003\u200b\ufeff-")).isTrue();
        assertThat(FormulaGuard.isDangerous("a =1")).isFalse();
        assertThat(FormulaGuard.isDangerous("\u3000x")).isFalse();
        assertThat(FormulaGuard.isDangerous("\tx")).as("OWASP: a leading tab, whatever follows").isTrue();
        assertThat(FormulaGuard.isDangerous("\rx")).isTrue();
        assertThat(FormulaGuard.isDangerous("")).isFalse();
        assertThat(FormulaGuard.hidesFormulaAfterSplit("a;x =1")).isFalse();
        assertThat(FormulaGuard.hidesFormulaAfterSplit("a;\u00a0\t-1")).isTrue();
        assertThat(FormulaGuard.hidesFormulaAfterSplit("=a b")).as("the start is isDangerous' business").isFalse();
    }
}
