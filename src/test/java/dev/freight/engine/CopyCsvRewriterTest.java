package dev.freight.engine;

import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.format.FormatWriter;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;
import dev.freight.testing.FormulaCandidates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The byte-level rewrite of PostgreSQL's COPY CSV into Freight's CSV, row by row as CopyData messages arrive. */
class CopyCsvRewriterTest {

    private static Column column(ColumnType type) {
        return new Column(type.name().toLowerCase(), type, type.wireName(), Types.OTHER, true, 0, 0);
    }

    private static String rewrite(List<ColumnType> types, boolean sanitize, boolean crlf, String... copyRows) throws IOException {
        return rewrite(types, ',', sanitize, crlf, copyRows);
    }

    private static String rewrite(List<ColumnType> types, char delimiter, boolean sanitize, boolean crlf,
                                  String... copyRows) throws IOException {
        CopyCsvRewriter rewriter = new CopyCsvRewriter(types.stream().map(CopyCsvRewriterTest::column).toList(),
                delimiter, sanitize, crlf);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long rows = 0;
        for (String row : copyRows) rows += rewriter.rewrite(row.getBytes(StandardCharsets.UTF_8), out);
        rewriter.flush(out);
        assertThat(rows).isEqualTo(copyRows.length);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void booleansBecomeWords() throws IOException {
        assertThat(rewrite(List.of(ColumnType.BOOLEAN, ColumnType.BOOLEAN, ColumnType.BOOLEAN), true, false, "t,f,\n"))
                .isEqualTo("true,false,\n");
    }

    @Test
    void timestampsBecomeIsoWithFullOffsets() throws IOException {
        assertThat(rewrite(List.of(ColumnType.TIMESTAMP_TZ, ColumnType.TIMESTAMP_TZ, ColumnType.TIMESTAMP, ColumnType.TIMESTAMP_TZ),
                true, false, "2024-03-31 01:00:00+02,2024-01-01 00:00:00.5+05:30,2024-01-01 10:00:00,\n"))
                .isEqualTo("2024-03-31T01:00:00+02:00,2024-01-01T00:00:00.5+05:30,2024-01-01T10:00:00,\n");
    }

    @Test
    void negativeWholeHourOffsetsAreCompletedToo() throws IOException {
        assertThat(rewrite(List.of(ColumnType.TIMESTAMP_TZ), true, false, "2024-11-03 01:30:00-05\n"))
                .isEqualTo("2024-11-03T01:30:00-05:00\n");
    }

    @Test
    void formulaTextIsNeutralisedQuotedOrNot() throws IOException {
        List<ColumnType> types = List.of(ColumnType.STRING, ColumnType.STRING, ColumnType.STRING, ColumnType.DECIMAL);
        assertThat(rewrite(types, true, false, "=SUM(A1),\"-a, b\",@x,-5.25\n"))
                .isEqualTo("'=SUM(A1),\"'-a, b\",'@x,-5.25\n");
    }

    @Test
    void leadingBlanksBeforeEqualsAndFullWidthEqualsAreNeutralisedQuotedOrNot() throws IOException {
        // Issue 11.14: written unchanged before; LibreOffice with "Trim spaces" ran " =1+1" as a formula.
        List<ColumnType> types = List.of(ColumnType.STRING, ColumnType.STRING, ColumnType.STRING, ColumnType.STRING);
        assertThat(rewrite(types, true, false, " =1,\"\u00a0=a, b\",\uff1d1+1,\"\n@x\"\n"))
                .isEqualTo("' =1,\"'\u00a0=a, b\",'\uff1d1+1,\"'\n@x\"\n");
    }

    @Test
    void aFormulaBehindASemicolonOrTabIsQuotedSoThatNoImporterSplitsItOff() throws IOException {
        List<ColumnType> types = List.of(ColumnType.STRING, ColumnType.STRING, ColumnType.STRING, ColumnType.INTEGER);
        assertThat(rewrite(types, true, false, "a;=1,\t=1,a;b,-1\n"))
                .isEqualTo("\"a;=1\",\"'\t=1\",a;b,-1\n");
        assertThat(rewrite(List.of(ColumnType.STRING), false, false, "a;=1\n")).isEqualTo("a;=1\n");
    }

    @Test
    void aLeadingHashValueIsQuotedOnceAndStillNeutralised() throws IOException {
        assertThat(rewrite(List.of(ColumnType.STRING, ColumnType.STRING), true, false, "#a;=1,#b\n"))
                .isEqualTo("\"#a;=1\",#b\n");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyFormulaCandidateIsWrittenAsSpelledOut(boolean textFirst) throws IOException {
        List<ColumnType> types = textFirst ? List.of(ColumnType.STRING, ColumnType.INTEGER)
                : List.of(ColumnType.INTEGER, ColumnType.STRING);
        List<String> actual = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (String candidate : FormulaCandidates.ALL) {
            String text = FormulaCandidates.copyField(candidate, ',');
            String field = FormulaCandidates.CSV_FIELD.get(candidate);
            actual.add(FormulaCandidates.show(rewrite(types, true, false, textFirst ? text + ",1\n" : "1," + text + "\n")));
            expected.add(FormulaCandidates.show(textFirst ? field + ",1\n" : "1," + field + "\n"));
        }
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    /**
     * The rewriter against the CSV writer of the cursor path, byte for byte, for every character of the BMP in
     * each place the formula rule looks at, first column or not, with each delimiter COPY is used with.
     */
    @ParameterizedTest
    @ValueSource(chars = {',', ';', '\t', '|'})
    void writesWhatTheCsvWriterWritesForEveryCharacter(char delimiter) throws IOException {
        List<String> values = new ArrayList<>(FormulaCandidates.ALL);
        values.addAll(List.of("\ud83d\ude9a=1", "a;\ud83d\ude9a=1", "", "x\"y", "\"=1\""));
        for (int c = 0; c <= 0xFFFF; c++) {
            if (Character.isSurrogate((char) c) || c == 0) continue;
            String ch = String.valueOf((char) c);
            values.addAll(List.of(ch, ch + "=1", ch + "x", "a;" + ch + "-1"));
        }
        List<ColumnType> types = List.of(ColumnType.STRING, ColumnType.INTEGER, ColumnType.STRING);
        List<String> copyRows = new ArrayList<>();
        List<Object[]> rows = new ArrayList<>();
        for (String v : values) {
            String field = FormulaCandidates.copyField(v, delimiter);
            copyRows.add(field + delimiter + "1" + delimiter + field + "\n");
            rows.add(new Object[]{v, 1L, v});
        }

        String rewritten = rewrite(types, delimiter, true, true, copyRows.toArray(String[]::new));

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        FormatWriter writer = ExportFormat.CSV.writer(out, types.stream().map(CopyCsvRewriterTest::column).toList(),
                List.of("a", "b", "c"), FormatOptions.parse(ExportFormat.CSV,
                        Map.of("header", false, "delimiter", String.valueOf(delimiter))), null);
        writer.begin();
        for (Object[] row : rows) writer.writeRow(row);
        writer.finish();
        String written = out.toString(StandardCharsets.UTF_8);

        if (!rewritten.equals(written)) {
            // The first differing row, with its blanks and invisible characters spelled out.
            List<String> a = rewritten.lines().toList();
            List<String> b = written.lines().toList();
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                assertThat(FormulaCandidates.show(a.get(i))).as("line %d", i).isEqualTo(FormulaCandidates.show(b.get(i)));
            }
            assertThat(rewritten).isEqualTo(written);
        }
    }

    @Test
    void formulaTextIsKeptWhenNeutralisationIsOff() throws IOException {
        assertThat(rewrite(List.of(ColumnType.STRING), false, false, "=1+1\n")).isEqualTo("=1+1\n");
    }

    @Test
    void delimitersLineFeedsAndQuotesInsideValuesAreData() throws IOException {
        List<ColumnType> types = List.of(ColumnType.STRING, ColumnType.BOOLEAN);
        assertThat(rewrite(types, true, true, "\"a,\nb \"\"t\"\"\",t\n", "\"\"\"=x\"\"\",f\n"))
                .isEqualTo("\"a,\nb \"\"t\"\"\",true\r\n\"\"\"=x\"\"\",false\r\n");
    }

    @Test
    void emptyStringAndNullStayDistinct() throws IOException {
        assertThat(rewrite(List.of(ColumnType.STRING, ColumnType.STRING, ColumnType.TIMESTAMP_TZ), true, false, "\"\",,\n"))
                .isEqualTo("\"\",,\n");
    }

    @Test
    void bigRowsGrowTheBuffer() throws IOException {
        char[] big = new char[200_000];
        Arrays.fill(big, 't');
        String row = String.join(",", java.util.Collections.nCopies(50_000, "t")) + "\n";
        List<ColumnType> types = java.util.Collections.nCopies(50_000, ColumnType.BOOLEAN);
        assertThat(rewrite(types, true, false, row)).hasSize(50_000 * 5);
    }
}
