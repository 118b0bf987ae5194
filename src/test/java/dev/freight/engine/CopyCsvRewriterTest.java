package dev.freight.engine;

import dev.freight.source.Column;
import dev.freight.source.ColumnType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The byte-level rewrite of PostgreSQL's COPY CSV into Freight's CSV, row by row as CopyData messages arrive. */
class CopyCsvRewriterTest {

    private static Column column(ColumnType type) {
        return new Column(type.name().toLowerCase(), type, type.wireName(), Types.OTHER, true, 0, 0);
    }

    private static String rewrite(List<ColumnType> types, boolean sanitize, boolean crlf, String... copyRows) throws IOException {
        CopyCsvRewriter rewriter = new CopyCsvRewriter(types.stream().map(CopyCsvRewriterTest::column).toList(), ',',
                sanitize, crlf);
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
