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
    void bcDatesAndTimestampsBecomeAstronomicalYears() throws IOException {
        List<ColumnType> types = List.of(ColumnType.DATE, ColumnType.TIMESTAMP, ColumnType.TIMESTAMP_TZ, ColumnType.DATE);
        assertThat(rewrite(types, true, false, "0044-03-15 BC,0044-03-15 10:00:00 BC,0001-01-01 00:00:00+00 BC,2024-01-01\n"))
                .isEqualTo("-0043-03-15,-0043-03-15T10:00:00,0000-01-01T00:00:00+00:00,2024-01-01\n");
    }

    /** A row cut inside a BC value (a row longer than the reading buffer) is finished by the byte-by-byte path. */
    @Test
    void aBcValueCutBetweenChunksIsRewrittenToo() throws IOException {
        CopyCsvRewriter rewriter = new CopyCsvRewriter(List.of(column(ColumnType.TIMESTAMP_TZ), column(ColumnType.DATE)),
                ',', true, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        rewriter.rewrite("0044-03-15 10:00".getBytes(StandardCharsets.US_ASCII), out);
        rewriter.rewrite(":00+00 BC,0001-01-0".getBytes(StandardCharsets.US_ASCII), out);
        rewriter.rewrite("1 BC\n".getBytes(StandardCharsets.US_ASCII), out);
        rewriter.flush(out);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("-0043-03-15T10:00:00+00:00,0000-01-01\n");
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

    /** What the byte-by-byte reference writes for the same rows, one chunk per row. */
    private static String reference(List<ColumnType> types, char delimiter, boolean sanitize, boolean crlf,
                                    String... copyRows) throws IOException {
        ByteByByteCopyCsvRewriter rewriter = new ByteByByteCopyCsvRewriter(
                types.stream().map(CopyCsvRewriterTest::column).toList(), delimiter, sanitize, crlf);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String row : copyRows) rewriter.rewrite(row.getBytes(StandardCharsets.UTF_8), out);
        rewriter.flush(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void consecutivePlainColumnsAreCopiedAsOneRunUpToTheFirstColumnToRewrite() throws IOException {
        List<ColumnType> types = List.of(ColumnType.INTEGER, ColumnType.DECIMAL, ColumnType.INTEGER, ColumnType.STRING,
                ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.BOOLEAN, ColumnType.INTEGER, ColumnType.TIMESTAMP_TZ);
        assertThat(rewrite(types, true, true, "1,-2.5,,=x,,7,t,-8,2024-01-01 00:00:00-05\n"))
                .isEqualTo("1,-2.5,,'=x,,7,true,-8,2024-01-01T00:00:00-05:00\r\n");
    }

    @Test
    void aQuotedValueAmongPlainColumnsEndsTheRunAndKeepsItsQuotes() throws IOException {
        List<ColumnType> types = List.of(ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.STRING);
        assertThat(rewrite(types, true, false, "1,\"2,\"\"x\"\"\n\",3,\"=a,b\"\n", "#1,\"\",,#=\n"))
                .isEqualTo("1,\"2,\"\"x\"\"\n\",3,\"'=a,b\"\n\"#1\",\"\",,#=\n");
    }

    @Test
    void aLeadingHashIsWrappedWhateverTheFirstColumnIs() throws IOException {
        for (ColumnType type : List.of(ColumnType.INTEGER, ColumnType.STRING, ColumnType.BOOLEAN, ColumnType.TIMESTAMP_TZ)) {
            List<ColumnType> types = List.of(type, ColumnType.INTEGER);
            assertThat(rewrite(types, true, false, "#t 1+02,#\n", "#,2\n"))
                    .as("%s", type).isEqualTo(reference(types, ',', true, false, "#t 1+02,#\n", "#,2\n"));
        }
    }

    @Test
    void textWithASeparatorOnlyInsideQuotesOrAfterTheFormulaIsLeftAlone() throws IOException {
        List<ColumnType> types = List.of(ColumnType.STRING, ColumnType.STRING, ColumnType.STRING);
        assertThat(rewrite(types, ';', true, false, "a,=1;\"b;=1\";=1,x\n"))
                .isEqualTo("\"a,=1\";\"b;=1\";'=1,x\n");
    }

    /**
     * Input PostgreSQL never sends, which the fast path hands over to the byte-by-byte state machine in the middle
     * of a value: a quote inside an unquoted value, bytes after a closing quote, a chunk ending inside a value.
     */
    @Test
    void irregularValuesAreRewrittenAsTheByteByByteReferenceDoes() throws IOException {
        List<ColumnType> types = List.of(ColumnType.STRING, ColumnType.INTEGER, ColumnType.BOOLEAN, ColumnType.TIMESTAMP_TZ,
                ColumnType.INTEGER, ColumnType.STRING);
        String[] rows = {
                "a\"b,c\",1\"2,t\"f\",2024-01-01 00:00:00\"+02\",\"1\"x,\"=a\"b\n",
                "\"x\"t,\"1\"\"\"2,\"t\"t,\"2024-01-01 00:00:00+02\"+02,1,=\"\"\n",
                "#\"=1\",1,tf,2024-01-01 00:00:00+0200,,\n"};
        CopyCsvRewriter rewriter = new CopyCsvRewriter(types.stream().map(CopyCsvRewriterTest::column).toList(), ',', true, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String row : rows) rewriter.rewrite(row.getBytes(StandardCharsets.UTF_8), out);
        rewriter.flush(out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(reference(types, ',', true, true, rows));
    }

    /**
     * The rewriter against the byte-by-byte reference on random rows of every kind of column, fed in random chunks:
     * a run, a quote, a delimiter, a {@code #}, a boolean or a timestamp's offset may fall at either end of a chunk.
     */
    @ParameterizedTest
    @ValueSource(chars = {',', ';', '\t', '|'})
    void writesWhatTheByteByByteReferenceWritesForRandomRowsCutAnywhere(char delimiter) throws IOException {
        java.util.Random random = new java.util.Random(13L * delimiter);
        ColumnType[] kinds = {ColumnType.INTEGER, ColumnType.DECIMAL, ColumnType.STRING, ColumnType.TEXT_LIKE,
                ColumnType.BOOLEAN, ColumnType.TIMESTAMP, ColumnType.TIMESTAMP_TZ};
        String[] pieces = {"a", "1", "-", "=", "+", "@", " ", "#", ",", ";", "\t", "|", "\n", "\r", "\"", "\"\"", "t", "f",
                "2024-01-01 00:00:00", "+02", "-05", "+05:30", "\u00a0", "\uff1d", "\ud83d\ude9a", "\u00e9"};
        for (int round = 0; round < 300; round++) {
            List<ColumnType> types = new ArrayList<>();
            for (int c = 1 + random.nextInt(6); c > 0; c--) types.add(kinds[random.nextInt(kinds.length)]);
            boolean sanitize = random.nextInt(4) > 0;
            boolean crlf = random.nextBoolean();
            StringBuilder input = new StringBuilder();
            for (int r = random.nextInt(8); r >= 0; r--) {
                for (int c = 0; c < types.size(); c++) {
                    if (c > 0) input.append(delimiter);
                    StringBuilder value = new StringBuilder();
                    for (int p = random.nextInt(5); p > 0; p--) value.append(pieces[random.nextInt(pieces.length)]);
                    String v = value.toString();
                    boolean needsQuotes = v.indexOf(delimiter) >= 0 || v.contains("\"") || v.contains("\n") || v.contains("\r");
                    int shape = random.nextInt(10);
                    if (shape == 0) {
                        // Irregular, as PostgreSQL never writes it: quotes and line feeds as they come (the quotes
                        // paired, and no bare delimiter, so that a row still has no more fields than columns).
                        String raw = v.replace(String.valueOf(delimiter), "");
                        input.append(raw);
                        if (raw.chars().filter(ch -> ch == '"').count() % 2 == 1) input.append('"');
                    } else if (needsQuotes || shape == 1) {
                        input.append('"').append(v.replace("\"", "\"\"")).append('"');
                    } else {
                        input.append(v);
                    }
                }
                input.append('\n');
            }
            byte[] bytes = input.toString().getBytes(StandardCharsets.UTF_8);
            List<Column> columns = types.stream().map(CopyCsvRewriterTest::column).toList();

            ByteByByteCopyCsvRewriter expectedRewriter = new ByteByByteCopyCsvRewriter(columns, delimiter, sanitize, crlf);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expectedRewriter.rewrite(bytes, expected);
            expectedRewriter.flush(expected);

            CopyCsvRewriter rewriter = new CopyCsvRewriter(columns, delimiter, sanitize, crlf);
            ByteArrayOutputStream actual = new ByteArrayOutputStream();
            for (int at = 0; at < bytes.length; ) {
                int n = 1 + random.nextInt(Math.min(bytes.length - at, random.nextBoolean() ? 4 : 64));
                byte[] padded = new byte[n + 6];
                System.arraycopy(bytes, at, padded, 3, n);
                rewriter.rewrite(padded, 3, n, actual);
                at += n;
            }
            rewriter.flush(actual);

            assertThat(FormulaCandidates.show(actual.toString(StandardCharsets.UTF_8)))
                    .as("round %d, %s, input %s", round, types, FormulaCandidates.show(input.toString()))
                    .isEqualTo(FormulaCandidates.show(expected.toString(StandardCharsets.UTF_8)));
        }
    }
}
